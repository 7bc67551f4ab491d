import { randomBytes } from 'node:crypto';
import type { Destination, Messenger, Outgoing } from '../../src/replies/messenger';
import { EventSteps } from '../../src/inbox';
import { createInboxWorker } from '../../src/inbox/worker';
import { silentLogger } from '../../src/log';
import { createStore, type Store } from '../../src/store';
import type { InboxEvent } from '../../src/store/types';
import type { Message } from '../../src/webex/types';
import { capturingLogger } from '../store/helpers';
import { until } from '../support/waiting';

const BOT = 'bot-person';

/** Records posts; its listing of the 1:1 space is what Webex would show (a group space: none). */
function fakeMessenger(): Messenger & { posted: Array<{ to: unknown; markdown: string; id: string }>; direct: Message[]; listed: number } {
  const posted: Array<{ to: unknown; markdown: string; id: string }> = [];
  const direct: Message[] = [];
  const fake = {
    posted,
    direct,
    listed: 0,
    async post(to: Destination, message: Outgoing) {
      const id = `m-${posted.length + 1}`;
      posted.push({ to, markdown: message.markdown, id });
      return { id };
    },
    async remove() {},
    async get(id: string) {
      return { id } as Message;
    },
    async recentPosts(to: Destination) {
      if ('roomId' in to && (to.parentId || to.roomId === 'group')) return null;
      fake.listed += 1;
      return direct;
    },
  };
  return fake;
}

