/** Devices left by killed processes (devices.ts): ours and stale are deleted; live, foreign and our own stay. */
import { createLogger } from '../../src/log';
import { DEVICE_MARK_PREFIX, DEVICE_STALE_MS, removeLeftoverDevices, type WdmDevice } from '../../src/transport/devices';
import { DEVICE_NAME } from '../../src/transport/mercury';

describe('leftover websocket devices', () => {
  const now = new Date('2026-12-05T12:00:00Z');
  const ago = (ms: number) => new Date(now.getTime() - ms);

  it('deletes our devices whose heartbeat is stale (or, without one, registered long ago), and nothing else', async () => {
    const devices: WdmDevice[] = [
      { url: 'https://wdm/devices/killed', name: DEVICE_NAME },
      { url: 'https://wdm/devices/live', name: DEVICE_NAME },
      { url: 'https://wdm/devices/mine', name: DEVICE_NAME },
      { url: 'https://wdm/devices/old-no-beat', name: DEVICE_NAME, creationTime: ago(DEVICE_STALE_MS + 1).toISOString() },
      { url: 'https://wdm/devices/new-no-beat', name: DEVICE_NAME, creationTime: ago(1000).toISOString() },
      { url: 'https://wdm/devices/unknown-age', name: DEVICE_NAME },
      { url: 'https://wdm/devices/someone-else', name: 'another-app', creationTime: ago(24 * 3600_000).toISOString() },
    ];
    const marks = new Map<string, Date>([
      [DEVICE_MARK_PREFIX + 'https://wdm/devices/killed', ago(DEVICE_STALE_MS + 1)],
      [DEVICE_MARK_PREFIX + 'https://wdm/devices/live', ago(30_000)],
      [DEVICE_MARK_PREFIX + 'https://wdm/devices/mine', ago(DEVICE_STALE_MS * 10)],
      [DEVICE_MARK_PREFIX + 'https://wdm/devices/gone', ago(DEVICE_STALE_MS * 2)],
    ]);
    const removed: string[] = [];
    const count = await removeLeftoverDevices({
      list: async () => devices,
      remove: async (url) => void removed.push(url),
      marks: {
        listMarks: async (prefix) => [...marks].filter(([n]) => n.startsWith(prefix)).map(([name, at]) => ({ name, at })),
        deleteMark: async (name) => void marks.delete(name),
      },
      ownUrl: 'https://wdm/devices/mine',
      now,
      logger: createLogger({ level: 'silent' }),
    });
    expect(removed.sort()).toEqual(['https://wdm/devices/killed', 'https://wdm/devices/old-no-beat']);
    expect(count).toBe(2);
    expect(marks.has(DEVICE_MARK_PREFIX + 'https://wdm/devices/killed')).toBe(false);
    expect(marks.has(DEVICE_MARK_PREFIX + 'https://wdm/devices/live')).toBe(true);
    expect(marks.has(DEVICE_MARK_PREFIX + 'https://wdm/devices/mine')).toBe(true);
    expect(marks.has(DEVICE_MARK_PREFIX + 'https://wdm/devices/gone')).toBe(false);
  });
});
