import { randomBytes } from 'node:crypto';
import { EventSteps } from '../../src/inbox';
import { createInboxWorker } from '../../src/inbox/worker';
import { silentLogger } from '../../src/log';
import type { Messenger } from '../../src/replies/messenger';
import { createStore, StoreUnavailableError, type Store } from '../../src/store';
import type { InboxEvent } from '../../src/store/types';
import type { InboundMessage } from '../../src/transport/types';
import { WebexApiError } from '../../src/webex/errors';
import type { Message } from '../../src/webex/types';
import { ALICE, createInProcessBot } from '../support/in-process-bot';

const BOT = 'bot-person';

/** Records posts and deletions; `failRemovals` deletions answer 503 first. */
function fakeMessenger(): Messenger & { posted: string[]; removed: string[]; failRemovals: number } {
  const posted: string[] = [];
  const removed: string[] = [];
  const m = {
    posted,
    removed,
    failRemovals: 0,
    async post(_to: unknown, message: { markdown: string }) {
      posted.push(message.markdown);
      return { id: `m-${posted.length}` };
    },
    async remove(id: string) {
      if (m.failRemovals > 0) {
        m.failRemovals -= 1;
        throw Object.assign(new Error(`DELETE /messages/${id} answered 503`), { status: 503 });
      }
      removed.push(id);
    },
    async get(id: string) {
      return { id } as Message;
    },
  };
  return m;
}

