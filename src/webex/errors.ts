/**
 * The one error type for everything that goes wrong talking to Webex. Callers turn it into the
 * human messages of src/errors/messages.ts from `status`, `kind`, `retryAfter` and `trackingId`.
 *
 * The message is built here, from fields that cannot hold secrets: the method, the path without
 * its query string, the status and the tracking ID. It never holds a token, an Authorization
 * header, an OAuth code or a URL query (those end up in logs and chat replies).
 */

/**
 * - `http`: Webex answered with a status we do not accept (after any retries).
 * - `network`: no answer: connection refused or reset, DNS failure… (`status` 0).
 * - `timeout`: no complete answer within the per-attempt timeout (`status` 0).
 * - `gave-up-waiting`: Webex asked us to wait (`Retry-After`) longer than the remaining retry
 *   budget, so we stopped without waiting; `retryAfter` says when to try again.
 */
export type WebexErrorKind = 'http' | 'network' | 'timeout' | 'gave-up-waiting';

export interface WebexApiErrorInit {
  kind: WebexErrorKind;
  /** HTTP status; 0 when no answer came back (network error, timeout). */
  status: number;
  method: string;
  /** Path of the call; anything from `?` or `#` on is dropped. */
  path: string;
  trackingId?: string;
  /** Seconds, from the `Retry-After` header. */
  retryAfter?: number;
  /** Webex's own `message` from the error body, when there was one. */
  webexMessage?: string;
  /** Error code of the underlying network failure, e.g. `ECONNREFUSED`. */
  networkCode?: string;
  /** Attempts made before giving up (1 when nothing was retried). */
  attempts?: number;
  timeoutMs?: number;
  /** Extra text for the message (must not contain secrets; it is scrubbed anyway). */
  detail?: string;
  /** Values that must never appear in the message (the token, form values); scrubbed if present. */
  secrets?: ReadonlyArray<string | undefined>;
}

/** Statuses retried for every method. 500 is deliberately absent, see below. */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([423, 429, 502, 503, 504]);

/**
 * Whether a status is worth another attempt: 429 and 423 (come back later, usually with
 * `Retry-After`), 502, 503, 504 (a proxy or an overloaded server).
 *
 * 500 is not retried: it has a message of its own in src/errors/messages.ts, and a 500 from Webex usually repeats for the same request. Other 4xx are the
 * request's fault and are never retried.
 */
export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status);
}

export class WebexApiError extends Error {
  override readonly name = 'WebexApiError';
  readonly kind: WebexErrorKind;
  readonly status: number;
  readonly method: string;
  readonly path: string;
  readonly trackingId?: string;
  readonly retryAfter?: number;
  readonly webexMessage?: string;
  readonly networkCode?: string;
  readonly attempts: number;

  constructor(init: WebexApiErrorInit) {
    const path = stripQuery(init.path);
    const webexMessage = init.webexMessage === undefined ? undefined : scrub(init.webexMessage, init.secrets).slice(0, 300);
    super(scrub(describe({ ...init, path }), init.secrets));
    this.kind = init.kind;
    this.status = init.status;
    this.method = init.method;
    this.path = path;
    this.attempts = init.attempts ?? 1;
    if (init.trackingId !== undefined) this.trackingId = init.trackingId;
    if (init.retryAfter !== undefined) this.retryAfter = init.retryAfter;
    if (webexMessage !== undefined) this.webexMessage = webexMessage;
    if (init.networkCode !== undefined) this.networkCode = init.networkCode;
  }
}

/**
 * True for a failure that may pass if the whole operation is tried again later: no answer (network,
 * timeout), "come back later" (423, 429, also when the wait was too long) or a server error (5xx).
 * Unlike `shouldRetry`, this says nothing about repeating the same request at once.
 */
export function mayPassLater(value: unknown): value is WebexApiError {
  if (!(value instanceof WebexApiError)) return false;
  if (value.kind !== 'http') return true;
  return value.status === 423 || value.status === 429 || value.status >= 500;
}

export function isWebexApiError(value: unknown): value is WebexApiError {
  return value instanceof WebexApiError;
}

/**
 * Thrown before anything is sent when a URL may not receive the caller's token: another origin
 * than the configured Webex API, a host outside the allowed ones, plain HTTP, or credentials in
 * the URL. The message names the host only, never the full link.
 */
export class WebexUrlRefusedError extends Error {
  override readonly name = 'WebexUrlRefusedError';
  readonly host: string;

  constructor(host: string, reason: string) {
    super(`refused to send a Webex request to ${host || 'an invalid URL'}: ${reason}`);
    this.host = host;
  }
}

function describe(init: WebexApiErrorInit): string {
  const call = `Webex ${init.method} ${init.path}`;
  const tracking = init.trackingId ? ` (trackingId ${init.trackingId})` : '';
  const tries = init.attempts && init.attempts > 1 ? ` after ${init.attempts} attempts` : '';
  const detail = init.detail ? `: ${init.detail}` : '';
  switch (init.kind) {
    case 'http': {
      const wait = init.retryAfter !== undefined ? `, Retry-After ${init.retryAfter} s` : '';
      return `${call} answered ${init.status}${wait}${tries}${detail}${tracking}`;
    }
    case 'gave-up-waiting':
      return `${call} answered ${init.status} with Retry-After ${init.retryAfter ?? '?'} s, more than the remaining retry budget; gave up${tracking}`;
    case 'timeout':
      return `${call} timed out${init.timeoutMs !== undefined ? ` after ${init.timeoutMs} ms` : ''}${tries}`;
    case 'network':
      return `${call} failed: network error${init.networkCode ? ` ${init.networkCode}` : ''}${tries}${detail}`;
  }
}

export function stripQuery(path: string): string {
  const cut = path.search(/[?#]/);
  return cut === -1 ? path : path.slice(0, cut);
}

/** Replaces every secret (at least 4 characters long) found in `text`. */
export function scrub(text: string, secrets: ReadonlyArray<string | undefined> | undefined): string {
  let out = text;
  for (const secret of secrets ?? []) {
    if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  return out;
}
