import {
  CompiledQuery,
  SqliteDialect,
  type DatabaseConnection,
  type Driver,
  type PostgresPool,
  type PostgresPoolClient,
  type QueryResult,
  type SqliteDialectConfig,
  type TransactionSettings,
} from 'kysely';
import type { Pool, PoolClient } from 'pg';
import type { Logger } from '../log';
import { asStoreError, isSqliteBusy, StoreUnavailableError, unavailableReason } from './errors';

/**
 * Once the database is known to be silent (a statement timed out), statements fail at once
 * (as StoreUnavailableError) instead of each waiting for its own timeout, except one trial every
 * `retryMs`; the first statement that gets an answer closes it. A webhook then gets its non-2xx answer in
 * milliseconds during an outage, not after the query timeout.
 */
/** Failures that took a timeout to notice. */
const SILENT = /timeout|ETIMEDOUT/i;

export class StoreBreaker {
  private openUntil = 0;
  private trialRunning = false;
  private reason = 'recent failure';

  constructor(
    private readonly retryMs = 1000,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Whether this statement is the trial; throws while the database is known away. */
  enter(): boolean {
    if (this.openUntil === 0) return false;
    if (this.clock() >= this.openUntil && !this.trialRunning) {
      this.trialRunning = true;
      return true;
    }
    throw new StoreUnavailableError(this.reason);
  }

  answered(trial: boolean): void {
    if (trial) this.trialRunning = false;
    this.openUntil = 0;
  }

  /** A statement found the database away. Only a silence (a timeout) opens the breaker: a
   * reset or a refusal fails fast by itself, and the next statement may find it back. */
  failed(trial: boolean, reason: string): void {
    if (trial) this.trialRunning = false;
    if (!trial && this.openUntil === 0 && !SILENT.test(reason)) return;
    this.reason = reason;
    this.openUntil = this.clock() + this.retryMs;
  }

  /** A trial that ended without a statement. */
  abandoned(trial: boolean): void {
    if (trial) this.trialRunning = false;
  }
}

/**
 * The `pg` pool as Kysely uses it, with every failure that means "the database is away" thrown
 * as a StoreUnavailableError, and a client that failed that way closed when it is released
 * (not handed to the next query: after a silent network or a reset it is not usable).
 */
export function guardedPool(pool: Pool, breaker: StoreBreaker = new StoreBreaker()): PostgresPool {
  return {
    async connect() {
      const trial = breaker.enter();
      let client: PoolClient;
      try {
        client = await pool.connect();
      } catch (err) {
        const mapped = asStoreError(err);
        if (mapped instanceof StoreUnavailableError) breaker.failed(trial, mapped.reason);
        else breaker.abandoned(trial);
        throw mapped;
      }
      let broken: Error | undefined;
      let pendingTrial = trial;
      const guarded = {
        query(...args: unknown[]) {
          const result = (client.query as (...a: unknown[]) => unknown)(...args);
          if (!(result instanceof Promise)) return result; // a cursor
          const isTrial = pendingTrial;
          pendingTrial = false;
          return result.then(
            (value: unknown) => {
              breaker.answered(isTrial);
              return value;
            },
            (err: unknown) => {
              const mapped = asStoreError(err);
              if (mapped instanceof StoreUnavailableError) {
                broken = mapped;
                breaker.failed(isTrial, mapped.reason);
              } else {
                // The database answered (a constraint, a syntax error): it is there.
                breaker.answered(isTrial);
              }
              throw mapped;
            },
          );
        },
        release(destroy?: boolean) {
          breaker.abandoned(pendingTrial);
          // A statement that timed out may still be on its way: the socket is cut at once, not
          // ended politely after it (which would let it reach the server after its caller failed).
          if (broken) (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
          client.release(broken ?? destroy);
        },
      };
      return guarded as unknown as PostgresPoolClient;
    },
    end: () => pool.end(),
  };
}

/**
 * Every client of the pool gets an 'error' listener for its whole life, not only while idle in
 * the pool (`pg` leaves a checked-out client without one, and a connection lost while a client
 * is held between two statements, e.g. a refresh lock's, would end the process). The failure
 * itself reaches whoever uses the client next, as a rejected query.
 */
export function listenForClientErrors(pool: Pool, logger: Logger, name: string): void {
  const onError = (err: Error) => logger.warn({ pool: name, reason: unavailableReason(err) ?? 'error', err: err.message }, 'database connection failed');
  pool.on('error', onError);
  pool.on('connect', (client) => {
    client.on('error', onError);
  });
}

/** How long a statement waits (on timers, never blocking) for another connection's SQLite lock. */
export const SQLITE_LOCK_WAIT_MS = 2000;

/** Waits without blocking the event loop: 2, 4, 8 … ms, at most 100 ms at a time. */
async function waitingForLock<T>(waitMs: number, run: () => Promise<T>): Promise<T> {
  const started = Date.now();
  let delay = 2;
  for (;;) {
    try {
      return await run();
    } catch (err) {
      if (!isSqliteBusy(err) || Date.now() - started >= waitMs) throw asStoreError(err);
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(100, delay * 2);
  }
}

/**
 * SQLite through better-sqlite3, which is synchronous: with a busy timeout, a statement that
 * meets another process's lock blocks the whole event loop until the lock goes (health checks
 * and metrics included). The file is therefore opened with `busy_timeout = 0`, and a statement
 * that finds the file busy is tried again on a timer for up to `lockWaitMs`, then fails as a
 * StoreUnavailableError. Transactions begin IMMEDIATE (the write lock is taken, or waited for,
 * at the start), so a transaction never finds the file busy half-way through.
 */
export class PatientSqliteDialect extends SqliteDialect {
  constructor(
    config: SqliteDialectConfig,
    private readonly lockWaitMs: number = SQLITE_LOCK_WAIT_MS,
  ) {
    super(config);
  }

  override createDriver(): Driver {
    return new PatientSqliteDriver(super.createDriver(), this.lockWaitMs);
  }
}

class PatientConnection implements DatabaseConnection {
  constructor(
    readonly inner: DatabaseConnection,
    private readonly lockWaitMs: number,
  ) {}

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return waitingForLock(this.lockWaitMs, () => this.inner.executeQuery<R>(query));
  }

  async *streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    try {
      yield* this.inner.streamQuery<R>(query, chunkSize);
    } catch (err) {
      throw asStoreError(err);
    }
  }
}

class PatientSqliteDriver implements Driver {
  constructor(
    private readonly inner: Driver,
    private readonly lockWaitMs: number,
  ) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new PatientConnection(await this.inner.acquireConnection(), this.lockWaitMs);
  }

  async beginTransaction(connection: DatabaseConnection, _settings: TransactionSettings): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(connection instanceof PatientConnection ? connection.inner : connection);
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}
