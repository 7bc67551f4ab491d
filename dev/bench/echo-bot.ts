/**
 * The echo bot of `npm run bench`: webex-node-bot-framework used the plain way its README shows,
 * `framework.hears` and `bot.reply`, nothing of the bot's own (no inbox, no database, no sign-in,
 * no reads of its own): each message is answered with the text it carried, threaded under it in
 * a group space. The framework reads each event, and discovers each new space, before it calls
 * the handler; that is the floor any bot on the framework starts from.
 *
 * Both transport modes, as the framework picks them: with PUBLIC_URL (webhook mode) it registers
 * its own webhook at `<PUBLIC_URL>/webhooks/webex` and this process receives it; without, the
 * framework's SDK opens the websocket. Settings come from the bot's config (`src/config.ts`).
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { loadConfig } from '../../src/config';

/** The framework's own types are loose; the echo bot needs these few members. */
interface FrameworkLike {
  hears(phrase: RegExp, action: (bot: { reply(message: unknown, text: string, format?: string): Promise<unknown> }, trigger: { message: unknown; text?: string }) => unknown): void;
  on(event: 'initialized', listener: () => void): void;
  start(): Promise<unknown>;
  stop(): Promise<unknown>;
}

async function main(): Promise<void> {
  const config = loadConfig();
  // The bundled Webex SDK reads where Webex is when it is first required.
  process.env.HYDRA_SERVICE_URL = config.webexApiUrl;
  process.env.U2C_SERVICE_URL = `${new URL(config.webexApiUrl).origin}/u2c/api/v1`;
  /* eslint-disable @typescript-eslint/no-require-imports */
  const Framework = require('webex-node-bot-framework') as new (options: Record<string, unknown>) => FrameworkLike;
  const webhook = require('webex-node-bot-framework/webhook') as (framework: FrameworkLike) => express.RequestHandler;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const quiet = { log() {}, error() {}, debug() {}, info() {} };
  const framework = new Framework({
    token: config.botToken,
    ...(config.webhookUrl ? { webhookUrl: config.webhookUrl, webhookSecret: config.webhookSecret } : {}),
    messageFormat: 'markdown',
    logger: quiet,
  });
  let replying = 0;
  framework.hears(/.*/, async (bot, trigger) => {
    replying += 1;
    try {
      await bot.reply(trigger.message, trigger.text || '…', 'markdown');
    } catch (err) {
      process.stderr.write(`${JSON.stringify({ level: 40, msg: 'echo failed', err: String(err) })}\n`);
    } finally {
      replying -= 1;
    }
  });

  let started = false;
  let stopping = false;
  const app = express();
  app.get(['/readyz', '/healthz'], (_req, res) => void res.status(started && !stopping ? 200 : 503).send(started ? 'ready' : 'starting'));
  if (config.webhookUrl) app.post('/webhooks/webex', express.json(), webhook(framework));
  const server = app.listen(config.port, '127.0.0.1');
  await once(server, 'listening');
  const initialized = new Promise<void>((resolve) => framework.on('initialized', resolve));
  await framework.start();
  await initialized;
  // start() resolves before the framework's webhook exists: ready once Webex lists it.
  if (config.webhookUrl) await webhookListed(config.webexApiUrl, config.botToken, config.webhookUrl);
  started = true;
  process.stdout.write(`${JSON.stringify({ level: 30, msg: 'echo bot started', port: (server.address() as AddressInfo).port, mode: config.webhookUrl ? 'webhook' : 'websocket' })}\n`);

  process.on('SIGTERM', () => {
    if (stopping) return;
    stopping = true;
    const drained = new Promise<void>((resolve) => {
      const check = () => (replying === 0 ? resolve() : setTimeout(check, 20));
      check();
    });
    void drained
      .then(() => framework.stop())
      .catch(() => undefined)
      .finally(() => {
        server.close();
        server.closeAllConnections();
        process.exit(0);
      });
  });
}

async function webhookListed(apiUrl: string, token: string, targetUrl: string): Promise<void> {
  for (let tries = 0; tries < 600; tries++) {
    const res = await fetch(`${apiUrl.replace(/\/$/, '')}/webhooks`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json().catch(() => ({}))) as { items?: Array<{ targetUrl?: string }> };
    if (body.items?.some((w) => w.targetUrl === targetUrl)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the framework registered no webhook');
}

main().catch((err: unknown) => {
  process.stderr.write(`The echo bot could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
