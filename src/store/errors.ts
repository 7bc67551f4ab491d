/**
 * The database cannot be used right now (a lost or refused connection, a silent network, a
 * locked or full SQLite file). Thrown by both dialects instead of the driver's own error, so
 * callers tell "the store is away, try again later" from a bug with one `instanceof`: the
 * webhook route answers non-2xx (nothing is acknowledged that is not stored), and an inbox
 * event is retried without a word to the person.
 */
export class StoreUnavailableError extends Error {
  readonly code = 'STORE_UNAVAILABLE';

  constructor(
    /** The driver's code or a short reason (never the statement or its values). */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`the database is unavailable (${reason})`, options);
    this.name = 'StoreUnavailableError';
  }
}

export function isStoreUnavailable(err: unknown): err is StoreUnavailableError {
  return err instanceof StoreUnavailableError;
}

/** SQLite result codes that mean "not now" (the file, not the statement). */
const SQLITE_UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|FULL|IOERR|CANTOPEN|READONLY|PROTOCOL|NOLFS|NOMEM)/;
/** SQLite codes worth waiting for a moment: another connection holds the lock. */
const SQLITE_WAIT = /^SQLITE_(BUSY|LOCKED)/;
/** Socket errors on the way to Postgres. */
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ECONNABORTED']);
/** What `pg` says (without a code) when its connection is gone or silent. */
const PG_CONNECTION_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'is not queryable',
  'Connection ended',
  'connection timeout',
];

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Another SQLite connection holds the lock (worth a short wait). */
export function isSqliteBusy(err: unknown): boolean {
  return SQLITE_WAIT.test(codeOf(err) ?? '');
}

/**
 * The reason when the error means the database is unavailable, else null: SQLite's busy,
 * locked, full and I/O codes; socket errors; `pg`'s lost-connection and timeout messages;
 * Postgres SQLSTATE classes 08 (connection), 53 (insufficient resources: disk full, too many
 * connections) and 57P (shutting down, cannot connect now).
 */
export function unavailableReason(err: unknown): string | null {
  if (err instanceof StoreUnavailableError) return err.reason;
  const code = codeOf(err);
  if (code !== undefined) {
    if (SQLITE_UNAVAILABLE.test(code) || NETWORK_CODES.has(code)) return code;
    if (/^(08|53)[0-9A-Z]{3}$/.test(code) || /^57P0[1-3]$/.test(code)) return `postgres ${code}`;
  }
  const message = err instanceof Error ? err.message : '';
  const known = PG_CONNECTION_MESSAGES.find((m) => message.includes(m));
  return known ? known.toLowerCase() : null;
}

/** The error as a StoreUnavailableError when it is one, else unchanged. */
export function asStoreError(err: unknown): unknown {
  if (err instanceof StoreUnavailableError) return err;
  const reason = unavailableReason(err);
  return reason === null ? err : new StoreUnavailableError(reason, { cause: err });
}
