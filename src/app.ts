import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSignIn } from './auth/signin';
import { createTokenProvider } from './auth/tokens';
import { uniqueRequests } from './commands/sign-in-prompt';
import { createBot } from './dispatch/bot';
import { createRestMessenger } from './replies/rest-messenger';
import { resolveZone, type ZoneSource } from './timezones/zone';
import type { Config } from './config';
import { createLogger, type Logger } from './log';
import { escapeMarkdown } from './format';
import { createMetrics, type Metrics } from './metrics';
import { createEventInbox } from './inbox';
import { createServer } from './server';
import { createStore } from './store';
import { resolveEncryptionKey } from './store/key';
import { isStoreUnavailable } from './store/errors';
import { createCatchUp } from './transport/catch-up';
import { readEnvelope } from './transport/envelope';
import { createFrameworkTransport } from './transport/framework';
import { createSocketIntake } from './transport/intake';
import { mentionNames } from './transport/mention';
import { createEventReader, RoomTypes } from './transport/reader';
import type { BotIdentity } from './transport/types';
import type { Services } from './services';
import { recordingWebhookSecret } from './notifications/registration';
import { createNotifications } from './notifications/service';
import { CallPartyCache } from './webex/call-party';
import { WebexClient } from './webex/client';
import type { Person } from './webex/types';

/** How long the bot's HTTP server keeps an idle connection open: longer than the clients that reuse it. */
export const IDLE_CONNECTION_MS = 65_000;

/** In-flight commands get this long to finish after SIGTERM (README, "Deploying"). */
export const DRAIN_TIMEOUT_MS = 25_000;
/** Each later stop step (notifications, socket and device, server) gets at most this long. */
export const STOP_STEP_TIMEOUT_MS = 5_000;

export interface RunningBot {
  readonly identity: BotIdentity;
  readonly port: number;
  readonly server: Server;
  readonly logger: Logger;
  /** The zone the bot shows this person's times in, and why (as `timezone` would say). */
  timeZoneOf(personId: string): Promise<{ zone: string; source: ZoneSource }>;
  /** Graceful stop: new events are still stored but start no work, in-flight ones finish, the database closes. */
  stop(): Promise<void>;
}

function within<T>(ms: number, work: Promise<T>): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/**
 * Builds and starts the bot from a Config, top-down: store → Webex client → the bot's identity
 * (one `GET /people/me`) → the bot composed without I/O (sign-in, commands, notifications,
 * inbox, transport, HTTP server) → started. `stop` undoes it in reverse. Used by `index.ts` and
 * by the sandbox.
 */
