import type FrameworkType from 'webex-node-bot-framework';
import { exportFrameworkEnvironment, type Config } from '../config';
import type { Logger } from '../log';
import type { WebexClient } from '../webex/client';
import { mentionNames, stripLeadingMention } from './mention';
import { createSdkReads, installSdkReads, type ReadKey } from './sdk-reads';
import type { BotIdentity, InboundEvent, InboundHandler, Transport } from './types';
import { rememberSpaces, type FrameworkSpaces, type SpaceMemory } from './spaces';
import { ensureWebhooks, type RegisteredWebhooks } from './webhooks';

/**
 * The spaces the framework keeps in memory (see spaces.ts): at most `SPACES_IN_MEMORY` (and a
 * batch of 2 % more before the oldest are forgotten), and none idle for an hour. A forgotten
 * space costs two or three reads when it speaks again.
 */
const SPACE_IDLE_MS = 3_600_000;
const SPACE_EVICTION_INTERVAL_MS = 60_000;

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
 *   ten spaces or ten thousand; the framework finds them by a map, and forgets idle ones
 *   (spaces.ts), so an event costs the same with ten spaces seen or twenty thousand. The framework drops an event that arrives while the first event
 *   of the same space is still discovering it, so events of an unknown space are serialised.
 * - Every read the framework makes goes through our WebexClient (see sdk-reads.ts). The
 *   framework swallows a failed read; we note it against the event being dispatched, so that
 *   `dispatch` rejects with the WebexApiError instead of resolving as if nothing had come in.
 */
