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
import { createEventInbox, type EventInbox } from './inbox';
import { createServer } from './server';
import { createStore } from './store';
import { resolveEncryptionKey } from './store/key';
import { createFrameworkTransport } from './transport/framework';
import type { BotIdentity } from './transport/types';
import type { Services } from './dispatch/services';
import { recordingWebhookSecret } from './notifications/registration';
import { createNotifications, type Notifications } from './notifications/service';
import { CallPartyCache } from './webex/call-party';
import { WebexClient } from './webex/client';

/** In-flight commands get this long to finish after SIGTERM (README, "Deploying"). */
export const DRAIN_TIMEOUT_MS = 25_000;

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

/**
 * Builds and starts the bot from a Config: store, Webex client, sign-in, bot, transport and
 * HTTP server, in that order. Used by `index.ts` and by the sandbox.
 */
export async function startBot(
  config: Config,
  /** `host`: the interface the HTTP server binds; default all (the sandbox binds loopback). */
  options: { logger?: Logger; now?: () => Date; metrics?: Metrics; host?: string } = {},
): Promise<RunningBot> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const now = options.now ?? (() => new Date());
  const metrics = options.metrics ?? createMetrics();
  const encryptionKey = resolveEncryptionKey({
    configuredKey: config.tokenEncryptionKey ?? undefined,
    production: config.production,
    databaseUrl: config.databaseUrl,
    logger,
  });
  const store = createStore({ url: config.databaseUrl, encryptionKey, logger });
  await store.init();

  const client = new WebexClient({ baseUrl: config.webexApiUrl, logger, onCall: (info) => metrics.recordWebexCall(info) });
  const messenger = createRestMessenger(client, config.botToken);
  const tokens = createTokenProvider({
    store,
    client,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    scopes: config.oauthScopes,
    logger,
    now,
    // A refused refresh: the person's recording webhook goes with their last token first.
    beforeForget: (personId, lastToken) => notifications?.refreshRefused(personId, lastToken) ?? Promise.resolve(),
  });
  let notifications: Notifications | undefined;

  let bot: ReturnType<typeof createBot> | null = null;
  let botName: string | undefined;
  let botPersonId: string | undefined;
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
      for (const request of pending) await bot?.replay({ ...request, personEmail: email });
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
    botName: () => botName,
    recordOutcome: (command, outcome, seconds) => metrics.recordOutcome(command, outcome, seconds),
    callParties: new CallPartyCache(() => now().getTime()),
  };
  const recordingSecret = config.webhookSecret ? recordingWebhookSecret(config.webhookSecret) : null;
  let inbox: EventInbox | null = null;
  const theNotifications = createNotifications(
    services,
    { webhookUrl: config.recordingWebhookUrl, webhookSecret: recordingSecret, pollIntervalMs: config.recordingPollIntervalMs },
    // New recordings are kept in the inbox like every event (it exists before anything arrives).
    { acceptRecording: (key, envelope, personId) => inbox!.acceptRecording(key, envelope, personId) },
    () => now().getTime(),
  );
  notifications = theNotifications;
  bot = createBot({ ...services, notifications: theNotifications });
  const theBot = bot;

  const transport = createFrameworkTransport({ config, client, logger, onEvent: (event) => theBot.handle(event, inbox?.stepsFor(event)) });
  let started = false;
  let stopping = false;
  let closed = false;
  let markStarted: () => void = () => undefined;
  const startedPromise = new Promise<void>((resolve) => (markStarted = resolve));
  const theInbox = createEventInbox({
    store,
    transport,
    messenger,
    logger,
    now,
    started: startedPromise,
    botPersonId: () => botPersonId,
    onSettled: (result) => metrics.recordInboxEvent(result),
    onRecordingEvent: (event, steps) => theNotifications.handle(event, steps),
  });
  inbox = theInbox;

  const app = createServer({
    logger,
    webhookSecret: config.webhookSecret,
    // During a drain events are still taken into the inbox (and left for the next start or
    // another instance); only /readyz says the instance is going.
    acceptingEvents: () => !closed,
    isReady: async () => started && !stopping && (await store.ping()),
    onWebhook: (envelope) => theInbox.accept(envelope),
    ...(theNotifications.mode === 'webhook' && recordingSecret
      ? { recordingWebhook: { secret: recordingSecret, onEvent: (envelope: object) => theNotifications.accept(envelope) } }
      : {}),
    oauthCallback: (query) => signIn.callback(query),
    metrics: () => metrics.render(),
  });

  const server = options.host === undefined ? app.listen(config.port) : app.listen(config.port, options.host);
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const identity = await transport.start();
  botName = identity.displayName;
  botPersonId = identity.personId;
  started = true;
  markStarted();
  theInbox.start();
  theNotifications.start();
  logger.info({ mode: transport.mode, port, bot: identity.email }, 'bot started');

  return {
    identity,
    port,
    server,
    logger,
    timeZoneOf: (personId) => resolveZone({ store, client, logger, now, settings: { defaultTimezone: config.defaultTimezone } }, personId, null),
    async stop() {
      if (stopping) return;
      stopping = true;
      const deadline = Date.now() + DRAIN_TIMEOUT_MS;
      theInbox.stopTaking();
      logger.info({ inFlight: theBot.inFlight(), events: theInbox.running() }, 'stopping: finishing in-flight commands');
      // The events being worked on finish (their commands with them), then any sign-in replays.
      const finished = (await theInbox.drain(DRAIN_TIMEOUT_MS)) && (await theBot.drain(Math.max(0, deadline - Date.now())));
      if (!finished) logger.warn({ inFlight: theBot.inFlight(), events: theInbox.running() }, 'stopped with commands still in flight');
      await theInbox.stop();
      await theNotifications.stop().catch((err: unknown) => logger.warn({ err: String(err) }, 'notifications stop failed'));
      await transport.stop().catch((err: unknown) => logger.warn({ err: String(err) }, 'transport stop failed'));
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections?.();
      closed = true;
      await store.close();
      logger.info('stopped');
    },
  };
}
