/**
 * The echo bot of `npm run bench`: a bot on webex-node-bot-framework used the framework's way
 * (the framework reads each event, and discovers each new space, before emitting it). It is
 * built from the bot's parts — the signed-webhook route of `createServer`, the framework loaded
 * by `src/transport/framework.ts` (`startFrameworkEcho`) and the REST messenger — and does
 * nothing else: each message is answered with the text it carried,
 * threaded under it in a group space. No database, no sign-in, no Webex call of its own.
 *
 * Whatever the bot costs above this is the cost of the bot's own work: deduplication, stored
 * sign-ins, the recording request, the card.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createRestMessenger } from '../../src/replies/rest-messenger';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { createServer } from '../../src/server';
import { startFrameworkEcho } from '../../src/transport/framework';
import { WebexClient } from '../../src/webex/client';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel });
  const client = new WebexClient({ baseUrl: config.webexApiUrl, logger });
  const messenger = createRestMessenger(client, config.botToken);
  const replying = new Set<Promise<unknown>>();

  const echo = async (event: { id: string; roomId: string; roomType: 'direct' | 'group'; text: string }): Promise<void> => {
    const to = event.roomType === 'group' ? { roomId: event.roomId, parentId: event.id } : { roomId: event.roomId };
    const reply = messenger.post(to, { markdown: event.text || '…' }).catch((err: unknown) => logger.warn({ err: String(err) }, 'echo failed'));
    replying.add(reply);
    void reply.finally(() => replying.delete(reply));
    await reply;
  };

  let transport: Awaited<ReturnType<typeof startFrameworkEcho>> | null = null;
  let started = false;
  let stopping = false;
  const app = createServer({
    logger,
    webhookSecret: config.webhookSecret,
    acceptingEvents: () => !stopping,
    isReady: async () => started,
    async onWebhook(envelope) {
      void transport?.dispatch(envelope).catch((err: unknown) => logger.error({ err: String(err) }, 'event could not be processed'));
    },
    oauthCallback: async () => ({ status: 404, html: 'The echo bot has no sign-in.' }),
  });
  const server = app.listen(config.port);
  await once(server, 'listening');
  transport = await startFrameworkEcho({ config, client, logger, onMessage: echo });
  started = true;
  logger.info({ port: (server.address() as AddressInfo).port, bot: transport.email }, 'echo bot started');

  process.on('SIGTERM', () => {
    if (stopping) return;
    stopping = true;
    void Promise.allSettled([...replying])
      .then(() => transport?.stop())
      .finally(() => {
        server.close();
        server.closeAllConnections();
        process.exit(0);
      });
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`The echo bot could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
