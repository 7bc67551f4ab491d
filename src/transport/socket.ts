import type { Logger } from '../log';

/**
 * Keeps the websocket (websocket mode) open whatever closes it.
 *
 * The Webex SDK reconnects by itself only after some closes (1006, 1000 with reason idle or
 * "pong not received"), on the same device; after others (1000 `Done`, 4000 replaced, an unknown
 * code) it stops for good. This supervisor watches every close: while the SDK retries on its own
 * it waits `takeOverAfterMs`, and after a permanent close (or when the SDK's retries have not
 * brought the socket back by then) it reconnects itself with backoff 1 → 32 s, registering a new
 * device when connecting on the old one fails or the socket was replaced. Every time the socket
 * is back it calls `onGap` (the caller catches up on what was sent meanwhile). Disconnected for
 * `giveUpMs` in a row, it calls `onGiveUp` (the process exits non-zero for its platform to start
 * it again). The clock and timers are injected, so the tests drive them.
 */

export type SocketStatus = 'online' | 'transient' | 'permanent' | 'replaced';

/** The websocket and its device, as the supervisor drives them (mercury.ts adapts the SDK). */
export interface SocketLink {
  /** Registers a device when there is none, opens the socket; resolves once it is open. */
  connect(): Promise<void>;
  /** Closes the socket and stops the SDK's own retries. */
  disconnect(): Promise<void>;
  /** Forgets the current device (deleting it when it can) and registers a new one. */
  renewDevice(): Promise<void>;
  /** Deletes the current device. */
  unregister(): Promise<void>;
  /** Every change of the socket, with the close code and reason when there is one. */
  onStatus(listener: (status: SocketStatus, close: { code?: number; reason?: string }) => void): void;
}

export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface SocketSupervisor {
  /** Connects (the first time, errors reject: the bot does not start). */
  start(): Promise<void>;
  /** Closes the socket and deletes the device; no reconnect after this. */
  stop(): Promise<void>;
  connected(): boolean;
}

export const BACKOFF_FIRST_MS = 1000;
export const BACKOFF_MAX_MS = 32_000;

export function backoffMs(attempt: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** Math.max(0, attempt));
}

export function createSocketSupervisor(options: {
  link: SocketLink;
  logger: Logger;
  timers?: Timers;
  /** Disconnected this long in a row: `onGiveUp`. */
  giveUpMs: number;
  /** How long the SDK's own reconnection is given before the supervisor takes over. Default 64 s. */
  takeOverAfterMs?: number;
  onConnectedChange?(connected: boolean): void;
  /** The socket closed (counted by kind: transient, permanent, replaced). */
  onDisconnect?(kind: Exclude<SocketStatus, 'online'>): void;
  /** The socket is open again after a close: events sent meanwhile may be missing. */
  onGap(): void;
  onGiveUp(): void;
}): SocketSupervisor {
  const { link, logger } = options;
  const timers = options.timers ?? realTimers;
  const takeOverAfterMs = options.takeOverAfterMs ?? 2 * BACKOFF_MAX_MS;
  let isConnected = false;
  let stopped = false;
  let started = false;
  let downSince: number | null = null;
  let giveUpTimer: unknown = null;
  let takeOverTimer: unknown = null;
  let retryTimer: unknown = null;
  /** Our own reconnection is running (the SDK's is stopped). */
  let reconnecting = false;
  let attempt = 0;
  let renew = false;

  function setConnected(value: boolean): void {
    if (isConnected === value) return;
    isConnected = value;
    options.onConnectedChange?.(value);
  }

  function clear(timer: unknown): null {
    if (timer !== null) timers.clearTimeout(timer);
    return null;
  }

  function becameOnline(): void {
    const wasDown = downSince;
    downSince = null;
    giveUpTimer = clear(giveUpTimer);
    takeOverTimer = clear(takeOverTimer);
    setConnected(true);
    if (wasDown !== null) {
      logger.info({ socket: 'connected', downMs: timers.now() - wasDown }, 'websocket connected again');
      options.onGap();
    }
  }

  function becameOffline(kind: Exclude<SocketStatus, 'online'>, close: { code?: number; reason?: string }): void {
    const first = downSince === null;
    if (first) downSince = timers.now();
    setConnected(false);
    options.onDisconnect?.(kind);
    logger.warn({ socket: 'disconnected', kind, closeCode: close.code, closeReason: close.reason }, 'websocket closed');
    if (first) {
      giveUpTimer = timers.setTimeout(() => {
        if (stopped || isConnected) return;
        logger.error({ socket: 'gave up', downMs: timers.now() - (downSince ?? timers.now()) }, 'websocket could not reconnect; giving up');
        options.onGiveUp();
      }, options.giveUpMs);
    }
    if (reconnecting) return;
    if (kind === 'transient') {
      // The SDK retries on the same device; if that has not worked by then, we take over.
      takeOverTimer ??= timers.setTimeout(() => {
        takeOverTimer = null;
        if (!stopped && !isConnected) takeOver(true);
      }, takeOverAfterMs);
      return;
    }
    takeOverTimer = clear(takeOverTimer);
    takeOver(kind === 'replaced');
  }

  function takeOver(newDevice: boolean): void {
    if (reconnecting || stopped) return;
    reconnecting = true;
    attempt = 0;
    renew = newDevice;
    void link.disconnect().catch(() => undefined).then(() => tryConnect());
  }

  async function tryConnect(): Promise<void> {
    retryTimer = null;
    if (stopped) return;
    try {
      if (renew) await link.renewDevice();
      await link.connect();
      reconnecting = false;
      renew = false;
      // `online` normally came with connect; say it here in case the link did not.
      if (!isConnected && !stopped) becameOnline();
    } catch (err) {
      const delay = backoffMs(attempt);
      attempt += 1;
      // Failing on the old device most likely means it is gone: the next attempt registers anew.
      renew = true;
      logger.warn({ socket: 'reconnecting', attempt, retryInMs: delay, err: String(err) }, 'websocket reconnect failed; retrying');
      if (!stopped) retryTimer = timers.setTimeout(() => void tryConnect(), delay);
    }
  }

  link.onStatus((status, close) => {
    if (stopped || !started) return;
    if (status === 'online') becameOnline();
    else becameOffline(status, close);
  });

  return {
    async start() {
      await link.connect();
      started = true;
      setConnected(true);
      logger.info({ socket: 'connected' }, 'websocket connected');
    },
    async stop() {
      stopped = true;
      giveUpTimer = clear(giveUpTimer);
      takeOverTimer = clear(takeOverTimer);
      retryTimer = clear(retryTimer);
      setConnected(false);
      await link.disconnect().catch((err: unknown) => logger.warn({ err: String(err) }, 'websocket close failed'));
      await link.unregister().catch((err: unknown) => logger.warn({ err: String(err) }, 'device could not be deleted'));
    },
    connected: () => isConnected,
  };
}
