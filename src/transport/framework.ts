import type FrameworkType from 'webex-node-bot-framework';
import { exportFrameworkEnvironment, type Config } from '../config';
import type { Logger } from '../log';
import type { WebexClient } from '../webex/client';
import { mentionNames, stripLeadingMention } from './mention';
import type { BotIdentity, InboundHandler, Transport } from './types';
import { ensureWebhooks, type RegisteredWebhooks } from './webhooks';

/**
 * The one module that loads webex-node-bot-framework. It turns the framework's events into
 * plain InboundEvents and keeps the framework's habits away from the rest of the bot:
 *
 * - Webhook registration is ours (see webhooks.ts): the framework would delete every webhook of
 *   the token on start, or those of other instances, and on stop. We hand it a Webex SDK whose
 *   webhook calls answer from what we registered, so it neither creates nor deletes any.
 * - Signatures are checked by the HTTP layer over the raw body before `dispatch`; the framework
 *   is not given the secret (it would check a re-serialised body).
 * - The bot's own messages come back as events; the framework would fetch each one from Webex
 *   only to drop it. They are dropped here, before any call.
 * - Spaces are discovered on first use (`maxStartupSpaces: 0`), so start-up costs the same with
 *   ten spaces or ten thousand. The framework drops an event that arrives while the first event
 *   of the same space is still discovering it, so events of an unknown space are serialised.
 */
export function createFrameworkTransport(options: {
  config: Config;
  client: WebexClient;
  logger: Logger;
  onEvent: InboundHandler;
}): Transport {
  const { config, client, logger, onEvent } = options;
  const mode = config.webhookUrl ? 'webhook' : 'websocket';
  let framework: FrameworkType | null = null;
  let handleWebhook: ((req: { body: unknown; headers: Record<string, string> }) => PromiseLike<unknown>) | null = null;
  let botNames: string[] = [];
  const discovering = new Map<string, Promise<void>>();

  function loadFramework(): { Framework: typeof FrameworkType; webhook: typeof import('webex-node-bot-framework/webhook') } {
    // The bundled SDK reads its API base from the environment when first loaded.
    exportFrameworkEnvironment(config);
    /* eslint-disable @typescript-eslint/no-require-imports */
    const Framework = require('webex-node-bot-framework') as typeof FrameworkType;
    const webhook = require('webex-node-bot-framework/webhook') as typeof import('webex-node-bot-framework/webhook');
    /* eslint-enable @typescript-eslint/no-require-imports */
    return { Framework, webhook };
  }

  function interceptWebhookCalls(fw: FrameworkType, registered: RegisteredWebhooks): void {
    let sdk: unknown = fw.webex;
    Object.defineProperty(fw, 'webex', {
      configurable: true,
      enumerable: true,
      get: () => sdk,
      set: (value: unknown) => {
        const webhooks = (value as { webhooks?: Record<string, unknown> } | null)?.webhooks;
        if (webhooks) {
          webhooks.list = () => Promise.resolve({ items: [] });
          webhooks.remove = () => Promise.resolve();
          webhooks.create = (w: { resource?: string }) =>
            Promise.resolve(w.resource === 'attachmentActions' ? registered.cards : registered.firehose);
        }
        sdk = value;
      },
    });
  }

  function listen(fw: FrameworkType): void {
    fw.on('message', (bot: FrameworkType.Bot, trigger: FrameworkType.Trigger) => {
      const message = trigger.message;
      if (!message || message.personId === fw.person?.id) return;
      const roomType = bot.room.type === 'group' ? 'group' : 'direct';
      const raw = message.text ?? '';
      onEvent({
        kind: 'message',
        messageId: message.id,
        personId: message.personId,
        personEmail: (message.personEmail ?? trigger.person?.emails?.[0] ?? '').toLowerCase(),
        roomId: message.roomId,
        roomType,
        text: (roomType === 'group' ? stripLeadingMention(raw, botNames) : raw.trim()).replace(/\s+/g, ' '),
      });
    });
    fw.on('attachmentAction', (bot: FrameworkType.Bot, trigger: FrameworkType.Trigger) => {
      const action = trigger.attachmentAction;
      if (!action) return;
      onEvent({
        kind: 'click',
        actionId: action.id,
        cardMessageId: action.messageId,
        personId: action.personId,
        personEmail: (trigger.person?.emails?.[0] ?? '').toLowerCase(),
        roomId: action.roomId,
        roomType: bot.room.type === 'group' ? 'group' : 'direct',
        inputs: action.inputs ?? {},
      });
    });
    fw.on('log', (line: string) => logger.debug({ framework: true }, line));
  }

  function isOwnEvent(envelope: unknown): boolean {
    const e = envelope as { resource?: unknown; data?: { personId?: unknown } } | null;
    const me = framework?.person?.id;
    return me !== undefined && e?.resource === 'messages' && e.data?.personId === me;
  }

  function roomIsKnown(roomId: string): boolean {
    return framework?.bots?.some((b) => b.room?.id === roomId) ?? false;
  }

  return {
    mode,

    async start(): Promise<BotIdentity> {
      const { Framework, webhook } = loadFramework();
      const fw = new Framework({
        token: config.botToken,
        ...(config.webhookUrl ? { webhookUrl: config.webhookUrl } : {}),
        removeWebhooksOnStart: false,
        maxStartupSpaces: 0,
        messageFormat: 'markdown',
      });
      if (config.webhookUrl && config.webhookSecret) {
        const registered = await ensureWebhooks(client, config.botToken, {
          targetUrl: config.webhookUrl,
          secret: config.webhookSecret,
          logger,
        });
        interceptWebhookCalls(fw, registered);
        listen(fw);
        await fw.start();
        // start() does not wait for its webhook step; the name it filters events by is ours.
        if (!fw.webhook || !fw.webhook.name) fw.webhook = registered.firehose as unknown as FrameworkType.WebhookLike;
      } else {
        listen(fw);
        await fw.start();
      }
      framework = fw;
      handleWebhook = webhook(fw);
      botNames = mentionNames(fw.person);
      return { personId: fw.person.id, email: fw.email, displayName: fw.person.displayName ?? fw.email };
    },

    isOwnEvent,

    async dispatch(envelope: unknown): Promise<void> {
      if (!handleWebhook || isOwnEvent(envelope)) return;
      const handle = handleWebhook;
      const roomId = (envelope as { data?: { roomId?: unknown } })?.data?.roomId;
      const run = async () => {
        await handle({ body: envelope, headers: {} });
      };
      if (typeof roomId !== 'string' || roomIsKnown(roomId)) return run();
      const before = discovering.get(roomId) ?? Promise.resolve();
      const mine = before.then(run, run);
      const settled = mine.catch(() => undefined);
      discovering.set(roomId, settled);
      void settled.then(() => {
        if (discovering.get(roomId) === settled) discovering.delete(roomId);
      });
      return mine;
    },

    async stop(): Promise<void> {
      const fw = framework;
      framework = null;
      handleWebhook = null;
      if (fw) await fw.stop();
    },
  };
}
