/**
 * Waiting in tests without depending on the machine's speed: every wait is for a positive sign
 * (a gate opened, a condition seen), bounded by one generous deadline that only turns a hang into
 * a clear failure. Nothing here measures time or asserts on it.
 */

/**
 * How long any wait in a test may take before it fails as a hang: generous, because a busy
 * machine (CI with other jobs, a CPU hog) is slow, and a correct test only ever waits for a
 * sign that comes. The one constant for every wait of the unit and end-to-end suites.
 */
export const DEADLINE_MS = 60_000;

/** jest's per-test timeout: above the deadline, so a hang fails with the wait's own message. */
export const TEST_TIMEOUT_MS = 2 * DEADLINE_MS + 30_000;

/** A promise that resolves when `open()` is called; `opened` tells whether it was. */
export interface Gate {
  readonly promise: Promise<void>;
  open(): void;
  readonly opened: boolean;
}

export function gate(): Gate {
  let open!: () => void;
  let opened = false;
  const promise = new Promise<void>((resolve) => {
    open = () => {
      opened = true;
      resolve();
    };
  });
  return {
    promise,
    open,
    get opened() {
      return opened;
    },
  };
}

/**
 * A barrier for `parties` callers: each `arrive()` resolves once all of them have arrived (so
 * it only resolves if they are all inside at the same time). Fails after `DEADLINE_MS` with how
 * many did arrive.
 */
export function barrier(parties: number, what = 'the barrier'): { arrive(): Promise<void>; readonly arrived: number } {
  const all = gate();
  let arrived = 0;
  return {
    arrive() {
      arrived += 1;
      if (arrived >= parties) all.open();
      return within(all.promise, DEADLINE_MS, `${what}: all ${parties} inside at once (${arrived} arrived)`);
    },
    get arrived() {
      return arrived;
    },
  };
}

/** Rejects if the promise does not settle in time (so a deadlock fails clearly, not as a jest timeout). */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Polls `check` until it is true (a positive sign), failing after `ms` with `what`. */
export async function until(check: () => boolean | Promise<boolean>, what: string, ms = DEADLINE_MS): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`not seen within ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Lets every promise callback and I/O callback queued so far run (no wall time involved). */
export function settle(turns = 5): Promise<void> {
  return turns <= 0 ? Promise.resolve() : new Promise<void>((resolve) => setImmediate(resolve)).then(() => settle(turns - 1));
}
