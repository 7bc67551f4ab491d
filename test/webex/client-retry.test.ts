import { WebexApiError } from '../../src/webex/errors';
import { caught, harness, json, TOKEN, type Harness } from './helpers';

const get = (h: Harness) => h.client.request({ method: 'GET', path: '/people/me', token: TOKEN });
const ok = (h: Harness) => h.api.intercept({ path: '/v1/people/me', method: 'GET' }).reply(200, { id: 'p1' }, { headers: json });

describe('WebexClient retries', () => {
  let h: Harness;
  beforeEach(() => {
    h = harness();
  });
  afterEach(async () => {
    await h.agent.close();
  });

  it('honours Retry-After in seconds, then succeeds', async () => {
    h.api.intercept({ path: '/v1/people/me', method: 'GET' }).reply(429, { message: 'slow down' }, { headers: { ...json, 'retry-after': '7' } });
    ok(h);
    const res = await get(h);
    expect(res.body).toEqual({ id: 'p1' });
    expect(h.sleeps).toEqual([7000]);
    h.agent.assertNoPendingInterceptors();
  });

  it('honours Retry-After given as an HTTP date', async () => {
    h = harness({ now: () => new Date('2024-01-01T00:00:00Z') });
    h.api.intercept({ path: '/v1/people/me', method: 'GET' }).reply(423, '', { headers: { 'retry-after': 'Mon, 01 Jan 2024 00:00:09 GMT' } });
    ok(h);
    await get(h);
    expect(h.sleeps).toEqual([9000]);
  });

  it('gives up at once when Retry-After is beyond the 30 s budget', async () => {
    h.api
      .intercept({ path: '/v1/people/me', method: 'GET' })
      .reply(429, { message: 'rate limited', trackingId: 'ROUTER_1' }, { headers: { ...json, 'retry-after': '40' } });
    const err = (await caught(get(h))) as WebexApiError;
    expect(err).toBeInstanceOf(WebexApiError);
    expect(err.kind).toBe('gave-up-waiting');
    expect(err.status).toBe(429);
    expect(err.retryAfter).toBe(40);
    expect(err.trackingId).toBe('ROUTER_1');
    expect(h.sleeps).toEqual([]);
  });

  it('gives up before a wait that would bring the total past 30 s (3 × 12 s)', async () => {
    h.api.intercept({ path: '/v1/people/me', method: 'GET' }).reply(429, '', { headers: { 'retry-after': '12' } }).times(3);
    const err = (await caught(get(h))) as WebexApiError;
    expect(h.sleeps).toEqual([12000, 12000]);
    expect(err.kind).toBe('gave-up-waiting');
    expect(err.retryAfter).toBe(12);
    expect(err.attempts).toBe(3);
    h.agent.assertNoPendingInterceptors();
  });

  it('retries exactly 3 times with a growing default backoff, then throws the last status', async () => {
    for (const status of [503, 504, 503, 502]) {
      h.api.intercept({ path: '/v1/people/me', method: 'GET' }).reply(status, { message: 'trouble' }, { headers: json });
    }
    const err = (await caught(get(h))) as WebexApiError;
    expect(err.kind).toBe('http');
    expect(err.status).toBe(502);
    expect(err.attempts).toBe(4);
    expect(h.sleeps).toHaveLength(3);
    const [first, second, third] = h.sleeps as [number, number, number];
    expect(first).toBeGreaterThanOrEqual(500);
    expect(first).toBeLessThanOrEqual(550);
    expect(second).toBeGreaterThanOrEqual(1000);
    expect(second).toBeLessThanOrEqual(1100);
    expect(third).toBeGreaterThanOrEqual(2000);
    expect(third).toBeLessThanOrEqual(2200);
    expect(h.calls.map((c) => c.status)).toEqual([503, 504, 503, 502]);
    h.agent.assertNoPendingInterceptors();
  });

  it('keeps retryAfter on the final error after the retries run out', async () => {
    h.api.intercept({ path: '/v1/people/me', method: 'GET' }).reply(423, '', { headers: { 'retry-after': '2' } }).times(4);
    const err = (await caught(get(h))) as WebexApiError;
    expect(err.kind).toBe('http');
    expect(err.status).toBe(423);
    expect(err.retryAfter).toBe(2);
    expect(h.sleeps).toEqual([2000, 2000, 2000]);
  });

  it.each([400, 401, 403, 404, 405, 409, 410, 415, 428, 500])('does not retry %i', async (status) => {
    h.api
      .intercept({ path: '/v1/people/me', method: 'GET' })
      .reply(status, { message: 'no', trackingId: `T_${status}` }, { headers: json });
    const err = (await caught(get(h))) as WebexApiError;
    expect(err.status).toBe(status);
    expect(err.kind).toBe('http');
    expect(err.trackingId).toBe(`T_${status}`);
    expect(h.sleeps).toEqual([]);
    expect(h.calls).toHaveLength(1);
  });

  it('retries network errors', async () => {
    h.api.intercept({ path: '/v1/people/me', method: 'GET' }).replyWithError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
    h.api.intercept({ path: '/v1/people/me', method: 'GET' }).replyWithError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    ok(h);
    await expect(get(h)).resolves.toMatchObject({ status: 200 });
    expect(h.sleeps).toHaveLength(2);
    expect(h.calls.map((c) => [c.status, c.kind])).toEqual([
      [0, 'network'],
      [0, 'network'],
      [200, undefined],
    ]);
  });

  it('reports a network error with status 0 once retries run out', async () => {
    h.api
      .intercept({ path: '/v1/people/me', method: 'GET' })
      .replyWithError(Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED' }))
      .times(4);
    const err = (await caught(get(h))) as WebexApiError;
    expect(err.kind).toBe('network');
    expect(err.status).toBe(0);
    expect(err.networkCode).toBe('ECONNREFUSED');
    expect(h.sleeps).toHaveLength(3);
  });

  it('times out each attempt, retries, then throws kind timeout', async () => {
    h = harness({ timeoutMs: 30 });
    h.api.intercept({ path: '/v1/people/me', method: 'GET' }).reply(200, { id: 'late' }, { headers: json }).delay(500).times(4);
    const err = (await caught(get(h))) as WebexApiError;
    expect(err.kind).toBe('timeout');
    expect(err.status).toBe(0);
    expect(err.attempts).toBe(4);
    expect(h.sleeps).toHaveLength(3);
    expect(String(err)).toContain('timed out after 30 ms');
  });

  it('recovers when only the first attempt times out', async () => {
    h = harness({ timeoutMs: 30 });
    h.api.intercept({ path: '/v1/people/me', method: 'GET' }).reply(200, { id: 'late' }, { headers: json }).delay(500);
    ok(h);
    await expect(get(h)).resolves.toMatchObject({ body: { id: 'p1' } });
    expect(h.calls.map((c) => c.kind)).toEqual(['timeout', undefined]);
  });

  describe('methods that are not GET', () => {
    const post = (hh: Harness) => hh.client.request({ method: 'POST', path: '/messages', token: TOKEN, json: { roomId: 'r', text: 'hi' } });
    const posted = (hh: Harness) => hh.api.intercept({ path: '/v1/messages', method: 'POST' }).reply(200, { id: 'm1' }, { headers: json });

    it('retries 429 and 423 (Webex did not process them)', async () => {
      h.api.intercept({ path: '/v1/messages', method: 'POST' }).reply(429, '', { headers: { 'retry-after': '1' } });
      h.api.intercept({ path: '/v1/messages', method: 'POST' }).reply(423, '', { headers: { 'retry-after': '1' } });
      posted(h);
      await expect(post(h)).resolves.toMatchObject({ body: { id: 'm1' } });
      expect(h.sleeps).toEqual([1000, 1000]);
    });

    it('retries 503 only with Retry-After', async () => {
      h.api.intercept({ path: '/v1/messages', method: 'POST' }).reply(503, '', { headers: { 'retry-after': '3' } });
      posted(h);
      await expect(post(h)).resolves.toMatchObject({ status: 200 });
      h.api.intercept({ path: '/v1/messages', method: 'POST' }).reply(503, '');
      expect(await caught(post(h))).toMatchObject({ status: 503, kind: 'http' });
      expect(h.sleeps).toEqual([3000]);
    });

    it.each([502, 504])('does not retry %i (the message may have been posted)', async (status) => {
      h.api.intercept({ path: '/v1/messages', method: 'POST' }).reply(status, '');
      expect(await caught(post(h))).toMatchObject({ status });
      expect(h.sleeps).toEqual([]);
    });

    it('does not retry a reset connection, but does retry a refused one', async () => {
      h.api.intercept({ path: '/v1/messages', method: 'POST' }).replyWithError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
      expect(await caught(post(h))).toMatchObject({ kind: 'network', networkCode: 'ECONNRESET' });
      expect(h.sleeps).toEqual([]);
      h.api.intercept({ path: '/v1/messages', method: 'POST' }).replyWithError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }));
      posted(h);
      await expect(post(h)).resolves.toMatchObject({ status: 200 });
      expect(h.sleeps).toHaveLength(1);
    });

    it('retries a PUT like a GET (it sets a state: repeating it changes nothing): a reset connection, a timeout, a 502', async () => {
      h = harness({ timeoutMs: 30 });
      const put = () => h.client.request({ method: 'PUT', path: '/webhooks/w1', token: TOKEN, json: { name: 'bot', targetUrl: 'https://bot.example.com/webhooks/webex', status: 'active' } });
      h.api.intercept({ path: '/v1/webhooks/w1', method: 'PUT' }).replyWithError(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }));
      h.api.intercept({ path: '/v1/webhooks/w1', method: 'PUT' }).reply(200, {}).delay(500);
      h.api.intercept({ path: '/v1/webhooks/w1', method: 'PUT' }).reply(502, '');
      h.api.intercept({ path: '/v1/webhooks/w1', method: 'PUT' }).reply(200, { id: 'w1', status: 'active' }, { headers: json });
      await expect(put()).resolves.toMatchObject({ body: { id: 'w1', status: 'active' } });
      expect(h.calls.map((c) => c.kind ?? c.status)).toEqual(['network', 'timeout', 'http', 200]);
    });

    it('does not retry a timeout', async () => {
      h = harness({ timeoutMs: 30 });
      h.api.intercept({ path: '/v1/messages', method: 'POST' }).reply(200, {}).delay(500);
      expect(await caught(post(h))).toMatchObject({ kind: 'timeout', attempts: 1 });
      expect(h.sleeps).toEqual([]);
    });
  });
});
