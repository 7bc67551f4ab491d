/**
 * Pure parts of `npm run bench -- latency`: from the emulator's call log (each call's start and
 * end), the longest chain of calls made one after another (the round trips a person waits for),
 * and how a call is printed.
 */

/** One Webex call as the emulator logged it: when it arrived and when it was answered. */
export interface TimedCall {
  method: string;
  path: string;
  startedMs: number;
  endedMs: number;
}

/**
 * The longest chain of calls in which each starts only after the one before it was answered:
 * the calls made in a row. Calls that overlap (made at the same time) count once in the chain.
 */
export function criticalPath<T extends TimedCall>(calls: readonly T[]): T[] {
  const sorted = [...calls].sort((a, b) => a.startedMs - b.startedMs);
  const length: number[] = [];
  const before: number[] = [];
  for (let j = 0; j < sorted.length; j++) {
    length[j] = 1;
    before[j] = -1;
    for (let i = 0; i < j; i++) {
      if (sorted[i]!.endedMs <= sorted[j]!.startedMs && length[i]! + 1 > length[j]!) {
        length[j] = length[i]! + 1;
        before[j] = i;
      }
    }
  }
  let end = -1;
  for (let j = 0; j < sorted.length; j++) if (end < 0 || length[j]! >= length[end]!) end = j;
  const chain: T[] = [];
  for (let at = end; at >= 0; at = before[at]!) chain.unshift(sorted[at]!);
  return chain;
}

/** A Webex ID (base64 of a ciphertext URI) or any long opaque segment. */
const OPAQUE = /^[A-Za-z0-9_=-]{20,}$/;

/**
 * `GET /messages/{id}`, `GET /memberships?roomId&personId`: the call without its IDs and query
 * values, so that samples read alike.
 */
export function describeCall(call: Pick<TimedCall, 'method' | 'path'>): string {
  const [path = '', query] = call.path.split('?', 2) as [string, string | undefined];
  const shown = path
    .replace(/^\/v1/, '')
    .split('/')
    .map((segment) => (OPAQUE.test(segment) || /^bench-/.test(segment) ? '{id}' : segment))
    .join('/');
  const keys = query ? [...new URLSearchParams(query).keys()] : [];
  return `${call.method} ${shown}${keys.length > 0 ? `?${keys.join('&')}` : ''}`;
}

/** "GET /messages/{id} → (GET /a ∥ GET /b) → POST /messages": the chain, with what ran beside each step. */
export function formatPath<T extends TimedCall>(chain: readonly T[], all: readonly T[]): string {
  return chain
    .map((step) => {
      const beside = all.filter((c) => c !== step && !chain.includes(c) && c.startedMs < step.endedMs && c.endedMs > step.startedMs && Math.abs(c.startedMs - step.startedMs) < (step.endedMs - step.startedMs) / 2);
      const names = [step, ...beside].map(describeCall);
      return names.length > 1 ? `(${names.join(' ∥ ')})` : names[0]!;
    })
    .join(' → ');
}

/** The middle value (the lower of the two middles for an even count), and its index in `values`. */
export function medianIndex(values: readonly number[]): number {
  if (values.length === 0) return -1;
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  return order[Math.floor((order.length - 1) / 2)]![1];
}
