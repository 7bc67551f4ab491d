import type { Store } from '../../src/store/types';
import { barrier, DEADLINE_MS, gate, settle, until, within } from '../support/waiting';
import { createBackend, pending, uid, type Backend, type BackendName } from './helpers';

const T0 = new Date('2026-03-01T08:00:00.000Z');
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

describe.each<[BackendName]>([['sqlite'], ['postgres']])('%s store: single use and concurrency', (name) => {
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

  describe('OAuth states', () => {
    it('are taken once, even by two concurrent takers on two instances', async () => {
      const personId = uid('person');
      const state = { state: uid('state'), personId, codeVerifier: 'verifier-0123456789', createdAt: T0, expiresAt: minutes(10) };
      await store.putOAuthState(state);
      const results = await Promise.all([store.takeOAuthState(state.state, minutes(1)), second.takeOAuthState(state.state, minutes(1))]);
      expect(results.filter((r) => r !== null)).toEqual([state]);
      await expect(store.takeOAuthState(state.state, minutes(1))).resolves.toBeNull();
    });

    it('are taken once under many concurrent takers of many states', async () => {
      const states = Array.from({ length: 20 }, () => uid('state'));
      for (const s of states) {
        await store.putOAuthState({ state: s, personId: 'p', codeVerifier: 'v', createdAt: T0, expiresAt: minutes(10) });
      }
      const takes = states.flatMap((s) => [store.takeOAuthState(s, T0), second.takeOAuthState(s, T0), store.takeOAuthState(s, T0)]);
      const taken = (await Promise.all(takes)).filter((r) => r !== null).map((r) => r!.state);
      expect(taken.sort()).toEqual([...states].sort());
    });

    it('returns an expired state (expiry is the caller check) and prunes other expired ones', async () => {
      const expired = { state: uid('old'), personId: 'p', codeVerifier: 'v1', createdAt: T0, expiresAt: minutes(10) };
      const alsoExpired = { state: uid('old'), personId: 'p', codeVerifier: 'v2', createdAt: T0, expiresAt: minutes(10) };
      const live = { state: uid('live'), personId: 'p', codeVerifier: 'v3', createdAt: minutes(15), expiresAt: minutes(25) };
      for (const s of [expired, alsoExpired, live]) await store.putOAuthState(s);
      await expect(store.takeOAuthState(expired.state, minutes(20))).resolves.toEqual(expired);
      const left = (await backend.rows('oauth_states')).map((r) => r.state);
      expect(left).toEqual([live.state]);
      await expect(store.takeOAuthState(alsoExpired.state, minutes(20))).resolves.toBeNull();
      await expect(store.takeOAuthState('unknown', minutes(20))).resolves.toBeNull();
    });
  });

  describe('pending requests', () => {
    it('stores a messageId once and returns requests oldest first, then nothing', async () => {
      const personId = uid('person');
      const [m1, m2, m3] = [uid('m'), uid('m'), uid('m')];
      await store.addPendingRequest(pending(personId, m2, minutes(2), 'recording two'));
      await store.addPendingRequest(pending(personId, m1, minutes(1), 'recording one'));
      await second.addPendingRequest(pending(personId, m2, minutes(2), 'recording two'));
      await store.addPendingRequest({ ...pending(personId, m3, minutes(2), 'recordings 5'), roomType: 'group', roomId: 'group-room' });
      await store.addPendingRequest(pending(uid('other'), uid('m'), minutes(1)));
      const taken = await store.takePendingRequests(personId);
      expect(taken.map((r) => r.messageId)).toEqual([m1, m2, m3]);
      expect(taken[0]).toEqual({ personId, roomId: `room-${personId}`, roomType: 'direct', messageId: m1, text: 'recording one', createdAt: minutes(1) });
      expect(taken[2]).toMatchObject({ roomType: 'group', roomId: 'group-room', text: 'recordings 5' });
      await expect(store.takePendingRequests(personId)).resolves.toEqual([]);
    });

    it('hands each request to only one of two concurrent takers', async () => {
      const personId = uid('person');
      for (let i = 0; i < 5; i += 1) await store.addPendingRequest(pending(personId, uid('m'), minutes(i)));
      const [a, b] = await Promise.all([store.takePendingRequests(personId), second.takePendingRequests(personId)]);
      expect(a.length + b.length).toBe(5);
      expect(new Set([...a, ...b].map((r) => r.messageId)).size).toBe(5);
    });

    it('keeps only the newest 20 per person and drops requests older than a week', async () => {
      const personId = uid('person');
      const stale = uid('person');
      await store.addPendingRequest(pending(stale, uid('m'), T0));
      const ids: string[] = [];
      for (let i = 0; i < 25; i += 1) {
        ids.push(uid('m'));
        await store.addPendingRequest(pending(personId, ids[i], new Date(T0.getTime() + 8 * 24 * 3600_000 + i * 1000)));
      }
      expect((await store.takePendingRequests(personId)).map((r) => r.messageId)).toEqual(ids.slice(5));
      await expect(store.takePendingRequests(stale)).resolves.toEqual([]);
    });
  });

  describe('withRefreshLock', () => {
    /**
     * Proves one person's calls run one at a time, without timing: whichever caller enters first
     * holds the lock on a gate; the others are started and, on Postgres, seen waiting at the server
     * (pg_locks) when another instance is among them; none of them has entered; then the gate
     * opens and they enter in turn, never two inside at once.
     */
    async function expectSerialised(runs: Array<[Store, string]>, personId: string): Promise<void> {
      const hold = gate();
      const first = gate();
      let holder: number | undefined;
      let inside = 0;
      let most = 0;
      const entered: number[] = [];
      const results = runs.map(([s, id], i) =>
        s.withRefreshLock(id, async () => {
          inside += 1;
          most = Math.max(most, inside);
          entered.push(i);
          if (holder === undefined) {
            holder = i;
            first.open();
            await hold.promise;
          } else await settle();
          inside -= 1;
          return i;
        }),
      );
      try {
        await within(first.promise, DEADLINE_MS, 'the first holder entering');
        const holdingStore = runs[holder!]![0];
        const otherInstances = new Set(runs.filter(([s]) => s !== holdingStore).map(([s]) => s)).size;
        if (backend.refreshLockWaiters && otherInstances > 0) {
          await until(async () => (await backend.refreshLockWaiters!(personId)) >= otherInstances, 'the other instances waiting at the server');
        }
        await settle();
        expect(entered).toEqual([holder]);
      } finally {
        hold.open();
      }
      await expect(within(Promise.all(results), DEADLINE_MS, 'every holder')).resolves.toEqual(runs.map((_, i) => i));
      expect(most).toBe(1);
      expect(entered.sort((a, b) => a - b)).toEqual(runs.map((_, i) => i));
    }

    /** Proves different people's calls run at once: each holder waits inside until all are inside. */
    async function expectParallel(runs: Array<[Store, string]>): Promise<void> {
      const all = barrier(runs.length, 'refresh-lock holders of different people');
      const results = runs.map(([s, id]) => s.withRefreshLock(id, () => all.arrive().then(() => id)));
      await expect(Promise.all(results)).resolves.toEqual(runs.map(([, id]) => id));
    }

    it('serialises calls for one person and returns the result', async () => {
      const personId = uid('person');
      await expectSerialised([[store, personId], [store, personId], [store, personId]], personId);
      await expect(store.withRefreshLock(personId, async () => 42)).resolves.toBe(42);
    });

    it('releases the lock when fn throws', async () => {
      const personId = uid('person');
      await expect(store.withRefreshLock(personId, async () => Promise.reject(new Error('refresh failed')))).rejects.toThrow('refresh failed');
      await expect(within(store.withRefreshLock(personId, async () => 'next'), DEADLINE_MS, 'the next lock')).resolves.toBe('next');
    });

    it('runs different people in parallel', async () => {
      await expectParallel([[store, uid('a')], [store, uid('b')]]);
    });

    if (name === 'postgres') {
      it('serialises one person across two instances', async () => {
        const personId = uid('person');
        const runs: Array<[Store, string]> = [];
        for (let i = 0; i < 4; i += 1) runs.push([store, personId], [second, personId]);
        await expectSerialised(runs, personId);
      });

      it('runs different people in parallel across two instances', async () => {
        await expectParallel([[store, uid('a')], [second, uid('b')], [store, uid('c')], [second, uid('d')]]);
      });
    }
  });
});
