/**
 * WDM device registrations of websocket mode (see mercury.ts): per person, capped like Webex
 * ("User has excessive device registrations"), expiring when registered with a `ttl` and not
 * refreshed, and kept after deletion for tests. Each device buffers the frames made for it.
 */
import { ApiError } from './errors';
import { randomUUID } from './ids';
import type { EmulatorState } from './state';

export const EXCESSIVE_DEVICES = 'User has excessive device registrations';

export interface DeviceRecord {
  id: string;
  url: string;
  webSocketUrl: string;
  personId: string;
  name: string;
  deviceType: string;
  model: string;
  created: string;
  modificationTime: string;
  deletedAt?: string;
  /** Seconds a registration lives without a refresh (the SDK's ephemeral devices send it). */
  ttl?: number;
  /** Set when the device went away because its `ttl` ran out without a refresh. */
  expired?: boolean;
  /** Epoch ms of the registration or last refresh. */
  refreshedAt: number;
  /** Frames produced for this device (kept `bufferMs`), delivered or not. */
  buffer: BufferedFrame[];
  replayOnNextConnect: boolean;
}

export type DeviceView = Omit<DeviceRecord, 'buffer' | 'replayOnNextConnect' | 'refreshedAt'>;

export interface BufferedFrame {
  at: number;
  body: FrameBody;
  delivered: boolean;
}

export interface FrameBody {
  id: string;
  data: { eventType: string; activity?: Record<string, unknown> } & Record<string, unknown>;
}

export class DeviceRegistry {
  /** Every device ever registered, by ID, deleted ones too. */
  readonly map = new Map<string, DeviceRecord>();
  maxDevicesPerUser = 100;
  private refusals: { remaining: number | undefined; status: number } | undefined;

  constructor(private readonly state: EmulatorState) {}

  register(personId: string, body: Record<string, unknown>): DeviceView {
    this.expire();
    const live = [...this.map.values()].filter((d) => d.personId === personId && !d.deletedAt);
    if (live.length >= this.maxDevicesPerUser) throw new ApiError(403, EXCESSIVE_DEVICES);
    if (take(this.refusals)) {
      const status = this.refusals!.status;
      throw new ApiError(status, status === 403 ? EXCESSIVE_DEVICES : 'Device registration failed.');
    }
    const id = randomUUID();
    const base = this.state.baseUrl;
    const now = this.state.iso();
    const device: DeviceRecord = {
      id,
      url: `${base}/wdm/api/v1/devices/${id}`,
      webSocketUrl: `${base.replace(/^http/, 'ws')}/mercury/api/v1/apps/wx2/registrations/${id}/messages`,
      personId,
      name: stringOr(body.name, 'unnamed'),
      deviceType: stringOr(body.deviceType, 'UNKNOWN'),
      model: stringOr(body.model, 'unknown'),
      created: now,
      modificationTime: now,
      ...(typeof body.ttl === 'number' && body.ttl > 0 ? { ttl: body.ttl } : {}),
      refreshedAt: this.state.now(),
      buffer: [],
      replayOnNextConnect: false,
    };
    this.map.set(id, device);
    return deviceView(device);
  }

  /** A live device of this person, or a 404 like WDM's. */
  require(personId: string, id: string): DeviceRecord {
    this.expire();
    const device = this.map.get(id);
    if (!device || device.deletedAt || device.personId !== personId) throw new ApiError(404, 'Device not found.');
    return device;
  }

  refresh(personId: string, id: string, body: Record<string, unknown>): DeviceView {
    const device = this.require(personId, id);
    if (typeof body.name === 'string') device.name = body.name;
    if (typeof body.ttl === 'number' && body.ttl > 0) device.ttl = body.ttl;
    device.modificationTime = this.state.iso();
    device.refreshedAt = this.state.now();
    return deviceView(device);
  }

  delete(personId: string, id: string): void {
    this.require(personId, id).deletedAt = this.state.iso();
  }

  deleteAll(personId: string): number {
    this.expire();
    let count = 0;
    for (const device of this.map.values()) {
      if (device.personId !== personId || device.deletedAt) continue;
      device.deletedAt = this.state.iso();
      count += 1;
    }
    return count;
  }

  list(personId: string): DeviceView[] {
    this.expire();
    return [...this.map.values()].filter((d) => d.personId === personId && !d.deletedAt).map(deviceView);
  }

  /** Devices registered with a `ttl` and not refreshed within it are gone (checked on each use, against the emulator's clock). */
  expire(): void {
    const now = this.state.now();
    for (const device of this.map.values()) {
      if (device.deletedAt || device.ttl === undefined || now - device.refreshedAt < device.ttl * 1000) continue;
      device.deletedAt = this.state.iso(device.refreshedAt + device.ttl * 1000);
      device.expired = true;
    }
  }

  /** Every device, deleted ones too (with `deletedAt`). */
  all(filter: { personId?: string } = {}): DeviceView[] {
    this.expire();
    return [...this.map.values()].filter((d) => !filter.personId || d.personId === filter.personId).map(deviceView);
  }

  /** The next `times` registrations (default: all until clearRefusals()) are refused with `status`. */
  refuse(times: number | undefined, status: number): void {
    this.refusals = { remaining: times, status };
  }

  clearRefusals(): void {
    this.refusals = undefined;
  }

  reset(): void {
    this.map.clear();
    this.refusals = undefined;
  }
}

export function deviceView(device: DeviceRecord): DeviceView {
  const { buffer: _buffer, replayOnNextConnect: _replay, refreshedAt: _refreshedAt, ...view } = device;
  return {
    ...view,
    features: { developer: [], entitlement: [], user: [] },
  } as DeviceView;
}

/** Consumes one use of a counted refusal; true when it applies. */
export function take(refusal: { remaining: number | undefined } | undefined): boolean {
  if (!refusal) return false;
  if (refusal.remaining === undefined) return true;
  if (refusal.remaining <= 0) return false;
  refusal.remaining -= 1;
  return true;
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' && value ? value : fallback;
}
