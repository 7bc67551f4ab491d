/**
 * Time to card, in process: which Webex calls run at the same time, proven with gates (a request
 * is held until the test lets it through, and the test waits for the requests it expects to be
 * in flight), never with timings. Several IDs are fetched at once and posted in the order asked;
 * the profile's zone is read beside the recording (or list) fetch; the progress note is due a
 * while after the event arrived, not after the reads before the fetch.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Dispatcher, MockAgent } from 'undici';
import type { SignIn } from '../../src/auth/signin';
import { createTokenProvider } from '../../src/auth/tokens';
import { recording } from '../../src/commands/recording';
import { recordings } from '../../src/commands/list';
import type { Services } from '../../src/services';
import { silentLogger } from '../../src/log';
import { progressDelay } from '../../src/recordings/service';
import { createContext } from '../../src/replies/context';
import type { Destination, Messenger, Outgoing } from '../../src/replies/messenger';
import { createStore } from '../../src/store';
import type { Store } from '../../src/store/types';
import { WebexClient } from '../../src/webex/client';

const API = 'https://webex.test';
const PERSON = 'person-alice';
const EMAIL = 'alice@example.com';
const NOW = new Date('2023-11-09T10:00:00Z');
const recordingJson = JSON.parse(readFileSync(join(__dirname, '../fixtures/recordings/seed-sample.json'), 'utf8')) as Record<string, unknown>;
const IDS = ['62807eaf-0c89-492e-a3c3-c4751812603b', '72807eaf-0c89-492e-a3c3-c4751812603b', '82807eaf-0c89-492e-a3c3-c4751812603b'];

interface Held {
  method: string;
  path: string;
  headers: Record<string, string>;
  release(): void;
}

/**
 * Holds every request whose path matches `hold` until released; lets the others through to the
 * mock at once. `arrived` resolves once `count` held requests are waiting.
 */
class GatedDispatcher extends Dispatcher {
  readonly held: Held[] = [];
  private waiters: Array<{ count: number; resolve: () => void }> = [];

  constructor(
    private readonly inner: MockAgent,
    private readonly hold: RegExp,
  ) {
    super();
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    if (!this.hold.test(`${options.method} ${options.path}`)) return this.inner.dispatch(options, handler);
    const headers: Record<string, string> = {};
    const raw = options.headers as Record<string, string | string[] | undefined> | undefined;
    for (const [k, v] of Object.entries(raw ?? {})) headers[k.toLowerCase()] = String(v);
    this.held.push({ method: options.method, path: options.path, headers, release: () => this.inner.dispatch(options, handler) });
    this.waiters = this.waiters.filter((w) => (this.held.length >= w.count ? (w.resolve(), false) : true));
    return true;
  }

