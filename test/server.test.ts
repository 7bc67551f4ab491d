/**
 * The HTTP surface's own rules: what a signed but malformed webhook gets, how failures are logged
 * (one JSON line, no stack trace on the response), the security headers of every page, and how
 * much of a foreign OAuth `error` the callback page shows.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createSignIn } from '../src/auth/signin';
import { createLogger } from '../src/log';
import { createServer, type ServerDeps } from '../src/server';
import { signBody } from '../src/transport/signature';
import { StoreUnavailableError } from '../src/store/errors';

const SECRET = 'server-test-secret';

describe('HTTP server', () => {
  let server: Server;
  let base: string;
  const lines: Array<Record<string, unknown>> = [];
  const accepted: unknown[] = [];
  let callback: ServerDeps['oauthCallback'] = async () => ({ status: 200, html: '<p>ok</p>' });
  const keep: ServerDeps['onWebhook'] = async (envelope) => void accepted.push(envelope);
  let onWebhook = keep;

  beforeAll(async () => {
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const app = createServer({
      logger: createLogger({ level: 'info', destination }),
      webhookSecret: SECRET,
      acceptingEvents: () => true,
      isReady: async () => true,
      onWebhook: (envelope) => onWebhook(envelope),
      oauthCallback: (query) => callback(query),
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  function postSigned(body: string) {
    return fetch(`${base}/webhooks/webex`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-spark-signature': signBody(SECRET, body) }, body });
  }

  it.each(['null', '[]', '"text"', '42', 'true'])('answers a validly signed %s body with 400, without handing it on', async (body) => {
    const res = await postSigned(body);
    expect(res.status).toBe(400);
    expect(accepted).toEqual([]);
  });

  it('accepts a validly signed JSON object', async () => {
    const res = await postSigned('{"resource":"messages","event":"created","data":{"id":"m1"}}');
    expect(res.status).toBe(200);
    expect(accepted).toEqual([{ resource: 'messages', event: 'created', data: { id: 'm1' } }]);
    accepted.length = 0;
  });

  const event = { resource: 'messages', event: 'created', data: { id: 'm1', roomId: 'r1', personId: 'p1' } };
  it.each<[string, unknown]>([
    ['an empty object', {}],
    ['no data', { resource: 'messages', event: 'created' }],
    ['data without id', { ...event, data: { roomId: 'r1' } }],
    ['an object as data.id', { ...event, data: { ...event.data, id: { nested: 'm1' } } }],
    ['a number as data.id', { ...event, data: { ...event.data, id: 42 } }],
    ['an array as data.roomId', { ...event, data: { ...event.data, roomId: ['r1', 'r2'] } }],
    ['a number as resource', { ...event, resource: 7 }],
    ['an object as event', { ...event, event: { created: true } }],
  ])('answers a validly signed body with %s 400, and hands nothing on', async (_name, value) => {
    const res = await postSigned(JSON.stringify(value));
    expect(res.status).toBe(400);
    expect(await res.text()).toBe('not a Webex event');
    expect(accepted).toEqual([]);
  });

  it.each([
    ['objects', '{"a":', '}'],
    ['arrays', '[', ']'],
  ])('answers %s nested 100,000 levels deep with 400 (not 500), before parsing, and hands nothing on', async (_name, open, close) => {
    const before = lines.length;
    const deep = `${open.repeat(100_000)}1${close.repeat(100_000)}`;
    const res = await postSigned(`{"resource":"messages","event":"created","data":{"id":"m1","x":${deep}}}`);
    expect(res.status).toBe(400);
    expect(await res.text()).toBe('too deeply nested');
    expect(accepted).toEqual([]);
    expect(lines.slice(before)).toEqual([expect.objectContaining({ level: 40, msg: 'webhook refused: not a Webex event' })]);
  });

  it('logs a route that throws as one JSON line and answers without a stack trace', async () => {
    callback = async () => {
      throw new Error('store is gone');
    };
    const before = lines.length;
    const res = await fetch(`${base}/oauth/callback?state=s&code=c`);
    const text = await res.text();
    expect(res.status).toBe(500);
    expect(text).toBe('error');
    expect(lines.slice(before)).toEqual([expect.objectContaining({ level: 50, msg: 'request failed', status: 500, route: '/oauth/callback', err: 'Error: store is gone' })]);
    callback = async () => ({ status: 200, html: '<p>ok</p>' });
  });

  it('answers 503 with Retry-After while the database is unavailable (Webex may deliver again), 500 for any other failure', async () => {
    const before = lines.length;
    onWebhook = async () => {
      throw new StoreUnavailableError('ECONNREFUSED');
    };
    const away = await postSigned('{"resource":"messages","event":"created","data":{"id":"m1"}}');
    expect(away.status).toBe(503);
    expect(away.headers.get('retry-after')).toBe('5');
    expect(await away.text()).toBe('database unavailable');
    onWebhook = async () => {
      throw new Error('a bug');
    };
    const broken = await postSigned('{"resource":"messages","event":"created","data":{"id":"m2"}}');
    expect(broken.status).toBe(500);
    onWebhook = keep;
    expect(lines.slice(before)).toEqual([
      expect.objectContaining({ level: 40, msg: 'webhook not stored: the database is unavailable', err: 'StoreUnavailableError: the database is unavailable (ECONNREFUSED)' }),
      expect.objectContaining({ level: 50, msg: 'webhook could not be accepted', err: 'Error: a bug' }),
    ]);
  });

  it('refuses a webhook body over the limit with 413, logged as a JSON line', async () => {
    const body = JSON.stringify({ data: 'x'.repeat(1_100_000) });
    const before = lines.length;
    const res = await postSigned(body);
    expect(res.status).toBe(413);
    expect(await res.text()).toBe('bad request');
    expect(lines.slice(before)).toEqual([expect.objectContaining({ level: 40, status: 413, type: 'entity.too.large' })]);
  });

  it.each(['/oauth/callback?state=s&code=c', '/healthz', '/no-such-page'])('sends CSP, X-Frame-Options and nosniff on %s', async (path) => {
    const res = await fetch(`${base}${path}`);
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'.*frame-ancestors 'none'/);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('shows a bounded, escaped OAuth error on the callback page', async () => {
    const signIn = createSignIn({
      store: { takeOAuthState: async () => null } as never,
      client: {} as never,
      apiUrl: 'http://127.0.0.1:1/v1',
      clientId: 'cid',
      clientSecret: 'csecret',
      redirectUri: `${base}/oauth/callback`,
      scopes: ['spark:recordings_read'],
      logger: createLogger({ level: 'silent' }),
      now: () => new Date(),
      onConnected: async () => undefined,
    });
    callback = (query) => signIn.callback(query);
    const hostile = `<script>alert(1)</script>${'A'.repeat(8 * 1024)}`;
    const res = await fetch(`${base}/oauth/callback?error=${encodeURIComponent(hostile)}&state=s`);
    const html = await res.text();
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('A'.repeat(81));
    expect(html.length).toBeLessThan(1500);
  });
});
