/**
 * When to try a Webex call again and how long to wait first: retryable statuses are in
 * errors.ts, the waiting budget is the client's (client.ts).
 */
import { isRetryableStatus, type WebexApiError } from './errors';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * Network failures that are bugs or test set-up problems rather than a flaky network: retrying
 * them only delays the same error.
 */
const NOT_RETRIED_NETWORK_CODES: ReadonlySet<string> = new Set([
  'UND_ERR_INVALID_ARG',
  'UND_ERR_NOT_SUPPORTED',
  'UND_ERR_INVALID_RETURN_VALUE',
  'UND_MOCK_ERR_MOCK_NOT_MATCHED',
  'ERR_INVALID_URL',
]);

/**
 * GET and PUT are safe to repeat (a PUT sets a state: a webhook active, a message's new text), so
 * they are retried on every retryable status, network error and timeout.
 *
 * Other methods (posting a message, exchanging a single-use OAuth code) may already have been
 * carried out when the answer was lost or was a 502/504, and repeating them would post twice or
 * burn the code. They are retried only when Webex says it did not process the request: 429 and
 * 423, 503 when it comes with `Retry-After`, and a refused connection (nothing was sent).
 */
export function shouldRetry(method: HttpMethod, error: WebexApiError): boolean {
  if (error.kind === 'gave-up-waiting') return false;
  const repeatable = method === 'GET' || method === 'PUT';
  if (error.kind === 'network') {
    if (error.networkCode && NOT_RETRIED_NETWORK_CODES.has(error.networkCode)) return false;
    return repeatable || error.networkCode === 'ECONNREFUSED';
  }
  if (error.kind === 'timeout') return repeatable;
  if (repeatable) return isRetryableStatus(error.status);
  return error.status === 429 || error.status === 423 || (error.status === 503 && error.retryAfter !== undefined);
}

/**
 * `Retry-After` in seconds: either delta-seconds (`"12"`) or an HTTP date, counted from `nowMs`.
 * Undefined when absent or unreadable; never negative.
 */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | undefined {
  const raw = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!raw) return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return Math.ceil(Number(raw));
  // An HTTP date names its weekday and month ("Wed, 21 Oct 2015 07:28:00 GMT"); Date.parse alone
  // would also read "-3" as a year.
  if (!/[a-z]{3}/i.test(raw)) return undefined;
  const at = Date.parse(raw);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - nowMs) / 1000));
}

/** Wait before retry number `retryIndex` (0-based) when Webex gave no `Retry-After`: 0.5 s, 1 s, 2 s… plus up to 10 % jitter. */
export function defaultBackoffMs(retryIndex: number, random: () => number = Math.random): number {
  const base = 500 * 2 ** retryIndex;
  return Math.round(base + base * 0.1 * random());
}

/** The code of a failed connection (`ECONNREFUSED`, `UND_ERR_SOCKET`…), also when undici wraps it in `cause`. */
export function networkErrorCode(err: unknown): string | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const { code, cause } = err as { code?: unknown; cause?: unknown };
  if (typeof code === 'string') return code;
  if (cause && typeof cause === 'object' && typeof (cause as { code?: unknown }).code === 'string') {
    return (cause as { code: string }).code;
  }
  return undefined;
}