export function createFrameworkTransport(options: {
  config: Config;
  client: WebexClient;
  logger: Logger;
  onEvent: InboundHandler;
  /** Milliseconds since the epoch; tells how long a space has been idle. */
  now?: () => number;
}): Transport {
  const { config, client, logger, onEvent } = options;
  const mode = config.webhookUrl ? 'webhook' : 'websocket';
  let framework: FrameworkType | null = null;
  let handleWebhook: ((req: { body: unknown; headers: Record<string, string> }) => PromiseLike<unknown>) | null = null;
  let botNames: string[] = [];
  const discovering = new Map<string, Promise<void>>();
  const now = options.now ?? Date.now;
  let spaces: SpaceMemory | null = null;
  let evictTimer: NodeJS.Timeout | undefined;

  function loadFramework(): { Framework: typeof FrameworkType; webhook: typeof import('webex-node-bot-framework/webhook') } {
    // The bundled SDK reads its API base from the environment when first loaded.
    exportFrameworkEnvironment(config);
    /* eslint-disable @typescript-eslint/no-require-imports */
    const Framework = require('webex-node-bot-framework') as typeof FrameworkType;
    const webhook = require('webex-node-bot-framework/webhook') as typeof import('webex-node-bot-framework/webhook');
    /* eslint-enable @typescript-eslint/no-require-imports */
    return { Framework, webhook };
  }

  /** One `dispatch` in progress: what it is waiting for and what went wrong on the way. */
  interface Dispatching {
    readonly keys: ReadonlySet<ReadKey>;
    failure: unknown;
    work: Promise<void> | undefined;
  }
  const dispatchingByEvent = new Map<string, Dispatching[]>();
  const active = new Set<Dispatching>();

  const reads = createSdkReads({
    client,
    token: config.botToken,
    onFailure(keys, err) {
      let matched = false;
      for (const d of active) {
        if (!keys.some((k) => d.keys.has(k))) continue;
        d.failure ??= err;
        matched = true;
      }
      // An event that came another way (websocket mode) has no dispatch to reject: say it here.
      if (!matched && keys.length > 0) {
        logger.error({ err: String(err), trackingId: (err as { trackingId?: unknown }).trackingId }, 'Webex event could not be read; it is dropped');
      }
    },
  });

  /**
   * The framework builds its SDK in `start()` and assigns it to `framework.webex`; the setter
   * puts our reads (and, in webhook mode, our registered webhooks) in place before first use.
   */
  function interceptSdk(fw: FrameworkType, registered: RegisteredWebhooks | null): void {
    let sdk: unknown = fw.webex;
    Object.defineProperty(fw, 'webex', {
      configurable: true,
      enumerable: true,
      get: () => sdk,
      set: (value: unknown) => {
        installSdkReads(value, reads);
        const webhooks = (value as { webhooks?: Record<string, unknown> } | null)?.webhooks;
        if (webhooks && registered) {
          webhooks.list = () => Promise.resolve({ items: [] });
          webhooks.remove = () => Promise.resolve();
          webhooks.create = (w: { resource?: string }) =>
            Promise.resolve(w.resource === 'attachmentActions' ? registered.cards : registered.firehose);
        }
        sdk = value;
      },
    });
  }

  /** Hands an event to `onEvent`, and its work to the `dispatch` waiting for that event. */
  function deliver(eventId: string, event: InboundEvent): void {
    const work = Promise.resolve().then(() => onEvent(event));
    const waiting = dispatchingByEvent.get(eventId)?.find((d) => d.work === undefined);
    if (waiting) {
      waiting.work = work;
      // `dispatch` hands the rejection on once the framework's own chain has finished; until
      // then it must not count as unhandled.
      work.catch(() => undefined);
    }
    else void work.catch((err: unknown) => logger.error({ err: String(err), kind: event.kind }, 'event handling failed'));
  }

  function listen(fw: FrameworkType): void {
    fw.on('message', (bot: FrameworkType.Bot, trigger: FrameworkType.Trigger) => {
      const message = trigger.message;
      if (!message || message.personId === fw.person?.id) return;
      const roomType = bot.room.type === 'group' ? 'group' : 'direct';
      const raw = message.text ?? '';
      deliver(message.id, {
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
      deliver(action.id, {
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
    return spaces?.has(roomId) ?? false;
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
      const remembered = rememberSpaces(fw as unknown as FrameworkSpaces, { maxSpaces: config.spacesInMemory, idleMs: SPACE_IDLE_MS });
      spaces = remembered;
      evictTimer = setInterval(() => remembered.evictIdle(now()), SPACE_EVICTION_INTERVAL_MS);
      evictTimer.unref();
      if (config.webhookUrl && config.webhookSecret) {
        const registered = await ensureWebhooks(client, config.botToken, {
          targetUrl: config.webhookUrl,
          secret: config.webhookSecret,
          logger,
        });
        interceptSdk(fw, registered);
        listen(fw);
        await fw.start();
        // start() does not wait for its webhook step; the name it filters events by is ours.
        if (!fw.webhook || !fw.webhook.name) fw.webhook = registered.firehose as unknown as FrameworkType.WebhookLike;
      } else {
        interceptSdk(fw, null);
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
      const data = (envelope as { data?: Record<string, unknown> } | null)?.data ?? {};
      const eventId = typeof data.id === 'string' ? data.id : '';
      const roomId = data.roomId;
      if (typeof roomId === 'string') spaces?.touch(roomId, now());
      const keys = new Set([data.id, data.personId, data.roomId].filter((k): k is string => typeof k === 'string' && k !== ''));
      // The framework's part: read the event from Webex and emit it (or ignore it).
      const read = async (): Promise<Dispatching> => {
        const d: Dispatching = { keys, failure: undefined, work: undefined };
        if (typeof roomId === 'string') spaces?.hold(roomId);
        const list = dispatchingByEvent.get(eventId) ?? [];
        dispatchingByEvent.set(eventId, [...list, d]);
        active.add(d);
        try {
          await handle({ body: envelope, headers: {} });
        } finally {
          if (typeof roomId === 'string') spaces?.release(roomId);
          active.delete(d);
          const rest = (dispatchingByEvent.get(eventId) ?? []).filter((x) => x !== d);
          if (rest.length > 0) dispatchingByEvent.set(eventId, rest);
          else dispatchingByEvent.delete(eventId);
        }
        return d;
      };
      let reading: Promise<Dispatching>;
      if (typeof roomId !== 'string' || roomIsKnown(roomId)) {
        reading = read();
      } else {
        // Only the framework's part is serialised per unknown space, not the work that follows.
        const before = discovering.get(roomId) ?? Promise.resolve();
        reading = before.then(read, read);
        const settled = reading.then(() => undefined, () => undefined);
        discovering.set(roomId, settled);
        void settled.then(() => {
          if (discovering.get(roomId) === settled) discovering.delete(roomId);
        });
      }
      const d = await reading;
      if (d.work) return d.work;
      // Not handed over: either ignored on purpose (not a command, not our space), or a read failed.
      if (d.failure !== undefined) throw d.failure;
    },

    async stop(): Promise<void> {
      const fw = framework;
      framework = null;
      clearInterval(evictTimer);
      handleWebhook = null;
      if (fw) await fw.stop();
    },
  };
}
