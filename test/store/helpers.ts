import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { Writable } from 'node:stream';
import { createLogger, silentLogger, type Logger } from '../../src/log';
import { createStore } from '../../src/store';
import { advisoryKey } from '../../src/store/postgres-lock';
import type { PendingRequest, Store, TokenSet } from '../../src/store/types';

export const POSTGRES_URL = process.env.TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/test';

export const PERSON_TABLES = ['accounts', 'person_settings', 'oauth_states', 'pending_requests', 'inbox_events'] as const;

/** One fresh database (a temp SQLite file, or a Postgres schema of its own) for one test. */
export interface Backend {
  readonly name: 'sqlite' | 'postgres';
  readonly key: Buffer;
  /** Another store on the same database, like a second instance of the bot. Initialised. */
  open(options?: { key?: Buffer; logger?: Logger }): Promise<Store>;
  /** Every row of a table, read around the store. */
  rows(table: string): Promise<Array<Record<string, unknown>>>;
  /** Closes every store opened and removes the database. */
  dispose(): Promise<void>;
  /** Postgres: how many sessions wait (not granted) for the person's refresh lock on the server. */
  refreshLockWaiters?(personId: string): Promise<number>;
}

export type BackendName = Backend['name'];

export async function createBackend(name: BackendName): Promise<Backend> {
  return name === 'sqlite' ? sqliteBackend() : postgresBackend();
}

function sqliteBackend(): Backend {
  const dir = mkdtempSync(join(tmpdir(), 'store-test-'));
  const file = join(dir, 'db', 'bot.sqlite');
  const key = randomBytes(32);
  const stores: Store[] = [];
  return {
    name: 'sqlite',
    key,
    async open(options = {}) {
      const store = createStore({ url: `sqlite:${file}`, encryptionKey: options.key ?? key, logger: options.logger ?? silentLogger() });
      stores.push(store);
      await store.init();
      return store;
    },
    async rows(table) {
      const db = new Database(file, { readonly: true });
      try {
        return db.prepare(`SELECT * FROM ${table}`).all() as Array<Record<string, unknown>>;
      } finally {
        db.close();
      }
    },
    async dispose() {
      await Promise.all(stores.map((s) => s.close()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function postgresBackend(): Promise<Backend> {
  const schema = `store_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const key = randomBytes(32);
  const stores: Store[] = [];
  const admin = new Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA "${schema}"`);
  return {
    name: 'postgres',
    key,
    async open(options = {}) {
      const store = createStore({
        url: POSTGRES_URL,
        encryptionKey: options.key ?? key,
        logger: options.logger ?? silentLogger(),
        postgresSchema: schema,
      });
      stores.push(store);
      await store.init();
      return store;
    },
    async rows(table) {
      return (await admin.query(`SELECT * FROM "${schema}".${table}`)).rows;
    },
    async refreshLockWaiters(personId) {
      const key = advisoryKey(`webex-recording-bot:refresh:${schema}:${personId}`);
      const { rows } = await admin.query(
        `SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objsubid = 1
           AND ((classid::bigint << 32) | objid::bigint) = $1::bigint`,
        [key],
      );
      return Number(rows[0].n);
    },
    async dispose() {
      await Promise.all(stores.map((s) => s.close()));
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    },
  };
}

/** Rows that mention the person, per table. */
export async function rowsForPerson(backend: Backend, personId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of PERSON_TABLES) {
    counts[table] = (await backend.rows(table)).filter((row) => row.person_id === personId).length;
  }
  return counts;
}

let counter = 0;
/** A unique id per call, so tests never see each other's data. */
export function uid(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}-${randomBytes(3).toString('hex')}`;
}

export function tokens(tag: string, at = new Date('2026-01-01T10:00:00.000Z')): TokenSet {
  return {
    accessToken: `ACCESS-${tag}-${randomBytes(12).toString('hex')}`,
    accessTokenExpiresAt: new Date(at.getTime() + 14 * 24 * 3600_000),
    refreshToken: `REFRESH-${tag}-${randomBytes(12).toString('hex')}`,
    refreshTokenExpiresAt: new Date(at.getTime() + 90 * 24 * 3600_000),
    scopes: ['spark:recordings_read', 'spark:people_read'],
  };
}

export function pending(personId: string, messageId: string, createdAt: Date, text = 'recording abc'): PendingRequest {
  return { personId, roomId: `room-${personId}`, roomType: 'direct', messageId, text, createdAt };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A logger whose JSON lines can be read back. */
export function capturingLogger(): { logger: Logger; lines: () => string[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString('utf8'));
      callback();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), lines: () => lines.join('').split('\n').filter(Boolean) };
}
