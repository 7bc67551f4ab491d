import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, sql, type SqliteDatabase } from 'kysely';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Pool, type PoolConfig } from 'pg';
import type { Logger } from '../log';
import { guardedPool, listenForClientErrors, PatientSqliteDialect } from './guard';
import { KeyedMutex } from './mutex';
import { AdvisoryLocks, advisoryKey } from './postgres-lock';
import type { DbTime, Tables } from './schema';
import { SQLITE_MEMORY } from './url';

/** The column types that differ between the backends. */
export interface ColumnTypes {
  /** INTEGER (epoch ms) in SQLite, TIMESTAMPTZ in Postgres. */
  time: string;
  /** An auto-incrementing integer primary key. */
  serialKey: string;
}

/**
 * Everything that differs between SQLite and Postgres, in one place: connection set-up, how
 * times are stored, the migration lock and the refresh lock. The queries themselves are shared
 * (sql-store.ts).
 */
export interface Dialect {
  readonly kind: 'sqlite' | 'postgres';
  readonly db: Kysely<Tables>;
  readonly columnTypes: ColumnTypes;
  /** A Date as the database stores it. */
  time(date: Date): DbTime;
  /** A stored time as a Date. */
  date(value: DbTime): Date;
  /** Whether `SELECT … FOR UPDATE SKIP LOCKED` is there (Postgres); SQLite has one writer anyway. */
  readonly skipLockedRows: boolean;
  /** Whether other instances may hold leases on this database; when not (SQLite, one process
   * per file), every lease found at start is a leftover of a stopped process. */
  readonly sharedByInstances: boolean;
  /** Opens the migration transaction. */
  readonly beginMigration: string;
  /** Inside the migration transaction, before anything is read: lock, schema. */
  prepareMigration(conn: Kysely<Tables>): Promise<void>;
  /** Per-person mutual exclusion (across processes for Postgres). */
  withLock<T>(name: string, fn: () => Promise<T>): Promise<T>;
  /** Closes every connection. */
  destroy(): Promise<void>;
}

/**
 * One connection per SQLite file per process, shared by every store opened on it: Kysely
 * queues its queries and transactions, so a transaction never waits on another connection of
 * this same thread (which would hold the file lock while the thread blocks).
 */
const openFiles = new Map<string, { db: Kysely<Tables>; locks: KeyedMutex; users: number }>();

function openSqliteFile(file: string, lockWaitMs?: number): Kysely<Tables> {
  const inMemory = file === SQLITE_MEMORY;
  if (!inMemory) {
    mkdirSync(dirname(file), { recursive: true });
    // Created owner-only; SQLite gives its -wal and -shm files the same mode.
    if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  }
  const database = new Database(file);
  if (!inMemory) database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  // Never wait inside the driver: that blocks the event loop (guard.ts waits on timers instead).
  database.pragma('busy_timeout = 0');
  // Deleted rows (e.g. after "disconnect") are overwritten, not left in free pages.
  database.pragma('secure_delete = ON');
  return new Kysely<Tables>({ dialect: new PatientSqliteDialect({ database: keepingStatements(database) }, lockWaitMs) });
}

/** Distinct statements kept prepared per file; the store has a few dozen. */
const STATEMENTS_KEPT = 256;

/**
 * better-sqlite3 with its prepared statements kept and reused by their SQL text. Kysely asks for
 * a new prepared statement on every query; preparing was the largest single cost of the store
 * in a command's profile (`npm run bench`). SQLite re-prepares a kept statement by itself after a
 * schema change.
 */
function keepingStatements(database: Database.Database): SqliteDatabase {
  const kept = new Map<string, Database.Statement>();
  return {
    close: () => database.close(),
    prepare(text: string) {
      let statement = kept.get(text);
      if (!statement) {
        statement = database.prepare(text);
        if (kept.size >= STATEMENTS_KEPT) kept.delete(kept.keys().next().value as string);
        kept.set(text, statement);
      }
      return statement;
    },
  };
}

