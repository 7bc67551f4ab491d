/**
 * The raw floor of `npm run bench`: the least work a command can cost on this machine. It
 * registers one webhook for new messages; a bare `node:http` receiver checks the webhook's signature over the raw body, reads the message
 * (`GET /messages/{id}`) and posts the reply (`POST /messages`, threaded in a group space) with
 * undici on a keep-alive pool. No framework, no express, no database, no retries.
 *
 * The echo bot (echo-bot.ts) adds the framework and our transport to this; the bot adds its
 * own work. The three side by side say where each millisecond of a command goes.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { loadConfig } from '../../src/config';
import { isValidSignature } from '../../src/transport/signature';

interface MessageEvent {
  resource?: string;
  data?: { id?: string; personId?: string };
}

interface WebexMessage {
  id: string;
  roomId: string;
  roomType?: string;
  text?: string;
}

async function main(): Promise<void> {
  const config = loadConfig();
  const secret = config.webhookSecret ?? '';
  const api = new URL(config.webexApiUrl.endsWith('/') ? config.webexApiUrl : `${config.webexApiUrl}/`);
  const pool = new Pool(api.origin, { connections: 64, pipelining: 1 });
  const auth = `Bearer ${config.botToken}`;

  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const res = await pool.request({
      method,
      path: new URL(path, api).pathname,
      headers: { authorization: auth, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.body.text();
    if (res.statusCode >= 300) throw new Error(`${method} ${path}: ${res.statusCode}`);
    return JSON.parse(text) as T;
  }

  const me = await call<{ id: string }>('GET', 'people/me');
  // Its one webhook: new messages, signed with the same secret as the other bots'.
  await call('POST', 'webhooks', { name: 'raw floor', targetUrl: config.webhookUrl, resource: 'messages', event: 'created', secret });

  async function answer(event: MessageEvent): Promise<void> {
    if (event.resource !== 'messages' || !event.data?.id || event.data.personId === me.id) return;
    const message = await call<WebexMessage>('GET', `messages/${encodeURIComponent(event.data.id)}`);
    const reply = message.roomType === 'group' ? { roomId: message.roomId, parentId: message.id } : { roomId: message.roomId };
    await call('POST', 'messages', { ...reply, markdown: message.text || '…' });
  }

  let stopping = false;
  const replying = new Set<Promise<void>>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'GET' && (req.url === '/readyz' || req.url === '/healthz')) {
      res.writeHead(stopping ? 503 : 200).end(stopping ? 'stopping' : 'ready');
      return;
    }
    if (req.method !== 'POST' || req.url !== '/webhooks/webex') {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      if (!isValidSignature(secret, raw, req.headers['x-spark-signature'])) {
        res.writeHead(401).end();
        return;
      }
      res.writeHead(200).end('OK');
      let event: MessageEvent;
      try {
        event = JSON.parse(raw.toString('utf8')) as MessageEvent;
      } catch {
        return;
      }
      const work = answer(event).catch((err: unknown) => {
        process.stderr.write(`${JSON.stringify({ level: 40, msg: 'raw reply failed', err: String(err) })}\n`);
      });
      replying.add(work);
      void work.finally(() => replying.delete(work));
    });
  });
  server.listen(config.port, '127.0.0.1');
  await once(server, 'listening');
  process.stdout.write(`${JSON.stringify({ level: 30, msg: 'raw floor bot started', port: (server.address() as AddressInfo).port })}\n`);

  process.on('SIGTERM', () => {
    if (stopping) return;
    stopping = true;
    void Promise.allSettled([...replying])
      .then(() => pool.close())
      .finally(() => {
        server.close();
        server.closeAllConnections();
        process.exit(0);
      });
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`The raw floor bot could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
