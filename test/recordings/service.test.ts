/**
 * The recording service in process: the real bot (createBot) on an in-memory SQLite store whose
 * reads are counted, undici's MockAgent for Webex, and a messenger that records what is posted.
 * Each command or click reads the person's account once, and resolves their zone once.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MockAgent } from 'undici';
import type { SignIn } from '../../src/auth/signin';
import { createTokenProvider } from '../../src/auth/tokens';
import { createBot } from '../../src/dispatch/bot';
import { notificationsOnInbox } from '../support/recording-inbox';
import type { Destination, Messenger, Outgoing } from '../../src/replies/messenger';
import type { Services } from '../../src/services';
import { resolveZone } from '../../src/timezones/zone';
import { silentLogger } from '../../src/log';
import { createStore } from '../../src/store';
import type { Store } from '../../src/store/types';
import { WebexClient } from '../../src/webex/client';

const API = 'https://webex.test';
const PERSON = 'person-alice';
const EMAIL = 'nshtestwebex+crctestuser1@gmail.com';
const NOW = new Date('2023-11-09T10:00:00Z');
const recordingJson = JSON.parse(readFileSync(join(__dirname, '../fixtures/recordings/seed-sample.json'), 'utf8')) as Record<string, unknown>;
const IDS = ['62807eaf-0c89-492e-a3c3-c4751812603b', '72807eaf-0c89-492e-a3c3-c4751812603b', '82807eaf-0c89-492e-a3c3-c4751812603b'];

interface World {
  services: Services;
  store: Store;
  posted: Array<{ to: Destination; message: Outgoing }>;
  /** Store reads by method name, since the last reset. */
  reads: Map<string, number>;
  webexCalls: string[];
  close(): Promise<void>;
}