describe('outages: what the person reads', () => {
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

  /** A worker whose events settle into `settled`; `work` is the attempt. */
  function worker(work: (event: InboxEvent, steps: EventSteps) => Promise<void>, messenger: Messenger, maxAttempts = 5) {
    const settled: string[] = [];
    const apologies: string[] = [];
    const w = createInboxWorker({
      inbox: store.inbox,
      instanceId: 'a',
      logger: silentLogger(),
      now,
      maxAttempts,
      botPersonId: () => BOT,
      messenger,
      work,
      async giveUp(event) {
        apologies.push(event.key);
      },
      onSettled: (result) => settled.push(result),
    });
    return { w, settled, apologies };
  }

  /** Accepts the event and runs its first attempt, or claims it again (a retry), until it settles. */
  async function attempt(w: ReturnType<typeof worker>, key: string): Promise<void> {
    const before = w.settled.length;
    const lease = w.w.leaseForNew()!;
    if (await store.inbox.accept(key, { data: { id: key } }, null, now(), lease, new Date(0))) {
      w.w.run({ key, envelope: { data: { id: key } }, attempts: 1, receivedAt: now() });
    } else {
      clock += 3600_000;
      const [event] = await store.inbox.claim(lease, now(), 1);
      w.w.run(event!);
    }
    await w.w.drain(60_000);
    expect(w.settled.length).toBe(before + 1);
  }

  it('an event given up on after its answer was posted gets no apology (the answer is the last word)', async () => {
    const messenger = fakeMessenger();
    const w = worker(async (_event, steps) => {
      await steps.messenger(messenger).post({ roomId: 'r' }, { markdown: 'the card', card: {} });
      throw new StoreUnavailableError('SQLITE_FULL');
    }, messenger, 2);
    await attempt(w, 'messages:created:a1');
    await attempt(w, 'messages:created:a1');
    expect(w.settled).toEqual(['retry', 'parked']);
    expect(w.apologies).toEqual([]);
    expect(messenger.posted).toEqual(['the card']);
  });

  it('an event that never answered is apologised for once, only when it is parked', async () => {
    const messenger = fakeMessenger();
    const w = worker(async () => {
      throw new StoreUnavailableError('ECONNRESET');
    }, messenger, 2);
    await attempt(w, 'messages:created:a2');
    expect(w.apologies).toEqual([]);
    await attempt(w, 'messages:created:a2');
    expect(w.settled).toEqual(['retry', 'parked']);
    expect(w.apologies).toEqual(['messages:created:a2']);
  });

  it('a progress note whose DELETE answers 503 is deleted by a later attempt, and the answer is not posted twice', async () => {
    const messenger = fakeMessenger();
    messenger.failRemovals = 2;
    const w = worker(async (_event, steps) => {
      const m = steps.messenger(messenger);
      const note = await m.post({ roomId: 'r' }, { markdown: 'Looking up recording b …', transient: true });
      await m.post({ roomId: 'r' }, { markdown: 'the card', card: {} });
      // As the progress note does: a failed deletion is logged, not thrown.
      await m.remove(note.id).catch(() => undefined);
    }, messenger);
    await attempt(w, 'messages:created:n1');
    // The deletion failed in the command and again at the end of the attempt: retried.
    expect(w.settled).toEqual(['retry']);
    expect(messenger.removed).toEqual([]);
    await attempt(w, 'messages:created:n1');
    expect(w.settled).toEqual(['retry', 'done']);
    expect(messenger.posted).toEqual(['Looking up recording b …', 'the card', 'Looking up recording b …']);
    expect(messenger.removed.sort()).toEqual(['m-1', 'm-3']);
  });

  it('a post whose record meets an unavailable store is recorded once the store is back, not posted again', async () => {
    const messenger = fakeMessenger();
    const key = 'messages:created:n9';
    await store.inbox.accept(key, {}, null, now(), { owner: 'a', until: new Date(clock + 1000) }, new Date(0));
    let refusals = 2;
    const flaky = {
      ...store.inbox,
      steps: store.inbox.steps.bind(store.inbox),
      recordStep: (...args: Parameters<typeof store.inbox.recordStep>) => {
        if (refusals > 0) {
          refusals -= 1;
          return Promise.reject(new StoreUnavailableError('SQLITE_FULL'));
        }
        return store.inbox.recordStep(...args);
      },
    };
    const steps = await EventSteps.load(flaky, key, 1, now, () => BOT);
    await steps.messenger(messenger).post({ roomId: 'g', parentId: 'n9' }, { markdown: 'the card', card: {} });
    expect(refusals).toBe(0);
    expect(messenger.posted).toEqual(['the card']);
    // A later attempt finds the step recorded and does not post again.
    const again = await EventSteps.load(store.inbox, key, 2, now, () => BOT);
    await again.messenger(messenger).post({ roomId: 'g', parentId: 'n9' }, { markdown: 'the card', card: {} });
    expect(messenger.posted).toEqual(['the card']);
  });

  it('a progress note left by an attempt that crashed (or lost its lease) is deleted by the next one', async () => {
    const messenger = fakeMessenger();
    const key = 'messages:created:n2';
    await store.inbox.accept(key, {}, null, now(), { owner: 'gone', until: new Date(clock + 1000) }, new Date(0));
    const first = (await EventSteps.load(store.inbox, key, 1, now, () => BOT)).messenger(messenger);
    await first.post({ roomId: 'r' }, { markdown: 'Looking up recording b …', transient: true });
    // The first instance stops here. The next attempt is fast: no note of its own.
    const w = worker(async (_event, steps) => {
      await steps.messenger(messenger).post({ roomId: 'r' }, { markdown: 'the card', card: {} });
    }, messenger);
    await attempt(w, key);
    expect(w.settled).toEqual(['done']);
    expect(messenger.removed).toEqual(['m-1']);
  });

  it('a progress note whose POST got no answer (Webex posted it anyway) is found among the bot\'s 1:1 messages and deleted', async () => {
    const messenger = fakeMessenger();
    const thread: Message[] = [];
    const slow: Messenger = {
      ...messenger,
      async post(to, message) {
        if (!message.transient) return messenger.post(to, message);
        // Webex posts the note, but its answer never reaches the bot (a timeout).
        thread.push({ id: 'late-note', personId: BOT, markdown: message.markdown } as Message, { id: 'theirs', personId: 'someone', markdown: message.markdown } as Message);
        throw Object.assign(new Error('POST /messages timed out'), { status: 0 });
      },
      recentPosts: async () => thread,
    };
    const w = worker(async (_event, steps) => {
      const m = steps.messenger(slow);
      await m.post({ roomId: 'direct-room' }, { markdown: 'Looking up recording b …', transient: true }).catch(() => undefined);
      await m.post({ roomId: 'direct-room' }, { markdown: 'the card', card: {} });
    }, slow);
    await attempt(w, 'messages:created:n4');
    expect(w.settled).toEqual(['done']);
    expect(messenger.removed).toEqual(['late-note']);
  });

  it('a note already gone (404) counts as deleted', async () => {
    const key = 'messages:created:n3';
    await store.inbox.accept(key, {}, null, now(), { owner: 'a', until: new Date(clock + 1000) }, new Date(0));
    const messenger = fakeMessenger();
    messenger.remove = async () => {
      throw new WebexApiError({ kind: 'http', status: 404, method: 'DELETE', path: '/messages/m-1' } as never);
    };
    const steps = await EventSteps.load(store.inbox, key, 1, now, () => BOT);
    await steps.messenger(messenger).post({ roomId: 'r' }, { markdown: 'Looking up recording b …', transient: true });
    await expect(steps.removeNotes(messenger)).resolves.toBeUndefined();
  });
});

describe('outages: a command while the database is away', () => {
  it('says nothing to the person: the inbox event is retried (no "Something went wrong")', async () => {
    const h = await createInProcessBot();
    try {
      const key = 'messages:created:message-x';
      await h.store.inbox.accept(key, {}, null, h.clock.now(), { owner: 'a', until: new Date(h.clock.now().getTime() + 30_000) }, new Date(0));
      const steps = await EventSteps.load(h.store.inbox, key, 1, h.clock.now, () => BOT);
      jest.spyOn(h.store, 'countCommand').mockRejectedValueOnce(new StoreUnavailableError('SQLITE_FULL'));
      const event: InboundMessage = { kind: 'message', messageId: 'message-x', ...ALICE, roomId: 'direct-alice', roomType: 'direct', text: 'help' };
      await expect(h.bot.handle(event, steps)).rejects.toBeInstanceOf(StoreUnavailableError);
      expect(h.messenger.posted).toEqual([]);
    } finally {
      await h.close();
    }
  });
});
