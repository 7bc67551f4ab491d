import type FrameworkType from 'webex-node-bot-framework';
import { exportFrameworkEnvironment, type Config } from '../config';
import type { Logger } from '../log';
import type { WebexClient } from '../webex/client';
import type { Person } from '../webex/types';
import { readEnvelope, sameId, type EventEnvelope } from './envelope';
import { activityEnvelope, clusterFinder, mercuryLink, type SdkInternals } from './mercury';
import { createSdkReads, installSdkReads } from './sdk-reads';
import { DEVICE_MARK_PREFIX, removeLeftoverDevices, type WdmDevice } from './devices';
import { createSocketSupervisor, type SocketSupervisor, type Timers } from './socket';
import type { BotIdentity, Transport } from './types';
import { ensureWebhooks, watchWebhooks, type RegisteredWebhooks, type WebhookWatch } from './webhooks';

/**
 * The one module that loads webex-node-bot-framework. The framework starts the bot (its SDK),
 * and in websocket mode holds the socket; it no longer reads or emits events: every event,
 * webhook or websocket, becomes an envelope (envelope.ts), goes through the durable inbox and is
 * read by reader.ts with one call. What is kept from the framework, and how:
 *
 * - Webhook registration is ours (see webhooks.ts): the framework would delete every webhook of
 *   the token on start, or those of other instances, and on stop. We hand it a Webex SDK whose
 *   webhook calls answer from what we registered, so it neither creates nor deletes any.
 * - The bot's identity is read once by the app; the SDK's `people.get('me')` is answered from it
 *   (sdk-reads.ts), and no space is discovered (`maxStartupSpaces: 0`, no `processEvent`).
 * - Websocket mode: the SDK plugins' `listen()` (each read every event again, and a failed read
 *   was an unhandled rejection) is replaced by one listener of `conversation.activity`
 *   (mercury.ts); the socket is kept open by the supervisor (socket.ts) and closed, with its
 *   device deleted, on stop.
 */
