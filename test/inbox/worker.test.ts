import { randomBytes } from 'node:crypto';
import type { Messenger } from '../../src/replies/messenger';
import { EventSteps } from '../../src/inbox';
import { createInboxWorker } from '../../src/inbox/worker';
import { silentLogger } from '../../src/log';
import { createStore, type Store } from '../../src/store';
import type { InboxEvent } from '../../src/store/types';
import type { Message } from '../../src/webex/types';
import { capturingLogger, sleep } from '../store/helpers';

const BOT = 'bot-person';

/** Records posts; its thread listing is what Webex would show. */
function fakeMessenger(): Messenger & { posted: Array<{ to: unknown; markdown: string; id: string }>; thread: Message[] } {
  const posted: Array<{ to: unknown; markdown: string; id: string }> = [];
  const thread: Message[] = [];
  return {
    posted,
    thread,
    async post(to, message) {
      const id = `m-${posted.length + 1}`;
      posted.push({ to, markdown: message.markdown, id });
      return { id };
    },
    async remove() {},
    async get(id) {
      return { id } as Message;
    },
    async threadReplies() {
      return thread;
    },
  };
}

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await sleep(10);
  }
  throw new Error(`not seen: ${what}`);
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
      const retry = lines().map((l) => JSON.parse(l)).filter((l) => l.msg === 'webhook event failed; retrying later')[attempt - 1];
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

  it('a retried event takes its unrecorded reply from the thread instead of posting it again', async () => {
    const messenger = fakeMessenger();
    const key = 'messages:created:m3';
    await store.inbox.accept(key, {}, null, now(), { owner: 'a', until: new Date(clock + 30_000) }, new Date(0));
    // Webex has the bot's first reply in the thread (and someone else's), but the record of it was lost.
    messenger.thread.push(
      { id: 'theirs', personId: 'someone', created: '2026-03-01T08:00:00.500Z' } as Message,
      { id: 'already-posted', personId: BOT, markdown: 'card A', created: '2026-03-01T08:00:01.000Z' } as Message,
    );
    const retry = await EventSteps.load(store.inbox, key, 2, now, () => BOT);
    const m = retry.messenger(messenger);
    const to = { roomId: 'group', parentId: 'm3' };
    await expect(m.post(to, { markdown: 'card A' })).resolves.toEqual({ id: 'already-posted' });
    await m.post(to, { markdown: 'card B' });
    expect(messenger.posted.map((p) => p.markdown)).toEqual(['card B']);
    // A first attempt never looks: nothing can have been posted before it.
    const fresh = await EventSteps.load(store.inbox, 'messages:created:m4', 1, now, () => BOT);
    await fresh.messenger(messenger).post({ roomId: 'group', parentId: 'm4' }, { markdown: 'card C' });
    expect(messenger.posted.map((p) => p.markdown)).toEqual(['card B', 'card C']);
  });

  it("a retry never takes a slow answer's note in the thread for the text answer", async () => {
    const messenger = fakeMessenger();
    const key = 'messages:created:m6';
    await store.inbox.accept(key, {}, null, now(), { owner: 'a', until: new Date(clock + 30_000) }, new Date(0));
    const to = { roomId: 'group', parentId: 'm6' };
    // An earlier attempt's note that could not be deleted, and this attempt's own.
    messenger.thread.push({ id: 'old-note', personId: BOT, markdown: 'Looking up recording b …', created: '2026-03-01T08:00:01.000Z' } as Message);
    const retry = (await EventSteps.load(store.inbox, key, 2, now, () => BOT)).messenger(messenger);
    const note = await retry.post(to, { markdown: 'Looking up recording b …', transient: true });
    messenger.thread.push({ id: note.id, personId: BOT, markdown: 'Looking up recording b …', created: '2026-03-01T08:00:02.000Z' } as Message);
    await expect(retry.post(to, { markdown: 'Recording `b`: Webex is rate-limiting requests.' })).resolves.not.toEqual({ id: 'old-note' });
    expect(messenger.posted.map((p) => p.markdown)).toEqual(['Looking up recording b …', 'Recording `b`: Webex is rate-limiting requests.']);
  });
});
