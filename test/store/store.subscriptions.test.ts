import type { Store } from '../../src/store/types';
import { createBackend, tokens, uid, type Backend, type BackendName } from './helpers';

const T0 = new Date('2026-03-01T08:00:00.000Z');
const T1 = new Date('2026-03-01T09:30:00.000Z');

describe.each<[BackendName]>([['sqlite'], ['postgres']])('%s store: recording notifications', (name) => {
  let backend: Backend;
  let store: Store;

  beforeEach(async () => {
    backend = await createBackend(name);
    store = await backend.open();
  });
  afterEach(async () => {
    await backend.dispose();
  });

  it('subscribes, adds and removes spaces, and ends the subscription when nothing is left', async () => {
    const personId = uid('person');
    await expect(store.getSubscription(personId)).resolves.toBeNull();
    const on = await store.subscribe(personId, { direct: true }, T0);
    expect(on).toEqual({ personId, direct: true, roomIds: [], webhookId: null, lastPolledAt: null, subscribedAt: T0 });
    const here = await store.subscribe(personId, { addRoomId: 'room-a' }, T1);
    expect(here).toMatchObject({ direct: true, roomIds: ['room-a'], subscribedAt: T0 });
    await store.subscribe(personId, { addRoomId: 'room-a' }, T1);
    expect((await store.getSubscription(personId))!.roomIds).toEqual(['room-a']);
    // Only a space: DMs off, the space stays.
    const onlyHere = uid('person');
    await store.subscribe(onlyHere, { addRoomId: 'room-b' }, T0);
    expect(await store.getSubscription(onlyHere)).toMatchObject({ direct: false, roomIds: ['room-b'] });
    await expect(store.unsubscribe(onlyHere, { roomId: 'room-b' })).resolves.toBeNull();
    await expect(store.getSubscription(onlyHere)).resolves.toBeNull();
    // DMs on: removing the space leaves the DMs.
    await expect(store.unsubscribe(personId, { roomId: 'room-a' })).resolves.toMatchObject({ direct: true, roomIds: [] });
    await expect(store.unsubscribe(personId, {})).resolves.toBeNull();
    await expect(store.listSubscriptions()).resolves.toEqual([]);
  });

  it('finds a subscription by its webhook and keeps the last poll', async () => {
    const a = uid('a');
    const b = uid('b');
    await store.subscribe(a, { direct: true }, T0);
    await store.subscribe(b, { direct: true }, T1);
    await store.setSubscriptionWebhook(a, 'hook-a');
    await store.setLastPolled(b, T1);
    await expect(store.findSubscriptionByWebhook('hook-a')).resolves.toMatchObject({ personId: a, webhookId: 'hook-a' });
    await expect(store.findSubscriptionByWebhook('hook-x')).resolves.toBeNull();
    expect((await store.listSubscriptions()).map((s) => [s.personId, s.lastPolledAt])).toEqual([[a, null], [b, T1]]);
  });

  it('claims a recording once across instances, again for the event that claimed it, and forgets it with the person', async () => {
    const personId = uid('person');
    const other = await backend.open();
    const events = ['event-a', 'event-b', 'event-c', 'event-d'];
    const claims = await Promise.all([store, other, store, other].map((s, i) => s.claimRecordingDelivery(personId, 'rec-1', T0, events[i]!)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    const winner = events[claims.indexOf(true)]!;
    // A retried attempt of the winning event (on either instance) still holds the claim; no other event does.
    await expect(other.claimRecordingDelivery(personId, 'rec-1', T1, winner)).resolves.toBe(true);
    await expect(store.claimRecordingDelivery(personId, 'rec-1', T1, 'event-e')).resolves.toBe(false);
    await expect(store.claimRecordingDelivery(uid('someone-else'), 'rec-1', T1, 'event-e')).resolves.toBe(true);
    await store.saveAccount({ personId, email: 'p@example.com', tokens: tokens('p') }, T0);
    await store.subscribe(personId, { direct: true, addRoomId: 'room' }, T0);
    await store.deletePerson(personId);
    await expect(store.getSubscription(personId)).resolves.toBeNull();
    await expect(store.claimRecordingDelivery(personId, 'rec-1', T1, 'event-f')).resolves.toBe(true);
  });
});
