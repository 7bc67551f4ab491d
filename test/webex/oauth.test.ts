import { inspect } from 'node:util';
import { WebexApiError } from '../../src/webex/errors';
import { buildAuthorizeUrl, createPkcePair, exchangeCode, pkceChallenge, refreshAccessToken } from '../../src/webex/oauth';
import { caught, harness, json, type Harness } from './helpers';

const CLIENT = { clientId: 'C123', clientSecret: 'CLIENT-SECRET-9d8e7f' };
const TOKENS = { access_token: 'NEW-ACCESS', expires_in: 1209599, refresh_token: 'NEW-REFRESH', refresh_token_expires_in: 7776000, token_type: 'Bearer' };

describe('oauth', () => {
  it('builds the authorize URL with PKCE S256', () => {
    const url = new URL(
      buildAuthorizeUrl({
        apiUrl: 'https://webexapis.com/v1/',
        clientId: 'C123',
        redirectUri: 'https://bot.example/oauth/callback',
        scopes: ['spark:recordings_read', 'spark:people_read'],
        state: 'st&te',
        codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      }),
    );
    expect(url.origin + url.pathname).toBe('https://webexapis.com/v1/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'C123',
      redirect_uri: 'https://bot.example/oauth/callback',
      scope: 'spark:recordings_read spark:people_read',
      state: 'st&te',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    });
    expect(url.search).toContain('scope=spark%3Arecordings_read%20spark%3Apeople_read');
  });

  it('computes the RFC 7636 appendix B challenge', () => {
    expect(pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('creates fresh verifiers within RFC 7636 limits, with matching challenges', () => {
    const a = createPkcePair();
    const b = createPkcePair();
    expect(a.verifier).not.toBe(b.verifier);
    for (const pair of [a, b]) {
      expect(pair.verifier).toMatch(/^[A-Za-z0-9\-._~]{43,128}$/);
      expect(pair.challenge).toBe(pkceChallenge(pair.verifier));
      expect(pair.challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    }
  });

  describe('token endpoint', () => {
    let h: Harness;
    beforeEach(() => {
      h = harness();
    });
    afterEach(async () => {
      await h.agent.close();
    });

    it('exchanges a code with the form fields and no Authorization header', async () => {
      let seen: { body: string; headers: Record<string, string> } | undefined;
      h.api.intercept({ path: '/v1/access_token', method: 'POST' }).reply(200, (opts) => {
        seen = { body: String(opts.body), headers: opts.headers as Record<string, string> };
        return TOKENS;
      }, { headers: json });
      const answer = await exchangeCode(h.client, {
        ...CLIENT,
        code: 'AUTH-CODE-1',
        redirectUri: 'https://bot.example/oauth/callback',
        codeVerifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
      });
      expect(answer).toEqual(TOKENS);
      expect(seen!.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(Object.keys(seen!.headers).map((k) => k.toLowerCase())).not.toContain('authorization');
      expect(Object.fromEntries(new URLSearchParams(seen!.body))).toEqual({
        grant_type: 'authorization_code',
        client_id: 'C123',
        client_secret: 'CLIENT-SECRET-9d8e7f',
        code: 'AUTH-CODE-1',
        redirect_uri: 'https://bot.example/oauth/callback',
        code_verifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
      });
    });

    it('refreshes with grant_type=refresh_token', async () => {
      let body = '';
      h.api.intercept({ path: '/v1/access_token', method: 'POST' }).reply(200, (opts) => ((body = String(opts.body)), TOKENS), { headers: json });
      await refreshAccessToken(h.client, { ...CLIENT, refreshToken: 'OLD-REFRESH-TOKEN' });
      expect(Object.fromEntries(new URLSearchParams(body))).toEqual({
        grant_type: 'refresh_token',
        client_id: 'C123',
        client_secret: 'CLIENT-SECRET-9d8e7f',
        refresh_token: 'OLD-REFRESH-TOKEN',
      });
    });

    it.each([400, 401])('throws on a refused refresh (%i) without retrying or leaking the secrets', async (status) => {
      h.api
        .intercept({ path: '/v1/access_token', method: 'POST' })
        .reply(status, { message: 'invalid refresh_token OLD-REFRESH-TOKEN', trackingId: 'OAUTH_1' }, { headers: json });
      const err = (await caught(refreshAccessToken(h.client, { ...CLIENT, refreshToken: 'OLD-REFRESH-TOKEN' }))) as WebexApiError;
      expect(err).toBeInstanceOf(WebexApiError);
      expect(err.status).toBe(status);
      expect(err.trackingId).toBe('OAUTH_1');
      expect(h.sleeps).toEqual([]);
      for (const view of [String(err), err.stack ?? '', inspect(err)]) {
        expect(view).not.toContain('OLD-REFRESH-TOKEN');
        expect(view).not.toContain('CLIENT-SECRET-9d8e7f');
      }
    });

    it('keeps the OAuth code out of a refused exchange', async () => {
      h.api.intercept({ path: '/v1/access_token', method: 'POST' }).reply(400, { message: 'code AUTH-CODE-2 already used' }, { headers: json });
      const err = await caught(
        exchangeCode(h.client, { ...CLIENT, code: 'AUTH-CODE-2', redirectUri: 'https://bot.example/cb', codeVerifier: 'v'.repeat(43) }),
      );
      expect(inspect(err)).not.toContain('AUTH-CODE-2');
    });

    it('rejects an answer without an access token', async () => {
      h.api.intercept({ path: '/v1/access_token', method: 'POST' }).reply(200, { token_type: 'Bearer' }, { headers: json });
      expect(await caught(refreshAccessToken(h.client, { ...CLIENT, refreshToken: 'OLD-REFRESH-TOKEN' }))).toMatchObject({ status: 200, kind: 'http' });
    });
  });
});
