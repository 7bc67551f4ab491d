import { randomBytes } from 'node:crypto';
import { createTokenProvider } from '../../src/auth/tokens';
import type { Messenger, Outgoing } from '../../src/replies/messenger';
import type { Services } from '../../src/services';
import { silentLogger } from '../../src/log';
import { phaseOf, POLL_LOOKBACK_MS, type RecordingPoller } from '../../src/notifications/poller';
import { createStore } from '../../src/store';
import type { Store } from '../../src/store/types';
import { harness, type Harness } from '../webex/helpers';
import { notificationsOnInbox } from '../support/recording-inbox';

const PERSON = 'Y2lzY29zcGFyazovL3VzL1BFT1BMRS9wb2xsZWQ';
const TOKEN = 'POLLED-PERSON-TOKEN';
const INTERVAL = 5 * 60_000;
const START = Date.parse('2026-04-14T08:00:00.000Z');

function recording(id: string, createdMs: number) {
  return {
    id,
    topic: `Topic of ${id}`,
    createTime: new Date(createdMs).toISOString(),
    timeRecorded: new Date(createdMs - 300_000).toISOString(),
    format: 'MP3',
    serviceType: 'calling',
    durationSeconds: 240,
    sizeBytes: 1_924_096,
    status: 'available',
    ownerId: 'owner-uuid',
    ownerEmail: 'polled@example.com',
    ownerType: 'user',
    storageRegion: 'US',
  };
}

/** The poller on a MockAgent, a fake clock and a real in-memory store. */
describe('recording poller (polling mode)', () => {
  let nowMs: number;
  let h: Harness;
  let store: Store;
  let posts: Array<{ to: unknown; message: Outgoing }>;
  let poller: RecordingPoller;
  let listQueries: URLSearchParams[];
  /** Until the announcements of what the polls found (inbox events) have been worked on. */
  let settled: () => Promise<void>;

  beforeEach(async () => {
    nowMs = START;
    h = harness({ maxRetries: 0 });
    const logger = silentLogger();
    store = createStore({ url: 'sqlite::memory:', encryptionKey: randomBytes(32), logger });
    await store.init();
    await store.saveAccount(
      {
        personId: PERSON,
        email: 'polled@example.com',
        tokens: { accessToken: TOKEN, accessTokenExpiresAt: new Date(START + 14 * 86_400_000), refreshToken: 'R', refreshTokenExpiresAt: null, scopes: ['spark:recordings_read'] },
      },
      new Date(START),
    );
    await store.setProfileTimezone(PERSON, 'Europe/Paris', new Date(START));
    posts = [];
    const messenger: Messenger = {
      post: async (to, message) => {
        posts.push({ to, message });
        return { id: `m${posts.length}` };
      },
      remove: async () => undefined,
      get: async () => {
        throw new Error('not used');
      },
    };
    const now = () => new Date(nowMs);
    const tokens = createTokenProvider({ store, client: h.client, clientId: 'c', clientSecret: 's', scopes: [], logger, now });
    const services = {
      store,
      client: h.client,
      tokens,
      signIn: {} as Services['signIn'],
      messenger,
      logger,
      now,
      settings: { defaultTimezone: 'UTC', groupLinks: 'private', allowedEmailDomains: [], commandsPerMinute: 20, scopes: [] },
      botName: () => 'RecBot',
      recordOutcome: () => undefined,
    } as Services;
    await store.subscribe(PERSON, { direct: true }, new Date(START));
    const onInbox = notificationsOnInbox(services, { webhookUrl: null, webhookSecret: null, pollIntervalMs: INTERVAL }, now);
    poller = onInbox.notifications.poller!;
    settled = onInbox.settled;
    listQueries = [];
    // Details and metadata of any recording: the details echo the ID, the metadata is refused.
    h.api
      .intercept({ path: (p) => /^\/v1\/convergedRecordings\/[^/?]+$/.test(p), method: 'GET' })
      .reply((opts) => ({ statusCode: 200, data: recording(String(opts.path).split('/').pop()!, nowMs) }))
      .persist();
    h.api.intercept({ path: (p) => p.endsWith('/metadata'), method: 'GET' }).reply(403, { message: 'no' }).persist();
  });

  afterEach(async () => {
    await store.close();
    await h.agent.close();
  });

  /** The next list answer, recording the query it was asked with. */
  function nextList(status: number, body: object, headers: Record<string, string> = {}): void {
    h.api
      .intercept({ path: (p) => p.startsWith('/v1/convergedRecordings?'), method: 'GET' })
      .reply((opts) => {
        listQueries.push(new URL(String(opts.path), 'https://webexapis.com').searchParams);
        return { statusCode: status, data: body, responseOptions: { headers } };
      });
  }
  const announced = () => posts.map((p) => String(p.message.markdown).match(/Topic of (\S+)/)?.[1]?.replace(/\\/g, ''));

  async function pollWhenDue(): Promise<void> {
    await poller.tick();
    nowMs = Math.max(nowMs, poller.dueAt(PERSON)!);
    await poller.tick();
    await settled();
  }

  it('announces each new recording once, across overlapping polls, and never one made before opting in', async () => {
    nextList(200, { items: [recording('rec-1', START + 60_000), recording('before-opt-in', START - 3_600_000)] });
    await pollWhenDue();
    expect(announced()).toEqual(['rec-1']);
    expect(posts[0]!.to).toEqual({ toPersonId: PERSON });
    expect(Date.parse(listQueries[0]!.get('from')!)).toBe(START - POLL_LOOKBACK_MS);

    const firstPoll = nowMs;
    nextList(200, { items: [recording('rec-2', firstPoll + 30_000), recording('rec-1', START + 60_000)] });
    nowMs = poller.dueAt(PERSON)!;
    expect(nowMs - firstPoll).toBe(INTERVAL);
    await poller.tick();
    await settled();
    expect(announced()).toEqual(['rec-1', 'rec-2']);
    // `from` moves with the last successful poll (less the look-back for calls still running).
    expect(Date.parse(listQueries[1]!.get('from')!)).toBe(firstPoll - POLL_LOOKBACK_MS);
    expect(listQueries[1]!.get('to')).toBe(new Date(nowMs).toISOString());
  });

  it('honours a 429\'s Retry-After: no call for that person before it has passed', async () => {
    nextList(429, { message: 'slow down' }, { 'retry-after': '900' });
    await pollWhenDue();
    const limitedAt = nowMs;
    expect(listQueries).toHaveLength(1);
    expect(poller.dueAt(PERSON)).toBe(limitedAt + 900_000);
    // One interval later it is still too early: nothing is asked.
    nowMs = limitedAt + INTERVAL;
    await poller.tick();
    expect(listQueries).toHaveLength(1);
    nextList(200, { items: [recording('rec-late', limitedAt + 1000)] });
    nowMs = limitedAt + 900_000;
    await poller.tick();
    await settled();
    expect(listQueries).toHaveLength(2);
    expect(announced()).toEqual(['rec-late']);
  });

  it('spreads people over the interval', () => {
    const phases = Array.from({ length: 200 }, (_, i) => phaseOf(`person-${i}`, INTERVAL));
    expect(phases.every((p) => p >= 0 && p < INTERVAL)).toBe(true);
    const fifths = [0, 0, 0, 0, 0];
    for (const p of phases) fifths[Math.floor((p / INTERVAL) * 5)]! += 1;
    for (const count of fifths) expect(count).toBeGreaterThan(20);
  });
});
