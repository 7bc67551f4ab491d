import { createScratchDatabase } from '../../dev/bench/scratch-database';
import { PROGRESS_NOTE_PREFIX } from '../../src/replies/progress';
import type { Emulator, EmulatorMessage } from '../../dev/sandbox/emulator';
import { DEADLINE_MS } from '../support/waiting';

/**
 * Helpers of the scale, reliability and shutdown suites: a throw-away Postgres database, many
 * commands with bounded concurrency, and the bot's threaded replies keyed by the command they
 * answer (in a group space every reply carries `parentId` = the command's message id).
 */

export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A fresh database on the test server; `drop()` removes it (and any connection left to it). */
export function createTestDatabase(prefix = 'recbot_scale'): Promise<{ url: string; drop(): Promise<void> }> {
  return createScratchDatabase(TEST_POSTGRES_URL, prefix);
}

/** Every message a bot posts in reply to a thread parent, recorded as it arrives. */
export class ReplyTracker {
  private readonly byParent = new Map<string, EmulatorMessage[]>();
  private readonly waiters = new Map<string, Array<() => void>>();
  private readonly listener = (m: EmulatorMessage) => this.onMessage(m);

  constructor(
    private readonly emulator: Emulator,
    private readonly botId: string,
  ) {
    emulator.events.on('message', this.listener);
  }

  private onMessage(m: EmulatorMessage): void {
    if (m.personId !== this.botId || !m.parentId) return;
    // A slow answer's progress note is not the answer (it is deleted once the answer is posted).
    if ((m.markdown ?? '').startsWith(PROGRESS_NOTE_PREFIX)) return;
    const list = this.byParent.get(m.parentId) ?? [];
    list.push(m);
    this.byParent.set(m.parentId, list);
    const waiting = this.waiters.get(m.parentId);
    if (waiting) {
      this.waiters.delete(m.parentId);
      waiting.forEach((w) => w());
    }
  }

  replies(parentId: string): EmulatorMessage[] {
    return this.byParent.get(parentId) ?? [];
  }

  /** Resolves with the first reply to `parentId`; rejects after `timeoutMs`. */
  first(parentId: string, timeoutMs = DEADLINE_MS): Promise<EmulatorMessage> {
    const existing = this.replies(parentId)[0];
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply to ${parentId} within ${timeoutMs} ms`)), timeoutMs);
      const list = this.waiters.get(parentId) ?? [];
      list.push(() => {
        clearTimeout(timer);
        resolve(this.replies(parentId)[0]!);
      });
      this.waiters.set(parentId, list);
    });
  }

  stop(): void {
    this.emulator.events.off('message', this.listener);
  }
}

/** Runs `work(i)` for i in 0..count-1 with at most `concurrency` running at once. */
export async function runBounded(count: number, concurrency: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      await work(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

/** Waits until `done()` holds, polling; throws with `describe()` after `timeoutMs`. */
export async function waitUntil(done: () => boolean | Promise<boolean>, timeoutMs = DEADLINE_MS, describe: () => string = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms ${describe()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * What every outage suite shows at its end: nothing acknowledged (2xx) that was not stored, and
 * every command stored and answered exactly once (what was refused was read back by the catch-up).
 */
export function expectEachAnsweredOnce(asked: string[], answered2xx: Set<string>, stored: Set<string>, tracker: ReplyTracker): void {
  expect([...answered2xx].filter((id) => !stored.has(id))).toEqual([]);
  expect(stored.size).toBe(asked.length);
  expect(asked.filter((id) => tracker.replies(id).length !== 1)).toEqual([]);
}