export function createFrameworkTransport(options: {
  config: Config;
  client: WebexClient;
  logger: Logger;
  /** The bot's `GET /people/me`, read once by the app. */
  me: Person;
  /** Websocket mode: an event envelope from the socket (into the inbox). Must not reject. */
  onSocketEvent(envelope: EventEnvelope): Promise<void>;
  /** Events may have been missed: the socket is back after a close, or a webhook was registered again. */
  onGap(): void;
  /** Websocket mode: the socket could not be reopened for `WEBSOCKET_GIVE_UP_MINUTES`. */
  onGiveUp(): void;
  onSocketConnected?(connected: boolean): void;
  onSocketDisconnect?(kind: string): void;
  /** Websocket mode: device heartbeats and the removal of devices left by killed processes. */
  marks?: {
    setMark(name: string, at: Date): Promise<void>;
    listMarks(prefix: string): Promise<Array<{ name: string; at: Date }>>;
    deleteMark(name: string): Promise<void>;
  };
  now?: () => Date;
  timers?: Timers;
}): Transport & { readonly identity: BotIdentity; deviceUrl(): string | undefined } {
  const { config, client, logger, me } = options;
  const mode = config.webhookUrl ? 'webhook' : 'websocket';
  const identity: BotIdentity = { personId: me.id, email: me.emails?.[0] ?? '', displayName: me.displayName ?? me.emails?.[0] ?? '' };
  let framework: FrameworkType | null = null;
  let supervisor: SocketSupervisor | null = null;
  let link: ReturnType<typeof mercuryLink> | null = null;
  let sdkRequest: ((options: Record<string, unknown>) => Promise<{ body?: unknown }>) | null = null;
  let heartbeat: NodeJS.Timeout | undefined;
  let webhookWatch: WebhookWatch | null = null;
  const now = options.now ?? (() => new Date());

  /** Websocket mode, once connected: our device's heartbeat, and devices of killed processes removed. */
  async function keepDevices(): Promise<void> {
    const marks = options.marks;
    const request = sdkRequest;
    if (!marks || !request) return;
    const beat = () => {
      const url = link?.deviceUrl();
      if (url) void marks.setMark(DEVICE_MARK_PREFIX + url, now()).catch((err: unknown) => logger.warn({ err: String(err) }, 'device heartbeat not saved'));
    };
    beat();
    heartbeat = setInterval(beat, 60_000);
    heartbeat.unref();
    await removeLeftoverDevices({
      list: async () => ((await request({ method: 'GET', service: 'wdm', resource: 'devices' })).body as { devices?: WdmDevice[] } | undefined)?.devices ?? [],
      remove: async (url) => void (await request({ method: 'DELETE', uri: url })),
      marks,
      ownUrl: link?.deviceUrl(),
      now: now(),
      logger,
    }).catch((err: unknown) => logger.warn({ err: String(err) }, 'leftover devices could not be listed'));
  }

  function loadFramework(): typeof FrameworkType {
    // The bundled SDK reads its API base from the environment when first loaded.
    exportFrameworkEnvironment(config);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('webex-node-bot-framework') as typeof FrameworkType;
  }

  const reads = createSdkReads({
    client,
    token: config.botToken,
    me,
    onFailure(_keys, err) {
      logger.warn({ err: String(err), trackingId: (err as { trackingId?: unknown }).trackingId }, 'a read of the Webex SDK failed');
    },
  });

  /** Websocket mode: our listener in place of the plugins' `listen()`, which the framework calls. */
  function installListener(sdk: SdkInternals & Record<string, { listen?: unknown } | undefined>): void {
    for (const plugin of ['messages', 'memberships', 'rooms', 'attachmentActions']) {
      const p = sdk[plugin];
      if (p) p.listen = () => Promise.resolve();
    }
    const clusterOf = clusterFinder(sdk);
    sdk.internal.mercury.on('event:conversation.activity', (frame: unknown) => {
      try {
        const activity = (frame as { data?: { activity?: unknown } } | null)?.data?.activity;
        const envelope = activityEnvelope(activity, identity.personId, clusterOf);
        if (!envelope || isOwnEvent(envelope)) return;
        void options.onSocketEvent(envelope).catch((err: unknown) => logger.error({ err: String(err) }, 'websocket event could not be taken'));
      } catch (err) {
        logger.error({ err: String(err) }, 'websocket event could not be read');
      }
    });
    link = mercuryLink(sdk, logger);
    const request = (sdk as { request?: (o: Record<string, unknown>) => Promise<{ body?: unknown }> }).request;
    if (typeof request === 'function') sdkRequest = request.bind(sdk);
    supervisor = createSocketSupervisor({
      link,
      logger,
      giveUpMs: config.websocketGiveUpMinutes * 60_000,
      onGap: options.onGap,
      onGiveUp: options.onGiveUp,
      ...(options.onSocketConnected ? { onConnectedChange: options.onSocketConnected } : {}),
      ...(options.onSocketDisconnect ? { onDisconnect: options.onSocketDisconnect } : {}),
      ...(options.timers ? { timers: options.timers } : {}),
    });
  }

  /**
   * The framework builds its SDK in `start()` and assigns it to `framework.webex`; the setter
   * puts our reads, our listener (websocket mode) or our registered webhooks in place before
   * first use.
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
        const internal = (value as { internal?: { mercury?: unknown } } | null)?.internal;
        if (!registered && internal?.mercury && !supervisor) installListener(value as SdkInternals & Record<string, { listen?: unknown } | undefined>);
        sdk = value;
      },
    });
  }

  function isOwnEvent(envelope: unknown): boolean {
    const e = readEnvelope(envelope);
    return e !== null && e.resource === 'messages' && sameId(e.data.personId, identity.personId);
  }

  return {
    mode,
    identity,

    async start(): Promise<void> {
      const Framework = loadFramework();
      const fw = new Framework({
        token: config.botToken,
        ...(config.webhookUrl ? { webhookUrl: config.webhookUrl } : {}),
        removeWebhooksOnStart: false,
        maxStartupSpaces: 0,
        messageFormat: 'markdown',
      });
      fw.on('log', (line: string) => logger.debug({ framework: true }, line));
      if (config.webhookUrl && config.webhookSecret) {
        const registration = { targetUrl: config.webhookUrl, secret: config.webhookSecret, logger };
        const registered = await ensureWebhooks(client, config.botToken, registration);
        webhookWatch = watchWebhooks(client, config.botToken, { ...registration, onRepaired: () => options.onGap(), ...(options.timers ? { timers: options.timers } : {}) });
        interceptSdk(fw, registered);
        await fw.start();
        // start() does not wait for its webhook step.
        if (!fw.webhook || !fw.webhook.name) fw.webhook = registered.firehose as unknown as FrameworkType.WebhookLike;
      } else {
        interceptSdk(fw, null);
        await fw.start();
        if (!supervisor) throw new Error('websocket mode: the Webex SDK has no Mercury socket');
        await (supervisor as SocketSupervisor).start();
        await keepDevices();
      }
      framework = fw;
    },

    isOwnEvent,

    connected: () => (mode === 'webhook' ? framework !== null : (supervisor?.connected() ?? false)),

    deviceUrl: () => link?.deviceUrl(),

    async stop(): Promise<void> {
      const fw = framework;
      framework = null;
      // The socket is closed and the device deleted first; the framework's stop then finds none.
      clearInterval(heartbeat);
      webhookWatch?.stop();
      const url = link?.deviceUrl();
      await supervisor?.stop();
      if (url) await options.marks?.deleteMark(DEVICE_MARK_PREFIX + url).catch(() => undefined);
      if (fw) await fw.stop();
    },
  };
}
