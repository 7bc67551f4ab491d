import type { Logger } from '../log';
import { DEVICE_NAME } from './mercury';

/**
 * Websocket devices left by a process that was killed (no stop, so no delete) would pile up
 * until Webex refuses new registrations. Each running instance keeps a heartbeat mark for its
 * own device (`device:<url>`, every minute while it runs); at start, devices of our name whose
 * heartbeat is older than `staleMs` (or that have none and were registered longer ago than
 * that) are deleted. Another instance's live device always has a fresh heartbeat.
 */

export const DEVICE_MARK_PREFIX = 'device:';
export const DEVICE_STALE_MS = 3 * 60_000;

export interface WdmDevice {
  url: string;
  name?: string;
  creationTime?: string;
  modificationTime?: string;
}

export async function removeLeftoverDevices(options: {
  list(): Promise<WdmDevice[]>;
  remove(url: string): Promise<void>;
  marks: {
    listMarks(prefix: string): Promise<Array<{ name: string; at: Date }>>;
    deleteMark(name: string): Promise<void>;
  };
  /** This process's own device (never removed). */
  ownUrl: string | undefined;
  now: Date;
  logger: Logger;
  staleMs?: number;
}): Promise<number> {
  const staleMs = options.staleMs ?? DEVICE_STALE_MS;
  const cutoff = options.now.getTime() - staleMs;
  const beats = new Map((await options.marks.listMarks(DEVICE_MARK_PREFIX)).map((m) => [m.name.slice(DEVICE_MARK_PREFIX.length), m.at.getTime()]));
  let removed = 0;
  const listed = await options.list();
  const alive = new Set(listed.map((d) => d.url));
  for (const device of listed) {
    if (device.name !== DEVICE_NAME || device.url === options.ownUrl) continue;
    const beat = beats.get(device.url);
    const registered = Date.parse(device.modificationTime ?? device.creationTime ?? '');
    const stale = beat !== undefined ? beat < cutoff : !Number.isNaN(registered) && registered < cutoff;
    if (!stale) continue;
    try {
      await options.remove(device.url);
      removed += 1;
    } catch (err) {
      options.logger.warn({ err: String(err) }, 'leftover device could not be deleted');
      continue;
    }
    alive.delete(device.url);
    if (beat !== undefined) await options.marks.deleteMark(DEVICE_MARK_PREFIX + device.url).catch(() => undefined);
  }
  // Heartbeats of devices that are gone (deleted by their own stop, or by Webex).
  for (const [url, at] of beats) {
    if (!alive.has(url) && url !== options.ownUrl && at < cutoff) await options.marks.deleteMark(DEVICE_MARK_PREFIX + url).catch(() => undefined);
  }
  if (removed > 0) options.logger.info({ devices: removed }, 'leftover websocket devices deleted');
  return removed;
}
