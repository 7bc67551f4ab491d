import type { Store } from '../../src/store/types';
import { createBackend, type Backend, type BackendName } from './helpers';

const T0 = new Date('2026-03-01T08:00:00.000Z');
const T1 = new Date('2026-03-01T09:30:00.000Z');

describe.each<[BackendName]>([['sqlite'], ['postgres']])('%s store: marks', (name) => {
  let backend: Backend;
  let store: Store;

  beforeEach(async () => {
    backend = await createBackend(name);
    store = await backend.open();
  });
  afterEach(async () => {
    await backend.dispose();
  });

  it('keeps the latest time of a mark, never moving it back, and shares it between instances', async () => {
    await expect(store.getMark('websocket:seen')).resolves.toBeNull();
    await store.setMark('websocket:seen', T1);
    await store.setMark('websocket:seen', T0);
    await expect(store.getMark('websocket:seen')).resolves.toEqual(T1);
    const other = await backend.open();
    await expect(other.getMark('websocket:seen')).resolves.toEqual(T1);
  });

  it('lists marks by exact prefix and deletes them', async () => {
    await store.setMark('device:https://wdm/a', T0);
    await store.setMark('device:https://wdm/b', T1);
    await store.setMark('deviceXhttps://wdm/c', T1);
    await store.setMark('websocket:seen', T1);
    const listed = await store.listMarks('device:');
    expect(listed.map((m) => m.name).sort()).toEqual(['device:https://wdm/a', 'device:https://wdm/b']);
    expect(listed.find((m) => m.name.endsWith('/a'))!.at).toEqual(T0);
    await store.deleteMark('device:https://wdm/a');
    expect((await store.listMarks('device:')).map((m) => m.name)).toEqual(['device:https://wdm/b']);
  });
});