export function sqliteDialect(file: string, lockWaitMs?: number): Dialect {
  const key = file === SQLITE_MEMORY ? null : resolve(file);
  let shared = key === null ? undefined : openFiles.get(key);
  if (!shared) {
    shared = { db: openSqliteFile(file, lockWaitMs), locks: new KeyedMutex(), users: 0 };
    if (key !== null) openFiles.set(key, shared);
  }
  shared.users += 1;
  const handle = shared;
  return {
    kind: 'sqlite',
    db: handle.db,
    columnTypes: { time: 'INTEGER', serialKey: 'INTEGER PRIMARY KEY AUTOINCREMENT' },
    time: (date) => date.getTime(),
    date: (value) => new Date(Number(value)),
    skipLockedRows: false,
    sharedByInstances: false,
    // Immediate: two processes opening the same file do not both read an old version.
    beginMigration: 'BEGIN IMMEDIATE',
    prepareMigration: async () => undefined,
    withLock: (name, fn) => handle.locks.run(name, fn),
    async destroy() {
      handle.users -= 1;
      if (handle.users > 0) return;
      if (key !== null && openFiles.get(key) === handle) openFiles.delete(key);
      await handle.db.destroy();
    },
  };
}

export interface PostgresDialectOptions {
  url: string;
  logger: Logger;
  /** Tables live in this schema (created by the migration) instead of the connection's default. */
  schema?: string;
  /** Connections for queries. Default 10. */
  poolSize?: number;
  /** Connections that hold refresh locks. Default 5. */
  lockPoolSize?: number;
  /** How long to wait for another instance's refresh lock before failing. Default 30 s. */
  lockTimeoutMs?: number;
  /** A query with no answer for this long fails (a silent network), as StoreUnavailableError. Default 10 s. */
  queryTimeoutMs?: number;
  /** Opening a connection gives up after this long. Default 10 s. */
  connectTimeoutMs?: number;
}

export function postgresDialect(options: PostgresDialectOptions): Dialect {
  const schema = options.schema === undefined ? undefined : checkSchemaName(options.schema);
  const base: PoolConfig = {
    connectionString: options.url,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    idleTimeoutMillis: 30_000,
    // A peer that vanished without a reset is noticed by the kernel, not only by a query timeout.
    keepAlive: true,
  };
  // Set at connection start-up; the migration checks it took effect (a URL with its own `options=` wins).
  const queryConfig: PoolConfig = schema ? { ...base, options: `-c search_path=${schema}` } : base;
  // Queries (not the lock pool, whose statements wait for other instances' locks) fail when the server is silent.
  const pool = new Pool({ ...queryConfig, max: options.poolSize ?? 10, query_timeout: options.queryTimeoutMs ?? 10_000 });
  const lockPool = new Pool({ ...base, max: options.lockPoolSize ?? 5 });
  listenForClientErrors(pool, options.logger, 'queries');
  listenForClientErrors(lockPool, options.logger, 'locks');
  const locks = new AdvisoryLocks(lockPool, {
    namespace: `webex-recording-bot:refresh:${schema ?? ''}`,
    lockTimeoutMs: options.lockTimeoutMs ?? 30_000,
    logger: options.logger,
  });
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool: guardedPool(pool) }) });
  return {
    kind: 'postgres',
    db,
    columnTypes: { time: 'TIMESTAMPTZ', serialKey: 'BIGSERIAL PRIMARY KEY' },
    time: (date) => date,
    date: (value) => (value instanceof Date ? value : new Date(value)),
    skipLockedRows: true,
    sharedByInstances: true,
    beginMigration: 'BEGIN',
    async prepareMigration(conn) {
      const key = advisoryKey(`webex-recording-bot:migrate:${schema ?? ''}`);
      await sql`SELECT pg_advisory_xact_lock(${key}::bigint)`.execute(conn);
      if (!schema) return;
      await sql.raw(`CREATE SCHEMA IF NOT EXISTS "${schema}"`).execute(conn);
      const { rows } = await sql<{ schema: string | null }>`SELECT current_schema() AS schema`.execute(conn);
      if (rows[0]?.schema !== schema) {
        throw new Error(
          `Postgres connections do not use schema "${schema}" (search_path gives "${rows[0]?.schema}"); remove options= from the database URL`,
        );
      }
    },
    withLock: (name, fn) => locks.run(name, fn),
    async destroy() {
      // Kysely's destroy ends the query pool.
      await Promise.all([db.destroy(), lockPool.end()]);
    },
  };
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** Schema names are limited to plain identifiers; anything else is refused rather than escaped. */
export function checkSchemaName(schema: string): string {
  if (!IDENTIFIER.test(schema)) {
    throw new Error(`Postgres schema name must be lower-case letters, digits and underscores (at most 63), got "${schema}"`);
  }
  return schema;
}
