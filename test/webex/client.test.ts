import { inspect } from 'node:util';
import { WebexClient } from '../../src/webex/client';
import { WebexApiError, WebexUrlRefusedError, isRetryableStatus } from '../../src/webex/errors';
import { silentLogger } from '../../src/log';
import { API_ORIGIN, caught, harness, json, TOKEN, type Harness } from './helpers';

function expectNoSecret(err: unknown, ...secrets: string[]): void {
  const e = err as Error;
  const views = [String(e), e.stack ?? '', inspect(e), JSON.stringify(e)];
  for (const view of views) {
    for (const secret of secrets) expect(view).not.toContain(secret);
    expect(view).not.toMatch(/Bearer/i);
  }
}

describe('WebexClient', () => {
  let h: Harness;
  beforeEach(() => {
    h = harness();
  });
  afterEach(async () => {
    await h.agent.close();
  });

  it('sends the bearer token and query, and parses JSON', async () => {
    let seen: Record<string, string> = {};
    h.api
      .intercept({ path: '/v1/webhooks?max=100&owned=true', method: 'GET' })
      .reply(200, (opts) => {
        seen = opts.headers as Record<string, string>;
        return { items: [] };
      }, { headers: json });
    const res = await h.client.request({ method: 'GET', path: '/webhooks', token: TOKEN, query: { max: 100, skip: undefined, owned: true } });
    expect(res).toMatchObject({ status: 200, body: { items: [] } });
    expect(seen.authorization).toBe(`Bearer ${TOKEN}`);
    expect(seen.accept).toBe('application/json');
  });

  it('takes the tracking ID from the body, else from the TrackingID header', async () => {
    h.api
      .intercept({ path: '/v1/people/me', method: 'GET' })
      .reply(404, { message: 'not found', trackingId: 'BODY_ID' }, { headers: { ...json, trackingid: 'HEADER_ID' } });
    h.api.intercept({ path: '/v1/people/me', method: 'GET' }).reply(403, 'nope', { headers: { TrackingID: 'HEADER_ID' } });
    const first = (await caught(h.client.request({ method: 'GET', path: '/people/me', token: TOKEN }))) as WebexApiError;
    expect(first.trackingId).toBe('BODY_ID');
    expect(first.webexMessage).toBe('not found');
    const second = (await caught(h.client.request({ method: 'GET', path: '/people/me', token: TOKEN }))) as WebexApiError;
    expect(second.trackingId).toBe('HEADER_ID');
    expect(second.status).toBe(403);
    expect(second.message).toContain('HEADER_ID');
  });

  it('never puts the token, the Authorization header or the query in errors, even when Webex echoes them', async () => {
    h.api
      .intercept({ path: (p) => p.startsWith('/v1/convergedRecordings'), method: 'GET' })
      .reply(400, { message: `bad token ${TOKEN} for cursor QUERYSECRET` }, { headers: json });
    const err = (await caught(
      h.client.request({ method: 'GET', path: '/convergedRecordings', token: TOKEN, query: { cursor: 'QUERYSECRET' } }),
    )) as WebexApiError;
    expect(err.status).toBe(400);
    expect(err.path).toBe('/convergedRecordings');
    expect(err.message).not.toContain('?');
    expectNoSecret(err, TOKEN);
    expect(err.webexMessage).toContain('[redacted]');
  });

  it('keeps secrets out of network and timeout errors', async () => {
    h = harness({ timeoutMs: 20, maxRetries: 0 });
    h.api.intercept({ path: '/v1/people/me', method: 'GET' }).replyWithError(new Error(`boom ${TOKEN}`));
    expectNoSecret(await caught(h.client.request({ method: 'GET', path: '/people/me', token: TOKEN })), TOKEN);
    h.api.intercept({ path: '/v1/people/me', method: 'GET' }).reply(200, {}).delay(300);
    expectNoSecret(await caught(h.client.request({ method: 'GET', path: '/people/me', token: TOKEN })), TOKEN);
  });

  it('logs failures at warn with the tracking ID and never the token', async () => {
    h = harness({ captureLogs: true });
    h.api.intercept({ path: '/v1/people/me', method: 'GET' }).reply(503, { trackingId: 'TRACK_503' }, { headers: json });
    h.api.intercept({ path: '/v1/people/me', method: 'GET' }).reply(200, { id: 'p' }, { headers: json });
    await h.client.request({ method: 'GET', path: '/people/me', token: TOKEN });
    const lines = h.logs.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ level: 40, method: 'GET', path: '/people/me', status: 503, trackingId: 'TRACK_503', attempt: 1 });
    expect(lines[1]).toMatchObject({ level: 20, status: 200 });
    expect(h.logs.join('\n')).not.toContain(TOKEN);
    expect(h.logs.join('\n')).not.toMatch(/authorization/i);
  });

  it('reports every attempt to onCall with its route label', async () => {
    h.api.intercept({ path: '/v1/messages/m%2F1', method: 'DELETE' }).reply(204, '', { headers: { trackingid: 'DEL_1' } });
    await h.client.request({ method: 'DELETE', path: '/messages/m%2F1', route: '/messages/{id}', token: TOKEN, responseType: 'none' });
    expect(h.calls).toEqual([
      expect.objectContaining({ method: 'DELETE', path: '/messages/m%2F1', route: '/messages/{id}', status: 204, attempt: 1, trackingId: 'DEL_1' }),
    ]);
    expect(h.calls[0]!.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('sends JSON and form bodies with their content types, and no Authorization without a token', async () => {
    const bodies: Array<{ body: unknown; headers: Record<string, string> }> = [];
    h.api
      .intercept({ path: '/v1/x', method: 'POST' })
      .reply(200, (opts) => {
        bodies.push({ body: opts.body, headers: opts.headers as Record<string, string> });
        return {};
      })
      .times(2);
    await h.client.request({ method: 'POST', path: '/x', token: TOKEN, json: { a: 1 } });
    await h.client.request({ method: 'POST', path: '/x', form: { a: 'b c', d: '&' } });
    expect(bodies[0]).toMatchObject({ body: '{"a":1}', headers: { 'content-type': 'application/json; charset=utf-8' } });
    expect(bodies[1]).toMatchObject({ body: 'a=b+c&d=%26', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(bodies[1]!.headers.authorization).toBeUndefined();
  });

  it('reads text, buffer and empty bodies', async () => {
    h.api.intercept({ path: '/v1/t', method: 'GET' }).reply(200, 'plain');
    h.api.intercept({ path: '/v1/b', method: 'GET' }).reply(200, Buffer.from([1, 2, 3]));
    h.api.intercept({ path: '/v1/e', method: 'GET' }).reply(204, '');
    h.api.intercept({ path: '/v1/w', method: 'GET' }).reply(200, ' \r\n\t');
    expect((await h.client.request({ method: 'GET', path: '/t', token: TOKEN, responseType: 'text' })).body).toBe('plain');
    expect((await h.client.request({ method: 'GET', path: '/b', token: TOKEN, responseType: 'buffer' })).body).toEqual(Buffer.from([1, 2, 3]));
    expect((await h.client.request({ method: 'GET', path: '/e', token: TOKEN })).body).toBeUndefined();
    expect((await h.client.request({ method: 'GET', path: '/w', token: TOKEN })).body).toBeUndefined();
  });

  it('rejects a 2xx body that is not JSON, and one over the size limit', async () => {
    h.api.intercept({ path: '/v1/j', method: 'GET' }).reply(200, '<html>');
    h.api.intercept({ path: '/v1/big', method: 'GET' }).reply(200, 'x'.repeat(100));
    expect(await caught(h.client.request({ method: 'GET', path: '/j', token: TOKEN }))).toMatchObject({ status: 200, kind: 'http' });
    const big = await caught(h.client.request({ method: 'GET', path: '/big', token: TOKEN, responseType: 'text', maxBodyBytes: 10 }));
    expect(String(big)).toContain('larger than 10 bytes');
  });

  it('refuses a path with a query or fragment, and a path that leaves the origin', async () => {
    await expect(h.client.request({ method: 'GET', path: '/recordings/a?b', token: TOKEN })).rejects.toThrow(TypeError);
    const bare = new WebexClient({ baseUrl: API_ORIGIN, logger: silentLogger(), dispatcher: h.agent });
    h.api.intercept({ path: (p) => p.endsWith('/evil.example/x'), method: 'GET' }).reply(200, { stayed: true }, { headers: json });
    await expect(bare.request({ method: 'GET', path: '//evil.example/x', token: TOKEN })).resolves.toMatchObject({ body: { stayed: true } });
  });

  it('refuses an Authorization header passed by hand', async () => {
    await expect(h.client.request({ method: 'GET', path: '/people/me', headers: { Authorization: 'Bearer x' } })).rejects.toThrow(TypeError);
  });

  describe('requestUrl', () => {
    it('follows absolute URLs on the API origin and shows the path relative to the base', async () => {
      h.api.intercept({ path: '/v1/convergedRecordings?cursor=abc', method: 'GET' }).reply(500, '');
      const err = (await caught(h.client.requestUrl({ method: 'GET', url: `${API_ORIGIN}/v1/convergedRecordings?cursor=abc`, token: TOKEN }))) as WebexApiError;
      expect(err.path).toBe('/convergedRecordings');
      expect(String(err)).not.toContain('cursor');
    });

    it.each([
      'https://evil.example/v1/people/me',
      'http://webexapis.com/v1/people/me',
      'https://webexapis.com:8443/v1/people/me',
      'https://user:pw@webexapis.com/v1/people/me',
      'ftp://webexapis.com/x',
      'not a url',
    ])('refuses %s without sending anything', async (url) => {
      const err = await caught(h.client.requestUrl({ method: 'GET', url, token: TOKEN }));
      expect(err).toBeInstanceOf(WebexUrlRefusedError);
      expectNoSecret(err, TOKEN, 'pw');
      expect(h.calls).toEqual([]);
    });

    it('lets a caller allow another origin explicitly', async () => {
      h.agent.get('https://files.example').intercept({ path: '/f', method: 'GET' }).reply(200, 'ok');
      const res = await h.client.requestUrl({ method: 'GET', url: 'https://files.example/f', responseType: 'text', allowUrl: (u) => u.host === 'files.example' });
      expect(res.body).toBe('ok');
    });
  });

  it('classifies retryable statuses', () => {
    expect([423, 429, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 405, 409, 410, 428, 500].some(isRetryableStatus)).toBe(false);
  });

  it('normalises the base URL', () => {
    const c = new WebexClient({ baseUrl: 'http://127.0.0.1:9/v1/', logger: silentLogger(), dispatcher: h.agent });
    expect(c.baseUrl).toBe('http://127.0.0.1:9/v1');
    expect(c.origin).toBe('http://127.0.0.1:9');
    expect(c.isSameOrigin('http://127.0.0.1:9/other')).toBe(true);
    expect(c.isSameOrigin('http://127.0.0.1:10/v1')).toBe(false);
  });
});