export async function startBot(
  config: Config,
  options: {
    logger?: Logger;
    now?: () => Date;
    metrics?: Metrics;
    /** The interface the HTTP server binds; default all (the sandbox binds loopback). */
    host?: string;
    /** Websocket mode: the socket could not be reopened for WEBSOCKET_GIVE_UP_MINUTES (index.ts exits 1). */
    onGiveUp?: () => void;
  } = {},
): Promise<RunningBot> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const now = options.now ?? (() => new Date());
  const metrics = options.metrics ?? createMetrics();

  // The store.
  const encryptionKey = resolveEncryptionKey({
    configuredKey: config.tokenEncryptionKey ?? undefined,
    production: config.production,
    databaseUrl: config.databaseUrl,
    logger,
  });
  const store = createStore({ url: config.databaseUrl, encryptionKey, logger });
  await store.init();

  // Webex, and who the bot is.
  const client = new WebexClient({ baseUrl: config.webexApiUrl, logger, onCall: (info) => metrics.recordWebexCall(info) });
  const me = (await client.request<Person>({ method: 'GET', path: '/people/me', token: config.botToken })).body;
  const messenger = createRestMessenger(client, config.botToken);

  // Lifecycle state, read by the parts below (readiness, intake) and set by start and stop.
  let started = false;
  let stopping = false;
  let closed = false;

  // The bot, composed without I/O. Closures below name parts defined further down; they run only once started.
  const tokens = createTokenProvider({
    store,
    client,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    scopes: config.oauthScopes,
    logger,
    now,
    // A refused refresh: the person's recording webhook goes with their last token first.
    beforeForget: (personId, lastToken) => notifications.refreshRefused(personId, lastToken),
  });
  const signIn = createSignIn({
    store,
    client,
    apiUrl: config.webexApiUrl,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    redirectUri: config.oauthRedirectUri,
    scopes: config.oauthScopes,
    logger,
    now,
    async onConnected({ personId, email }) {
      await messenger.post({ toPersonId: personId }, { markdown: `You're connected as ${escapeMarkdown(email)}. Ask me for a recording any time.` });
      const pending = uniqueRequests(await store.takePendingRequests(personId));
      for (const request of pending) await bot.replay({ ...request, personEmail: email });
    },
  });
  const services: Services = {
    store,
    client,
    tokens,
    signIn,
    messenger,
    logger,
    now,
    settings: {
      defaultTimezone: config.defaultTimezone,
      groupLinks: config.groupLinks,
      allowedEmailDomains: config.allowedEmailDomains,
      commandsPerMinute: config.commandsPerMinute,
      scopes: config.oauthScopes,
    },
    botName: () => me.displayName,
    recordOutcome: (command, outcome, seconds) => metrics.recordOutcome(command, outcome, seconds),
    callParties: new CallPartyCache(now),
  };
  const recordingSecret = config.webhookSecret ? recordingWebhookSecret(config.webhookSecret) : null;
  const notifications = createNotifications(
    services,
    { webhookUrl: config.recordingWebhookUrl, webhookSecret: recordingSecret, pollIntervalMs: config.recordingPollIntervalMs },
    // New recordings are kept in the inbox like every event.
    { acceptRecording: (key, envelope, personId) => inbox.acceptRecording(key, envelope, personId) },
    now,
  );
  const bot = createBot({ ...services, notifications });
  const reader = createEventReader({
    client,
    token: config.botToken,
    identity: { personId: me.id, email: me.emails?.[0] ?? '', displayName: me.displayName ?? '' },
    names: mentionNames(me),
    roomTypes: new RoomTypes(config.spacesInMemory),
    needClickerEmail: config.allowedEmailDomains.length > 0,
  });

  // Into the inbox before any work. An event stored after one that could not be tells the
  // catch-up that the store is back.
  const accept = async (envelope: unknown): Promise<boolean> => {
    const fresh = await inbox.accept(envelope);
    catchUp.stored();
    return fresh;
  };
  // Websocket mode: a store outage is tried through, then left to the catch-up.
  const takeFromSocket = createSocketIntake({
    accept,
    missed: (at) => catchUp.missed(at),
    logger,
    now,
    stopping: () => stopping,
  });

  const transport = createFrameworkTransport({
    config,
    client,
    logger,
    me,
    marks: store,
    now,
    onSocketEvent: takeFromSocket,
    onGap: () => void catchUp.run(transport.mode === 'websocket' ? 'reconnect' : 'webhook registered again'),
    onGiveUp: () => (options.onGiveUp ? options.onGiveUp() : logger.error('websocket gave up; the bot hears nothing until restarted')),
    onSocketConnected: (connected) => metrics.setSocketConnected(connected),
    onSocketDisconnect: (kind) => metrics.recordSocketDisconnect(kind),
  });
  const inbox = createEventInbox({
    store,
    events: {
      isOwnEvent: (envelope) => transport.isOwnEvent(envelope),
      async handle(envelope, steps) {
        const event = await reader.read(envelope);
        if (event) await bot.handle(event, steps);
      },
    },
    messenger,
    logger,
    now,
    started: Promise.resolve(),
    botPersonId: () => me.id,
    onSettled: (result) => metrics.recordInboxEvent(result),
    onRecordingEvent: (event, steps) => notifications.handle(event, steps),
  });
  const catchUp = createCatchUp({
    client,
    token: config.botToken,
    botPersonId: me.id,
    store,
    accept: (envelope) => inbox.accept(envelope),
    connected: () => transport.connected(),
    logger,
    now,
  });

  const app = createServer({
    logger,
    webhookSecret: config.webhookSecret,
    // During a drain events are still taken into the inbox (and left for the next start or
    // another instance); only /readyz says the instance is going.
    acceptingEvents: () => !closed,
    // Websocket mode: not ready while the socket is closed.
    isReady: async () => started && !stopping && transport.connected() && (await store.ping()),
    // Webhook mode: a delivery the store cannot take is answered 503 (Webex does not deliver it
    // again), and the catch-up reads it back once the store is back.
    async onWebhook(envelope) {
      try {
        await accept(envelope);
      } catch (err) {
        if (isStoreUnavailable(err)) catchUp.missed(new Date(readEnvelope(envelope)?.data.created ?? ''));
        throw err;
      }
    },
    ...(notifications.mode === 'webhook' && recordingSecret
      ? { recordingWebhook: { secret: recordingSecret, onEvent: (envelope: object) => notifications.accept(envelope) } }
      : {}),
    oauthCallback: (query) => signIn.callback(query),
    metrics: () => metrics.render(),
  });

  // Start.
  const server = options.host === undefined ? app.listen(config.port) : app.listen(config.port, options.host);
  await once(server, 'listening');
  // Idle connections are closed by the client first (a load balancer's 60 s, Webex): a server that
  // closes one just as the client reuses it loses that request (Node's default is 5 s).
  server.keepAliveTimeout = IDLE_CONNECTION_MS;
  server.headersTimeout = IDLE_CONNECTION_MS + 1_000;
  const port = (server.address() as AddressInfo).port;
  if (transport.mode === 'websocket') metrics.setSocketConnected(false);
  await transport.start();
  started = true;
  inbox.start();
  notifications.start();
  // After a crash or a stop, what was sent while the bot could not hear it.
  void catchUp.start();
  logger.info({ mode: transport.mode, port, bot: transport.identity.email }, 'bot started');

  return {
    identity: transport.identity,
    port,
    server,
    logger,
    timeZoneOf: (personId) => resolveZone({ store, client, logger, now, settings: { defaultTimezone: config.defaultTimezone } }, personId, null),
    async stop() {
      if (stopping) return;
      stopping = true;
      const deadline = Date.now() + DRAIN_TIMEOUT_MS;
      inbox.stopTaking();
      logger.info({ inFlight: bot.inFlight(), events: inbox.running() }, 'stopping: finishing in-flight commands');
      // The events being worked on finish (their commands with them), then any sign-in replays.
      const finished = (await inbox.drain(DRAIN_TIMEOUT_MS)) && (await bot.drain(Math.max(0, deadline - Date.now())));
      if (!finished) logger.warn({ inFlight: bot.inFlight(), events: inbox.running() }, 'stopped with commands still in flight');
      await inbox.stop();
      const step = (name: string, work: () => Promise<unknown>) =>
        within(STOP_STEP_TIMEOUT_MS, work()).catch((err: unknown) => logger.warn({ err: String(err) }, `${name} stop failed`));
      await step('notifications', () => notifications.stop());
      await step('catch-up', () => catchUp.stop());
      // Websocket mode: the socket closed and the device deleted.
      await step('transport', () => transport.stop());
      await step('server', () => new Promise<void>((resolve) => server.close(() => resolve())));
      server.closeAllConnections?.();
      closed = true;
      await store.close();
      logger.info('stopped');
    },
  };
}