  arrived(count: number): Promise<void> {
    if (this.held.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  override async close(): Promise<void> {}
  override async destroy(): Promise<void> {}
}

interface World {
  services: Services;
  gate: GatedDispatcher;
  posted: Array<{ to: Destination; message: Outgoing }>;
  webexCalls: string[];
  delays: number[];
  close(): Promise<void>;
}

async function world(hold: RegExp): Promise<World> {
  const store: Store = createStore({ url: 'sqlite::memory:', encryptionKey: Buffer.alloc(32, 7), logger: silentLogger() });
  await store.init();
  await store.saveAccount(
    {
      personId: PERSON,
      email: EMAIL,
      tokens: {
        accessToken: 'alice-access',
        accessTokenExpiresAt: new Date(NOW.getTime() + 3600_000),
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
  api.intercept({ path: /^\/v1\/convergedRecordings\/[^/?]+$/, method: 'GET' }).reply((opts) => answer(200, { ...recordingJson, id: opts.path.split('/').pop()! })(opts)).persist();
  api.intercept({ path: /^\/v1\/convergedRecordings\?/, method: 'GET' }).reply(answer(200, { items: IDS.map((id) => ({ ...recordingJson, id })) })).persist();
  const gate = new GatedDispatcher(agent, hold);
  const logger = silentLogger();
  const now = () => NOW;
  const client = new WebexClient({ baseUrl: `${API}/v1`, logger, dispatcher: gate });
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
  const delays: number[] = [];
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
    // The note's timer is recorded, never run: the test reads when it would be due.
    progress: { afterMs: 1500, timers: { setTimeout: (_cb, ms) => delays.push(ms), clearTimeout: () => undefined } },
    recordOutcome: () => undefined,
  };
  return {
    services,
    gate,
    posted,
    webexCalls,
    delays,
    close: async () => {
      await store.close();
      await agent.close();
    },
  };
}

const ctxOf = (w: World, receivedAt?: Date) =>
  createContext(w.services.messenger, { personId: PERSON, personEmail: EMAIL, roomId: 'room-direct', roomType: 'direct', ...(receivedAt ? { receivedAt } : {}) }, {});
/** The recording each card is about (the fixture's links name the first ID too: the most named wins). */
const cardIds = (w: World) =>
  w.posted
    .filter((p) => p.message.card)
    .map((p) => {
      const text = JSON.stringify(p.message.card);
      const times = (id: string) => text.split(id).length;
      return [...IDS].sort((a, b) => times(b) - times(a))[0];
    });

describe('time to card', () => {
  let w: World;
  afterEach(async () => w.close());

  it('fetches several IDs at once and posts their cards in the order asked, whichever answer comes first', async () => {
    w = await world(/^GET \/v1\/convergedRecordings\/[^/?]+$/);
    const done = recording(w.services, ctxOf(w), { name: 'recording', ids: IDS, invalid: [], tooMany: false }, { messageId: 'm-1', help: [] });
    // All three requests are in flight before any is answered.
    await w.gate.arrived(3);
    expect(w.gate.held.map((h) => h.path.split('/').pop())).toEqual(IDS);
    for (const held of [...w.gate.held].reverse()) held.release();
    await expect(done).resolves.toBe('ok');
    expect(cardIds(w)).toEqual(IDS);
  });

  it("reads the person's profile zone beside the recording fetch, and the card shows it", async () => {
    w = await world(/^GET \/v1\/people\/me/);
    const done = recording(w.services, ctxOf(w), { name: 'recording', ids: [IDS[0]!], invalid: [], tooMany: false }, { messageId: 'm-1', help: [] });
    await w.gate.arrived(1);
    // While the profile read is held, the recording has been fetched already (with the zone known now).
    await until(() => w.webexCalls.includes(`GET /v1/convergedRecordings/${IDS[0]}`));
    expect(w.posted).toHaveLength(0);
    w.gate.held[0]!.release();
    await expect(done).resolves.toBe('ok');
    expect(JSON.stringify(w.posted[0]!.message.card)).toContain('Times in Asia/Singapore');
  });

  it('reads the profile zone beside the list, and the list card shows it', async () => {
    w = await world(/^GET \/v1\/people\/me/);
    const done = recordings(w.services, ctxOf(w), { name: 'recordings', count: 3, days: null }, { messageId: 'm-1', help: [] });
    await w.gate.arrived(1);
    await until(() => w.webexCalls.includes('GET /v1/convergedRecordings'));
    expect(w.posted).toHaveLength(0);
    w.gate.held[0]!.release();
    await expect(done).resolves.toBe('ok');
    expect(JSON.stringify(w.posted[0]!.message.card)).toContain('Asia/Singapore');
  });

  it('the progress note is due 1.5 s after the event arrived, not 1.5 s after the reads before the fetch', async () => {
    w = await world(/^$/);
    await recording(w.services, ctxOf(w, new Date(NOW.getTime() - 1000)), { name: 'recording', ids: [IDS[0]!], invalid: [], tooMany: false }, { messageId: 'm-1', help: [] });
    expect(w.delays).toEqual([500]);
    expect(progressDelay(1500, NOW, new Date(NOW.getTime() - 4000))).toBe(0);
    expect(progressDelay(1500, NOW, undefined)).toBe(1500);
  });
});

/** Resolves once `condition` holds, checking after each turn of the event loop (no timing). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setImmediate(r));
}
