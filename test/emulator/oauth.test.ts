import { createHash, randomBytes } from 'node:crypto';
import { startEmulator, type Emulator } from '../../dev/sandbox/emulator';
import { getJson } from './helpers';

const CLIENT = { clientId: 'C-emulator-test', clientSecret: 's3cret', redirectUris: ['http://localhost:3000/oauth/callback'] };
const REDIRECT = CLIENT.redirectUris[0]!;

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

describe('emulator: OAuth (Webex Integration)', () => {
  let now = Date.parse('2024-01-01T00:00:00Z');
  let emu: Emulator;
  let alice: { id: string };
  let admin: { id: string };

  beforeAll(async () => {
    emu = await startEmulator({ now: () => now, accessTokenLifetimeSeconds: 60 });
  });
  afterAll(() => emu.close());
  beforeEach(() => {
    now = Date.parse('2024-01-01T00:00:00Z');
    emu.reset();
    emu.registerIntegration(CLIENT);
    alice = emu.addPerson({ email: 'alice@example.com', displayName: 'Alice' });
    admin = emu.addPerson({ email: 'admin@example.com', displayName: 'Ada Admin', role: 'admin' });
    emu.createBot({ displayName: 'RecBot', email: 'recbot@webex.bot' });
  });

  const authorizeUrl = (params: Record<string, string> = {}) =>
    `${emu.apiUrl}/authorize?${new URLSearchParams({
      response_type: 'code',
      client_id: CLIENT.clientId,
      redirect_uri: REDIRECT,
      scope: 'spark:recordings_read spark-admin:recordings_read spark:people_read',
      state: 'st-123',
      ...params,
    })}`;

  const exchange = (form: Record<string, string>) =>
    fetch(`${emu.apiUrl}/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret, redirect_uri: REDIRECT, ...form }),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

  it('serves a consent page listing non-bot people, preselecting login_hint; bad client or redirect → 400 page', async () => {
    const page = await fetch(authorizeUrl({ login_hint: 'admin@example.com' }));
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Alice');
    expect(html).not.toContain('RecBot');
    expect(html).toMatch(new RegExp(`value="${admin.id}" selected`));
    expect((await fetch(authorizeUrl({ client_id: 'nope' }))).status).toBe(400);
    expect((await fetch(authorizeUrl({ redirect_uri: 'http://evil.example/cb' }))).status).toBe(400);
  });

  it('runs the browser flow: consent form → 302 with code and state; decline → access_denied', async () => {
    const html = await (await fetch(authorizeUrl())).text();
    const request = /name="request" value="([^"]+)"/.exec(html)![1]!;
    const accept = await fetch(`${emu.apiUrl}/authorize/decision`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ request, personId: alice.id, decision: 'accept' }),
    });
    expect(accept.status).toBe(302);
    const location = new URL(accept.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    expect(location.searchParams.get('state')).toBe('st-123');
    expect(location.searchParams.get('code')).toBeTruthy();

    const declined = new URL(emu.authorizeAs(authorizeUrl(), alice.id, 'decline'));
    expect(declined.searchParams.get('error')).toBe('access_denied');
    expect(declined.searchParams.get('state')).toBe('st-123');
  });

  it('exchanges a code with PKCE, grants only the scopes the role allows, and the token works', async () => {
    const { verifier, challenge } = pkce();
    const redirect = new URL(emu.authorizeAs(authorizeUrl({ code_challenge: challenge, code_challenge_method: 'S256' }), alice.id));
    const res = await exchange({ grant_type: 'authorization_code', code: redirect.searchParams.get('code')!, code_verifier: verifier });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 60, refresh_token: expect.any(String), refresh_token_expires_in: expect.any(Number) });
    expect(res.body.scope.split(' ').sort()).toEqual(['spark:people_read', 'spark:recordings_read']);
    const me = await getJson(`${emu.apiUrl}/people/me`, res.body.access_token);
    expect(me.body.id).toBe(alice.id);
    expect(emu.tokenStats(alice.id)).toEqual({ codeGrants: 1, refreshGrants: 0 });

    const adminCode = new URL(emu.authorizeAs(authorizeUrl(), admin.id)).searchParams.get('code')!;
    const adminTokens = await exchange({ grant_type: 'authorization_code', code: adminCode });
    expect(adminTokens.body.scope).toContain('spark-admin:recordings_read');
  });

  it('refuses a bad verifier, a reused code, a wrong redirect_uri, a wrong secret and an old code', async () => {
    const { verifier, challenge } = pkce();
    const url = authorizeUrl({ code_challenge: challenge, code_challenge_method: 'S256' });
    const code = () => new URL(emu.authorizeAs(url, alice.id)).searchParams.get('code')!;

    const badVerifier = await exchange({ grant_type: 'authorization_code', code: code(), code_verifier: pkce().verifier });
    expect(badVerifier.status).toBe(400);
    expect(badVerifier.body).toMatchObject({ message: 'invalid_grant', error: 'invalid_grant', trackingId: expect.any(String) });

    const once = code();
    expect((await exchange({ grant_type: 'authorization_code', code: once, code_verifier: verifier })).status).toBe(200);
    const reused = await exchange({ grant_type: 'authorization_code', code: once, code_verifier: verifier });
    expect(reused.status).toBe(400);
    expect(reused.body.error).toBe('invalid_grant');

    const wrongRedirect = await exchange({ grant_type: 'authorization_code', code: code(), code_verifier: verifier, redirect_uri: 'http://localhost:3000/other' });
    expect(wrongRedirect.body.error).toBe('invalid_grant');

    const wrongSecret = await exchange({ grant_type: 'authorization_code', code: code(), code_verifier: verifier, client_secret: 'guess' });
    expect(wrongSecret.status).toBe(400);
    expect(wrongSecret.body.error).toBe('invalid_client');

    const old = code();
    now += 301_000;
    expect((await exchange({ grant_type: 'authorization_code', code: old, code_verifier: verifier })).body.error).toBe('invalid_grant');
  });

  it('refreshes: new access token, same refresh token; expired tokens get 401; revoked refresh tokens are refused', async () => {
    const code = new URL(emu.authorizeAs(authorizeUrl(), alice.id)).searchParams.get('code')!;
    const first = (await exchange({ grant_type: 'authorization_code', code })).body;
    now += 61_000;
    expect((await getJson(`${emu.apiUrl}/people/me`, first.access_token)).status).toBe(401);

    const refreshed = await exchange({ grant_type: 'refresh_token', refresh_token: first.refresh_token });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.access_token).not.toBe(first.access_token);
    expect(refreshed.body.refresh_token).toBe(first.refresh_token);
    expect((await getJson(`${emu.apiUrl}/people/me`, refreshed.body.access_token)).status).toBe(200);
    expect(emu.tokenStats(alice.id).refreshGrants).toBe(1);
    expect(emu.issuedTokens(alice.id).sort()).toEqual([first.access_token, first.refresh_token, refreshed.body.access_token].sort());

    emu.expireAccessTokens(alice.id);
    expect((await getJson(`${emu.apiUrl}/people/me`, refreshed.body.access_token)).status).toBe(401);
    emu.revokeRefreshTokens(alice.id);
    const refused = await exchange({ grant_type: 'refresh_token', refresh_token: first.refresh_token });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('invalid_grant');
  });

  it('lets tokens issued without the consent page be refreshed by a registered integration', async () => {
    const { accessToken, refreshToken } = emu.issueToken(alice.id, { scopes: ['spark:recordings_read'], expiresInSeconds: 5 });
    expect((await getJson(`${emu.apiUrl}/people/me`, accessToken)).status).toBe(200);
    now += 6000;
    expect((await getJson(`${emu.apiUrl}/people/me`, accessToken)).status).toBe(401);
    const res = await exchange({ grant_type: 'refresh_token', refresh_token: refreshToken });
    expect(res.body.scope).toBe('spark:recordings_read');
  });
});
