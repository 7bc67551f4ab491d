import type { Store } from '../../src/store/types';
import { createBackend, uid, type Backend, type BackendName } from './helpers';

const T0 = new Date('2026-03-01T08:00:00.000Z');
const seconds = (n: number) => new Date(T0.getTime() + n * 1000);
const lease = (owner: string, untilSeconds: number) => ({ owner, until: seconds(untilSeconds) });
const envelope = (id: string) => ({ resource: 'messages', event: 'created', data: { id, roomId: 'room-1' } });
const LONG_AGO = new Date(0);

describe.each<[BackendName]>([['sqlite'], ['postgres']])('%s store: inbox and shared command counts', (name) => {
  let backend: Backend;
  let store: Store;
  let second: Store;

  beforeEach(async () => {
    backend = await createBackend(name);
    store = await backend.open();
    second = await backend.open();
  });
  afterEach(async () => {
    await backend.dispose();
  });

  describe('accept', () => {
    it('stores an event once per key, whichever instance gets it', async () => {
      const key = uid('messages:created');
      await expect(store.inbox.accept(key, envelope(key), null, T0, null, LONG_AGO)).resolves.toBe(true);
      await expect(store.inbox.accept(key, envelope(key), null, seconds(1), null, LONG_AGO)).resolves.toBe(false);
      await expect(second.inbox.accept(key, envelope(key), null, seconds(1), lease('b', 30), LONG_AGO)).resolves.toBe(false);
      const rows = await backend.rows('inbox_events');
      expect(rows).toHaveLength(1);
      expect(JSON.parse(String(rows[0]!.envelope))).toEqual(envelope(key));
    });

    it('gives each of 100 keys to exactly one of two instances accepting concurrently', async () => {
      const keys = Array.from({ length: 100 }, () => uid('event'));
      const results = await Promise.all(
        keys.flatMap((key) => [
          store.inbox.accept(key, {}, null, T0, null, LONG_AGO).then((won) => ({ key, won })),
          second.inbox.accept(key, {}, null, T0, null, LONG_AGO).then((won) => ({ key, won })),
        ]),
      );
      for (const key of keys) expect(results.filter((r) => r.key === key && r.won)).toHaveLength(1);
    });

    it('prunes finished events received before the retention cut, and keeps unfinished ones', async () => {
      const done = uid('done');
      const failed = uid('failed');
      const unfinished = uid('pending');
      for (const key of [done, failed, unfinished]) await store.inbox.accept(key, {}, null, T0, lease('a', 30), LONG_AGO);
      await store.inbox.recordStep(done, 1, '{"id":"m1"}', T0);
      await store.inbox.finish(done, 'a', seconds(1));
      await store.inbox.park(failed, 'a', seconds(1), 'boom');
      const fresh = await backend.open();
      await fresh.inbox.accept(uid('later'), {}, null, seconds(3600), null, seconds(10));
      const keys = (await backend.rows('inbox_events')).map((r) => r.event_key);
      expect(keys).toContain(unfinished);
      expect(keys).not.toContain(done);
      expect(keys).not.toContain(failed);
      expect(await backend.rows('inbox_steps')).toEqual([]);
    });
  });

  describe('claim', () => {
    it('takes due events that nobody holds, oldest first, and counts the attempt', async () => {
      const first = uid('e1');
      const then = uid('e2');
      await store.inbox.accept(first, envelope(first), null, T0, null, LONG_AGO);
      await store.inbox.accept(then, envelope(then), null, seconds(1), null, LONG_AGO);
      const claimed = await store.inbox.claim(lease('a', 40), seconds(10), 10);
      expect(claimed.map((e) => [e.key, e.attempts])).toEqual([
        [first, 1],
        [then, 1],
      ]);
      expect(claimed[0]!.envelope).toEqual(envelope(first));
      expect(claimed[0]!.receivedAt).toEqual(T0);
      await expect(second.inbox.claim(lease('b', 50), seconds(20), 10)).resolves.toEqual([]);
    });

    it('lets another instance take an event once its lease has expired', async () => {
      const key = uid('leased');
      await store.inbox.accept(key, {}, null, T0, lease('a', 30), LONG_AGO);
      await expect(second.inbox.claim(lease('b', 59), seconds(29), 10)).resolves.toEqual([]);
      await store.inbox.renew('a', [key], seconds(60));
      await expect(second.inbox.claim(lease('b', 61), seconds(31), 10)).resolves.toEqual([]);
      const taken = await second.inbox.claim(lease('b', 91), seconds(61), 10);
      expect(taken.map((e) => [e.key, e.attempts])).toEqual([[key, 2]]);
      // The first owner's late outcome is ignored: the event is the new owner's now.
      await store.inbox.finish(key, 'a', seconds(62));
      expect((await backend.rows('inbox_events'))[0]).toMatchObject({ status: 'pending', lease_owner: 'b' });
      await second.inbox.finish(key, 'b', seconds(63));
      expect((await backend.rows('inbox_events'))[0]).toMatchObject({ status: 'done', lease_owner: null });
    });

    it('hands each of 60 events to exactly one of two instances claiming concurrently', async () => {
      const keys = Array.from({ length: 60 }, () => uid('shared'));
      for (const key of keys) await store.inbox.accept(key, {}, null, T0, null, LONG_AGO);
      const rounds = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? store : second).inbox.claim(lease(`owner-${i % 2}`, 100), seconds(1), 7)),
      );
      const taken = rounds.flat().map((e) => e.key);
      expect(new Set(taken).size).toBe(taken.length);
      const rest = await store.inbox.claim(lease('owner-0', 100), seconds(2), 100);
      expect([...taken, ...rest.map((e) => e.key)].sort()).toEqual([...keys].sort());
    });

    it('waits for the retry time, and never takes finished or parked events', async () => {
      const retried = uid('retried');
      const done = uid('done');
      const parked = uid('parked');
      for (const key of [retried, done, parked]) await store.inbox.accept(key, {}, null, T0, lease('a', 30), LONG_AGO);
      await store.inbox.retryAt(retried, 'a', seconds(20), 'read failed');
      await store.inbox.finish(done, 'a', seconds(1));
      await store.inbox.park(parked, 'a', seconds(1), 'gave up');
      await expect(store.inbox.claim(lease('a', 50), seconds(19), 10)).resolves.toEqual([]);
      expect((await store.inbox.claim(lease('a', 50), seconds(20), 10)).map((e) => [e.key, e.attempts])).toEqual([[retried, 2]]);
      const rows = await backend.rows('inbox_events');
      expect(rows.find((r) => r.event_key === parked)).toMatchObject({ status: 'failed', last_error: 'gave up' });
      // Finished events keep their key for dedupe, not what they said.
      expect(rows.filter((r) => r.status !== 'pending').map((r) => r.envelope)).toEqual(['{}', '{}']);
    });

    it('makes released events due again at once', async () => {
      const key = uid('released');
      await store.inbox.accept(key, {}, null, T0, lease('a', 30), LONG_AGO);
      await store.inbox.release('someone-else', [key]);
      await expect(second.inbox.claim(lease('b', 30), seconds(1), 10)).resolves.toEqual([]);
      await store.inbox.release('a', [key]);
      expect((await second.inbox.claim(lease('b', 30), seconds(1), 10)).map((e) => e.key)).toEqual([key]);
    });
  });

  describe('steps', () => {
    it('are read back by step number, and recorded once', async () => {
      const key = uid('steps');
      await store.inbox.accept(key, {}, null, T0, lease('a', 30), LONG_AGO);
      await store.inbox.recordStep(key, 1, '{"id":"reply-1"}', T0);
      await store.inbox.recordStep(key, 2, 'null', T0);
      await second.inbox.recordStep(key, 1, '{"id":"reply-again"}', T0);
      expect([...(await second.inbox.steps(key))]).toEqual([
        [1, '{"id":"reply-1"}'],
        [2, 'null'],
      ]);
      expect((await store.inbox.steps(uid('other'))).size).toBe(0);
    });
  });

  describe('countCommand', () => {
    it('lets perMinute through, says so once, drops the rest, and starts again a minute later', async () => {
      const person = uid('person');
      const verdicts = [];
      for (let i = 0; i < 6; i++) verdicts.push(await store.countCommand(person, seconds(i), 3));
      expect(verdicts).toEqual(['ok', 'ok', 'ok', 'warn', 'drop', 'drop']);
      await expect(store.countCommand(uid('someone-else'), seconds(6), 3)).resolves.toBe('ok');
      await expect(store.countCommand(person, seconds(59), 3)).resolves.toBe('drop');
      await expect(store.countCommand(person, seconds(60), 3)).resolves.toBe('ok');
    });

    it('is one limit for two instances counting at the same time', async () => {
      const person = uid('person');
      const verdicts = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? store : second).countCommand(person, seconds(1), 5)));
      expect(verdicts.filter((v) => v === 'ok')).toHaveLength(5);
      expect(verdicts.filter((v) => v === 'warn')).toHaveLength(1);
    });

    it('keeps no person id', async () => {
      const person = uid('person');
      await store.countCommand(person, T0, 5);
      expect(JSON.stringify(await backend.rows('command_counts'))).not.toContain(person);
    });

    it('is off at 0', async () => {
      for (let i = 0; i < 10; i++) await expect(store.countCommand('p', T0, 0)).resolves.toBe('ok');
    });
  });
});