async function world(options: { accessTokenExpiresAt?: Date } = {}): Promise<World> {
  const inner = createStore({ url: 'sqlite::memory:', encryptionKey: Buffer.alloc(32, 7), logger: silentLogger() });
  await inner.init();
  const reads = new Map<string, number>();
  const store = new Proxy(inner, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (typeof key === 'string' && /^(get|list|find)/.test(key)) reads.set(key, (reads.get(key) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  await inner.saveAccount(
    {
      personId: PERSON,
      email: EMAIL,
      tokens: {
        accessToken: 'alice-access',
        accessTokenExpiresAt: options.accessTokenExpiresAt ?? new Date(NOW.getTime() + 3600_000),
        refreshToken: 'alice-refresh',
        refreshTokenExpiresAt: null,
        scopes: ['spark:recordings_read', 'spark:people_read'],
      },
    },
    NOW,
  );

  const agent = new MockAgent();
  agent.disableNetConnect();
  const webexCalls: string[] = [];
  const api = agent.get(API);
  const answer = (status: number, body: unknown) => (opts: { path: string; method: string }) => {
    webexCalls.push(`${opts.method} ${opts.path.split('?')[0]}`);
    return { statusCode: status, data: JSON.stringify(body), responseOptions: { headers: { 'content-type': 'application/json' } } };
  };
  api.intercept({ path: '/v1/people/me', method: 'GET' }).reply(answer(200, { id: PERSON, emails: [EMAIL], displayName: 'Alice', timezone: 'Asia/Singapore' })).persist();
  api.intercept({ path: /\/v1\/convergedRecordings\/[^/]+\/metadata/, method: 'GET' }).reply(answer(404, { message: 'none' })).persist();
  api.intercept({ path: /^\/v1\/convergedRecordings\/[^/?]+$/, method: 'GET' }).reply((opts) => {
    const id = opts.path.split('/').pop()!;
    return answer(200, { ...recordingJson, id })(opts);
  }).persist();
  api.intercept({ path: /^\/v1\/convergedRecordings\?/, method: 'GET' }).reply(answer(200, { items: IDS.map((id) => ({ ...recordingJson, id })) })).persist();
  api.intercept({ path: '/v1/access_token', method: 'POST' }).reply(answer(200, { access_token: 'alice-fresh', expires_in: 3600, refresh_token: 'alice-refresh-2', scope: 'spark:recordings_read spark:people_read' })).persist();

  const hooks: Array<Record<string, unknown>> = [];
  api.intercept({ path: /^\/v1\/webhooks/, method: 'GET' }).reply((opts) => answer(200, { items: hooks })(opts)).persist();
  api.intercept({ path: '/v1/webhooks', method: 'POST' }).reply((opts) => {
    const hook = { ...(JSON.parse(String(opts.body)) as Record<string, unknown>), id: `hook-${hooks.length + 1}`, status: 'active', created: NOW.toISOString() };
    hooks.push(hook);
    return answer(200, hook)(opts);
  }).persist();

  const logger = silentLogger();
  const now = () => NOW;
  const client = new WebexClient({ baseUrl: `${API}/v1`, logger, dispatcher: agent });
  const tokens = createTokenProvider({ store, client, clientId: 'c', clientSecret: 's', scopes: ['spark:recordings_read'], logger, now });
  const posted: World['posted'] = [];
  let nextId = 0;
  const messenger: Messenger = {
    async post(to, message) {
      posted.push({ to, message });
      return { id: `message-${++nextId}` };
    },
    async remove() {},
    async get(messageId) {
      return { id: messageId, roomId: 'room-direct', personId: PERSON } as never;
    },
  };
  const services: Services = {
    store,
    client,
    tokens,
    signIn: { start: async () => 'https://webex.test/authorize' } as unknown as SignIn,
    messenger,
    logger,
    now,
    settings: { defaultTimezone: 'UTC', groupLinks: 'private', allowedEmailDomains: [], commandsPerMinute: 0, scopes: ['spark:recordings_read'] },
    botName: () => 'RecBot',
    recordOutcome: () => undefined,
  };
  return {
    services,
    store: inner,
    posted,
    reads,
    webexCalls,
    close: async () => {
      await inner.close();
      await agent.close();
    },
  };
}

const message = (text: string) => ({ kind: 'message' as const, messageId: 'm-1', personId: PERSON, personEmail: EMAIL, roomId: 'room-direct', roomType: 'direct' as const, text });
const click = (inputs: Record<string, unknown>) => ({ kind: 'click' as const, actionId: 'a-1', cardMessageId: 'card-1', personId: PERSON, personEmail: EMAIL, roomId: 'room-direct', roomType: 'direct' as const, inputs });
const cards = (w: World) => w.posted.filter((p) => p.message.card !== undefined);

describe('one read of the account per command', () => {
  let w: World;
  afterEach(async () => w.close());

  it('recording with three IDs: three cards, the account read once, the zone resolved once', async () => {
    w = await world();
    await createBot(w.services).handle(message(`recording ${IDS.join(' ')}`));
    expect(cards(w)).toHaveLength(3);
    expect(w.reads.get('getAccount')).toBe(1);
    expect(w.reads.get('getSettings')).toBe(1);
    // The profile's zone is read from Webex once, not once per recording.
    expect(w.webexCalls.filter((c) => c === 'GET /v1/people/me')).toHaveLength(1);
  });

  it('recording with an access token about to expire: refreshed once, the account read once outside the refresh lock', async () => {
    w = await world({ accessTokenExpiresAt: new Date(NOW.getTime() + 60_000) });
    await createBot(w.services).handle(message(`recording ${IDS[0]}`));
    expect(cards(w)).toHaveLength(1);
    expect(w.webexCalls.filter((c) => c === 'POST /v1/access_token')).toHaveLength(1);
    // One read for the command, one inside the refresh lock (which must see what another instance stored).
    expect(w.reads.get('getAccount')).toBe(2);
  });

  it('recordings (the list): the account read once', async () => {
    w = await world();
    await createBot(w.services).handle(message('recordings 5'));
    expect(cards(w)).toHaveLength(1);
    expect(w.reads.get('getAccount')).toBe(1);
    expect(w.reads.get('getSettings')).toBe(1);
  });

  it.each([
    ['Details on the list', { action: 'details', recordingId: IDS[0] }],
    ['Send me the download links', { action: 'sendLinks', recordingId: IDS[0] }],
    ['Refresh links', { action: 'refresh', recordingId: IDS[0], requesterId: PERSON }],
  ])('%s: one card, the account read once', async (_name, inputs) => {
    w = await world();
    await createBot(w.services).handle(click(inputs));
    expect(cards(w)).toHaveLength(1);
    expect(w.reads.get('getAccount')).toBe(1);
    expect(w.reads.get('getSettings')).toBe(1);
  });
});

describe('one read of the account for notify on', () => {
  let w: World;
  afterEach(async () => w.close());

  it('webhook mode: the token checked and the webhook registered with one read', async () => {
    w = await world();
    const { notifications } = notificationsOnInbox(w.services, { webhookUrl: 'https://bot.example/webhooks/recordings', webhookSecret: 'secret', pollIntervalMs: 60_000 }, () => NOW);
    await createBot({ ...w.services, notifications }).handle(message('notify on'));
    expect(w.webexCalls).toContain('POST /v1/webhooks');
    expect(w.posted.map((p) => p.message.markdown).join('\n')).toMatch(/^Done: I will send you each new recording/m);
    expect(w.reads.get('getAccount')).toBe(1);
  });
});

describe('one read of the account per poll', () => {
  let w: World;
  afterEach(async () => w.close());

  it('three new recordings in one poll: three cards, the account read once for the list and the announcements', async () => {
    w = await world();
    const sub = await w.store.subscribe(PERSON, { direct: true }, new Date('2023-10-01T00:00:00Z'));
    w.reads.clear();
    const { notifications, settled } = notificationsOnInbox(w.services, { webhookUrl: null, webhookSecret: null, pollIntervalMs: 60_000 }, () => NOW);
    await notifications.poller!.pollPerson(sub);
    await settled();
    expect(cards(w)).toHaveLength(3);
    expect(w.reads.get('getAccount')).toBe(1);
    expect(w.reads.get('getSettings')).toBe(1);
  });
});

describe('the one zone resolver', () => {
  let w: World;
  afterEach(async () => w.close());

  it('passes over a stored zone Intl does not know, so cards never get one', async () => {
    w = await world();
    await w.store.setTimezoneOverride(PERSON, 'Mars/Olympus');
    await w.store.setProfileTimezone(PERSON, 'Mars/Phobos', NOW);
    const zone = await resolveZone({ ...w.services, settings: { defaultTimezone: 'Mars/Deimos' } }, PERSON, null);
    expect(zone).toEqual({ zone: 'UTC', source: 'utc' });
  });

  it('a recording card shows the profile zone when the stored override is one Intl does not know', async () => {
    w = await world();
    await w.store.setTimezoneOverride(PERSON, 'Mars/Olympus');
    await createBot(w.services).handle(message(`recording ${IDS[0]}`));
    expect(JSON.stringify(cards(w)[0]!.message.card)).toContain('Asia/Singapore');
  });
});