describe('inbox worker', () => {
  let store: Store;
  let clock: number;
  const now = () => new Date(clock);

  beforeEach(async () => {
    clock = Date.parse('2026-03-01T08:00:00.000Z');
    store = createStore({ url: 'sqlite::memory:', encryptionKey: randomBytes(32), logger: silentLogger() });
    await store.init();
  });
  afterEach(async () => {
    await store.close();
  });

  it('retries a failing event with growing delays, then parks it: error log with the tracking ID, counted, the person told once', async () => {
    const { logger, lines } = capturingLogger();
    const attempts: number[] = [];
    const settled: string[] = [];
    const apologies: InboxEvent[] = [];
    const worker = createInboxWorker({
      inbox: store.inbox,
      instanceId: 'a',
      logger,
      now,
      pollMs: 5,
      botPersonId: () => BOT,
      async work(event) {
        attempts.push(event.attempts);
        throw Object.assign(new Error('GET /messages/m1 answered 503'), { trackingId: 'ROUTER_TRACK-1', status: 503 });
      },
      async giveUp(event) {
        apologies.push(event);
      },
      onSettled: (result) => settled.push(result),
    });
    const key = 'messages:created:m1';
    const lease = worker.leaseForNew()!;
    await store.inbox.accept(key, { data: { id: 'm1' } }, null, now(), lease, new Date(0));
    worker.run({ key, envelope: { data: { id: 'm1' } }, attempts: 1, receivedAt: now() });
    worker.start();
    const delays: number[] = [];
    for (let attempt = 1; attempt < 5; attempt++) {
      await until(() => settled.length === attempt, `attempt ${attempt} settled`);
      const retry = lines().map((l) => JSON.parse(l)).filter((l) => l.msg === 'event failed; retrying later')[attempt - 1];
      delays.push(retry.retryInMs);
      // Taken again once its time has come (the store's tests show it is not taken before).
      clock += retry.retryInMs;
    }
    await until(() => settled.length === 5, 'parked');
    await worker.stop();
    expect(delays).toEqual([2000, 4000, 8000, 16000]);
    expect(attempts).toEqual([1, 2, 3, 4, 5]);
    expect(settled).toEqual(['retry', 'retry', 'retry', 'retry', 'parked']);
    expect(apologies.map((e) => e.key)).toEqual([key]);
    const parked = lines().map((l) => JSON.parse(l)).filter((l) => l.level === 50);
    expect(parked).toEqual([expect.objectContaining({ key, attempts: 5, trackingId: 'ROUTER_TRACK-1', status: 503 })]);
    await expect(store.inbox.claim({ owner: 'b', until: new Date(clock + 1000) }, new Date(clock + 3600_000), 10)).resolves.toEqual([]);
  });

  it("hands the work the event's receive time with its steps (the progress note is timed from it)", async () => {
    const arrived = new Date(clock - 1200);
    let seen: Date | undefined;
    const done = new Promise<void>((resolve) => {
      const worker = createInboxWorker({
        inbox: store.inbox,
        instanceId: 'a',
        logger: silentLogger(),
        now,
        pollMs: 60_000,
        botPersonId: () => BOT,
        async work(_event, steps) {
          seen = steps.receivedAt;
          resolve();
        },
        async giveUp() {},
        onSettled: () => undefined,
      });
      const key = 'messages:created:m9';
      const lease = worker.leaseForNew()!;
      void store.inbox.accept(key, {}, null, arrived, lease, new Date(0)).then(() => worker.run({ key, envelope: {}, attempts: 1, receivedAt: arrived }));
    });
    await done;
    expect(seen).toEqual(arrived);
  });

  it('a retried event skips the posts an earlier attempt recorded', async () => {
    const messenger = fakeMessenger();
    const key = 'messages:created:m2';
    await store.inbox.accept(key, {}, null, now(), { owner: 'a', until: new Date(clock + 30_000) }, new Date(0));
    const first = await EventSteps.load(store.inbox, key, 1, now, () => BOT);
    const m = first.messenger(messenger);
    await m.post({ roomId: 'r1' }, { markdown: 'card A' });
    // The first attempt stops here (a crash); the second does the whole work again.
    const second = await EventSteps.load(store.inbox, key, 2, now, () => BOT);
    const again = second.messenger(messenger);
    await expect(again.post({ roomId: 'r1' }, { markdown: 'card A' })).resolves.toEqual({ id: 'm-1' });
    await again.post({ roomId: 'r1' }, { markdown: 'card B' });
    expect(messenger.posted.map((p) => p.markdown)).toEqual(['card A', 'card B']);
  });

  it('a transient note (posted only when an answer is slow) is not a step: the retry still posts what follows it', async () => {
    const messenger = fakeMessenger();
    const key = 'messages:created:m5';
    await store.inbox.accept(key, {}, null, now(), { owner: 'a', until: new Date(clock + 30_000) }, new Date(0));
    const first = (await EventSteps.load(store.inbox, key, 1, now, () => BOT)).messenger(messenger);
    await first.post({ roomId: 'r1' }, { markdown: 'card A', card: {} });
    const note = await first.post({ roomId: 'r1' }, { markdown: 'Looking up recording b …', transient: true });
    // A crash while the second answer is slow; on the retry it is fast, so no note.
    const again = (await EventSteps.load(store.inbox, key, 2, now, () => BOT)).messenger(messenger);
    await again.post({ roomId: 'r1' }, { markdown: 'card A', card: {} });
    await again.post({ roomId: 'r1' }, { markdown: 'card B', card: {} });
    expect(messenger.posted.map((p) => p.markdown)).toEqual(['card A', 'Looking up recording b …', 'card B']);
    expect(note.id).toBe('m-2');
  });

  it('a retried event takes its unrecorded reply from the 1:1 space instead of posting it again (its answer was lost)', async () => {
    const messenger = fakeMessenger();
    const key = 'messages:created:m3';
    await store.inbox.accept(key, {}, null, now(), { owner: 'a', until: new Date(clock + 30_000) }, new Date(0));
    // Webex has the bot's first card after the request, but the bot never learnt it; an older
    // card of the bot with the same first line answered an earlier request.
    messenger.direct.push(
      { id: 'older', personId: BOT, markdown: 'card A', attachments: [{}], created: '2026-03-01T07:59:00.000Z' } as Message,
      { id: 'm3', personId: 'alice', markdown: 'recording a b', created: '2026-03-01T08:00:00.000Z' } as Message,
      { id: 'already-posted', personId: BOT, markdown: 'card A\n\ndetails', attachments: [{}], created: '2026-03-01T08:00:01.000Z' } as Message,
    );
    const retry = await EventSteps.load(store.inbox, key, 2, now, () => BOT);
    const m = retry.messenger(messenger);
    const to = { roomId: 'direct-alice' };
    await expect(m.post(to, { markdown: 'card A\n\ndetails', card: {} })).resolves.toEqual({ id: 'already-posted' });
    await m.post(to, { markdown: 'card B', card: {} });
    // A text is taken only for the same text.
    await m.post(to, { markdown: 'card A\n\ndetails' });
    expect(messenger.posted.map((p) => p.markdown)).toEqual(['card B', 'card A\n\ndetails']);
    // A first attempt never looks: nothing can have been posted before it.
    const listed = messenger.listed;
    const fresh = await EventSteps.load(store.inbox, 'messages:created:m4', 1, now, () => BOT);
    await fresh.messenger(messenger).post(to, { markdown: 'card C', card: {} });
    expect(messenger.listed).toBe(listed);
  });

  it('in a group thread a retry cannot look (Webex lets a bot list only messages that mention it): the reply is posted again', async () => {
    const messenger = fakeMessenger();
    const key = 'messages:created:m7';
    await store.inbox.accept(key, {}, null, now(), { owner: 'a', until: new Date(clock + 30_000) }, new Date(0));
    const retry = (await EventSteps.load(store.inbox, key, 2, now, () => BOT)).messenger(messenger);
    await retry.post({ roomId: 'group', parentId: 'm7' }, { markdown: 'card A', card: {} });
    expect(messenger.posted.map((p) => p.markdown)).toEqual(['card A']);
    expect(messenger.listed).toBe(0);
  });

  it("a retry never takes a slow answer's note in the 1:1 space for the text answer", async () => {
    const messenger = fakeMessenger();
    const key = 'messages:created:m6';
    await store.inbox.accept(key, {}, null, now(), { owner: 'a', until: new Date(clock + 30_000) }, new Date(0));
    const to = { roomId: 'direct-alice' };
    // An earlier attempt's note that could not be deleted, and this attempt's own.
    messenger.direct.push(
      { id: 'm6', personId: 'alice', markdown: 'recording b', created: '2026-03-01T08:00:00.000Z' } as Message,
      { id: 'old-note', personId: BOT, markdown: 'Looking up recording b …', created: '2026-03-01T08:00:01.000Z' } as Message,
    );
    const retry = (await EventSteps.load(store.inbox, key, 2, now, () => BOT)).messenger(messenger);
    const note = await retry.post(to, { markdown: 'Looking up recording b …', transient: true });
    messenger.direct.push({ id: note.id, personId: BOT, markdown: 'Looking up recording b …', created: '2026-03-01T08:00:02.000Z' } as Message);
    await expect(retry.post(to, { markdown: 'Recording `b`: Webex is rate-limiting requests.' })).resolves.not.toEqual({ id: 'old-note' });
    expect(messenger.posted.map((p) => p.markdown)).toEqual(['Looking up recording b …', 'Recording `b`: Webex is rate-limiting requests.']);
  });
});
