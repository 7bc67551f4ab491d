/**
 * Per-person command limit (COMMANDS_PER_MINUTE, see .env.example): at most `perMinute` commands in any 60 s window.
 * Over the limit the person is told to slow down once per window, not once per extra command.
 * Kept in memory: with several instances each enforces the limit on what it receives.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { times: number[]; warnedAt: number | null }>();

  constructor(private readonly perMinute: number) {}

  /** 'ok', 'warn' (over the limit, say so) or 'drop' (over the limit, already said). */
  check(personId: string, nowMs: number): 'ok' | 'warn' | 'drop' {
    if (this.perMinute <= 0) return 'ok';
    const entry = this.windows.get(personId) ?? { times: [], warnedAt: null };
    entry.times = entry.times.filter((t) => nowMs - t < 60_000);
    this.windows.set(personId, entry);
    if (entry.times.length < this.perMinute) {
      entry.times.push(nowMs);
      return 'ok';
    }
    if (entry.warnedAt === null || nowMs - entry.warnedAt >= 60_000) {
      entry.warnedAt = nowMs;
      return 'warn';
    }
    return 'drop';
  }

  /** Forget people with no recent command, so the map does not grow without bound. */
  prune(nowMs: number): void {
    for (const [person, entry] of this.windows) {
      if (entry.times.every((t) => nowMs - t >= 60_000) && (entry.warnedAt === null || nowMs - entry.warnedAt >= 60_000)) {
        this.windows.delete(person);
      }
    }
  }
}
