/**
 * The websocket supervisor (socket.ts) on a fake link and a fake clock: whatever closes the
 * socket, it comes back (a new device when the old one is refused), the gap is reported once it
 * is back, and only a long outage gives up. No real time passes.
 */
import { createLogger } from '../../src/log';
import { BACKOFF_MAX_MS, createSocketSupervisor, type SocketLink, type SocketStatus, type Timers } from '../../src/transport/socket';

class FakeClock implements Timers {
  private ms = 0;
  private seq = 0;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();
  now = () => this.ms;
  setTimeout = (fn: () => void, ms: number) => {
    const id = ++this.seq;
    this.pending.set(id, { at: this.ms + ms, fn });
    return id;
  };
  clearTimeout = (handle: unknown) => void this.pending.delete(handle as number);
  /** Moves time on, running each timer that falls due (and what their promises do) in order. */
  async advance(ms: number): Promise<void> {
    const end = this.ms + ms;
    for (;;) {
      const next = [...this.pending.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!next) break;
      this.pending.delete(next[0]);
      this.ms = next[1].at;
      next[1].fn();
      await settle();
    }
    this.ms = end;
    await settle();
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i += 1) await Promise.resolve();
}

class FakeLink implements SocketLink {
  calls: string[] = [];
  /** Connect attempts that fail, in order (true: fails). */
  failing: boolean[] = [];
  private listener: (status: SocketStatus, close: { code?: number; reason?: string }) => void = () => undefined;
  async connect() {
    this.calls.push('connect');
    if (this.failing.shift()) throw new Error('device not found');
    this.listener('online', {});
  }
  async disconnect() {
    this.calls.push('disconnect');
  }
  async renewDevice() {
    this.calls.push('renew');
  }
  async unregister() {
    this.calls.push('unregister');
  }
  onStatus(listener: (status: SocketStatus, close: { code?: number; reason?: string }) => void) {
    this.listener = listener;
  }
  close(status: Exclude<SocketStatus, 'online'>, code: number, reason = '') {
    this.listener(status, { code, reason });
  }
  /** The SDK reconnecting by itself after a transient close. */
  sdkBack() {
    this.listener('online', {});
  }
}

function setup(giveUpMs = 5 * 60_000) {
  const clock = new FakeClock();
  const link = new FakeLink();
  const seen = { gaps: 0, gaveUp: 0, connected: [] as boolean[], disconnects: [] as string[] };
  const supervisor = createSocketSupervisor({
    link,
    logger: createLogger({ level: 'silent' }),
    timers: clock,
    giveUpMs,
    onGap: () => void (seen.gaps += 1),
    onGiveUp: () => void (seen.gaveUp += 1),
    onConnectedChange: (c) => void seen.connected.push(c),
    onDisconnect: (kind) => void seen.disconnects.push(kind),
  });
  return { clock, link, seen, supervisor };
}

describe('websocket supervisor', () => {
  it('lets the SDK reconnect after a drop (1006), then reports the gap', async () => {
    const { link, seen, supervisor } = setup();
    await supervisor.start();
    link.close('transient', 1006);
    expect(supervisor.connected()).toBe(false);
    link.sdkBack();
    expect(supervisor.connected()).toBe(true);
    expect(seen).toMatchObject({ gaps: 1, gaveUp: 0, connected: [true, false, true], disconnects: ['transient'] });
    expect(link.calls).toEqual(['connect']);
  });

  it.each([
    ['1000 Done', 'permanent' as const, 1000, 'Done'],
    ['an unknown code', 'permanent' as const, 4321, ''],
  ])('reconnects itself after %s (the SDK stops for good)', async (_name, status, code, reason) => {
    const { link, seen, supervisor } = setup();
    await supervisor.start();
    link.close(status, code, reason);
    await settle();
    expect(link.calls).toEqual(['connect', 'disconnect', 'connect']);
    expect(supervisor.connected()).toBe(true);
    expect(seen.gaps).toBe(1);
  });

  it('registers a new device after 4000 (replaced)', async () => {
    const { link, supervisor } = setup();
    await supervisor.start();
    link.close('replaced', 4000);
    await settle();
    expect(link.calls).toEqual(['connect', 'disconnect', 'renew', 'connect']);
    expect(supervisor.connected()).toBe(true);
  });

  it('backs off 1, 2, 4 … 32 s and registers a new device once connecting on the old one fails', async () => {
    const { clock, link, seen, supervisor } = setup();
    await supervisor.start();
    link.failing = [true, true, true, true, true, true, true];
    link.close('permanent', 1000, 'Done');
    await settle();
    const attemptsAt: number[] = [];
    for (let t = 0; t <= 130_000; t += 500) {
      const before = link.calls.filter((c) => c === 'connect').length;
      await clock.advance(500);
      if (link.calls.filter((c) => c === 'connect').length > before) attemptsAt.push(clock.now());
    }
    // Attempts at 0 (in settle), then 1, 3, 7, 15, 31, 63, 95 s: the delay doubles up to 32 s.
    expect(attemptsAt.slice(0, 7)).toEqual([1000, 3000, 7000, 15_000, 31_000, 63_000, 95_000]);
    expect(link.calls.slice(0, 5)).toEqual(['connect', 'disconnect', 'connect', 'renew', 'connect']);
    expect(supervisor.connected()).toBe(true);
    expect(seen.gaps).toBe(1);
    expect(BACKOFF_MAX_MS).toBe(32_000);
  });

  it("takes over when the SDK's own reconnect has not worked in time (missed pongs, device gone)", async () => {
    const { clock, link, supervisor } = setup();
    await supervisor.start();
    link.close('transient', 1000, 'pong not received');
    await clock.advance(63_000);
    expect(link.calls).toEqual(['connect']);
    await clock.advance(1_000);
    expect(link.calls).toEqual(['connect', 'disconnect', 'renew', 'connect']);
    expect(supervisor.connected()).toBe(true);
  });

  it('gives up after the configured outage, and not before', async () => {
    const { clock, link, seen, supervisor } = setup(5 * 60_000);
    await supervisor.start();
    link.failing = Array(100).fill(true);
    link.close('permanent', 1000, 'Done');
    await clock.advance(5 * 60_000 - 1);
    expect(seen.gaveUp).toBe(0);
    await clock.advance(1);
    expect(seen.gaveUp).toBe(1);
    expect(supervisor.connected()).toBe(false);
  });

  it('an outage that ends in time does not give up later', async () => {
    const { clock, link, seen, supervisor } = setup(60_000);
    await supervisor.start();
    link.close('transient', 1006);
    await clock.advance(30_000);
    link.sdkBack();
    await clock.advance(10 * 60_000);
    expect(seen.gaveUp).toBe(0);
  });

  it('stop closes the socket and deletes the device, and nothing reconnects after it', async () => {
    const { clock, link, supervisor } = setup();
    await supervisor.start();
    await supervisor.stop();
    expect(link.calls).toEqual(['connect', 'disconnect', 'unregister']);
    link.close('permanent', 1000, 'Done');
    await clock.advance(10 * 60_000);
    expect(link.calls).toEqual(['connect', 'disconnect', 'unregister']);
  });
});
