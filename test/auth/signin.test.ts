import { createSignIn, STATE_TTL_MS } from '../../src/auth/signin';
import { silentLogger } from '../../src/log';
import { startEmulator, type Emulator } from '../../dev/sandbox/emulator';
import { createStore, type Store } from '../../src/store';
import { WebexClient } from '../../src/webex/client';
import type { Person } from '../../src/webex/types';

/** Sign-in with a clock the test moves: state expiry, single use, and what gets stored. */
describe('sign-in callback', () => {
  let emulator: Emulator;
  let store: Store;
  let client: WebexClient;
  let alice: Person;
  let clock: number;
  const connected: string[] = [];
  const redirectUri = 'http://127.0.0.1:1/oauth/callback';

  beforeAll(async () => {
    emulator = await startEmulator();
    emulator.registerIntegration({ clientId: 'cid', clientSecret: 'csecret', redirectUris: [redirectUri] });
    alice = emulator.addPerson({ email: 'alice@example.com', displayName: 'Alice', timezone: 'Asia/Kathmandu' });
    store = createStore({ url: 'sqlite::memory:', encryptionKey: Buffer.alloc(32, 7), logger: silentLogger() });
    await store.init();
    client = new WebexClient({ baseUrl: emulator.apiUrl, logger: silentLogger() });
  });

  afterAll(async () => {
    await store.close();
    await client.close?.();
    await emulator.close();
  });

  function signIn() {
    return createSignIn({
      store,
      client,
      apiUrl: emulator.apiUrl,
      clientId: 'cid',
      clientSecret: 'csecret',
      redirectUri,
      scopes: ['spark:recordings_read', 'spark:people_read'],
      logger: silentLogger(),
      now: () => new Date(clock),
      onConnected: async ({ personId }) => {
        connected.push(personId);
      },
    });
  }

  function query(redirect: string): Record<string, string> {
    return Object.fromEntries(new URL(redirect).searchParams.entries());
  }

  it('builds an authorize URL with PKCE S256 and a state bound to the person', async () => {
    clock = Date.now();
    const url = new URL(await signIn().start(alice.id));
    expect(url.origin + url.pathname).toBe(`${emulator.apiUrl}/authorize`);
    expect(url.searchParams.get('response_type')).toBe('code');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('redirect_uri')).toBe(redirectUri);
    expect(url.searchParams.get('scope')).toBe('spark:recordings_read spark:people_read');
  });

  it('refuses a state older than 10 minutes and stores nothing', async () => {
    clock = Date.now();
    const flow = signIn();
    const redirect = emulator.authorizeAs(await flow.start(alice.id), alice.id);
    clock += STATE_TTL_MS + 1000;
    const page = await flow.callback(query(redirect));
    expect(page.status).toBe(400);
    expect(page.html).toMatch(/expired/);
    expect(await store.getAccount(alice.id)).toBeNull();
    expect(connected).toEqual([]);
  });

  it('accepts a state within 10 minutes once, stores the tokens and the profile zone', async () => {
    clock = Date.now();
    const flow = signIn();
    const redirect = emulator.authorizeAs(await flow.start(alice.id), alice.id);
    clock += STATE_TTL_MS - 1000;
    const page = await flow.callback(query(redirect));
    expect(page.status).toBe(200);
    const account = await store.getAccount(alice.id);
    expect(account?.email).toBe('alice@example.com');
    expect(account?.tokens.scopes).toEqual(expect.arrayContaining(['spark:recordings_read']));
    expect((await store.getSettings(alice.id)).profileTimezone).toBe('Asia/Kathmandu');
    await new Promise((r) => setImmediate(r));
    expect(connected).toEqual([alice.id]);
    const reused = await flow.callback(query(redirect));
    expect(reused.status).toBe(400);
  });

  it('a completed sign-in spends the older links of the same person (their cards no longer work)', async () => {
    clock = Date.now();
    const flow = signIn();
    const older = await flow.start(alice.id);
    const newer = await flow.start(alice.id);
    expect((await flow.callback(query(emulator.authorizeAs(newer, alice.id)))).status).toBe(200);
    const page = await flow.callback(query(emulator.authorizeAs(older, alice.id)));
    expect(page.status).toBe(400);
    expect(page.html).toMatch(/already been used/);
  });

  it('escapes what it shows: an error value cannot inject markup', async () => {
    const page = await signIn().callback({ error: '<script>alert(1)</script>', state: 'x' });
    expect(page.status).toBe(400);
    expect(page.html).not.toContain('<script>alert');
  });
});
