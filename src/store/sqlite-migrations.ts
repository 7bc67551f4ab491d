import type Database from 'better-sqlite3';
import type { Logger } from '../log';

/** Numbered SQLite migrations; applied in order, each at most once. Times are epoch milliseconds. */
export const SQLITE_MIGRATIONS: ReadonlyArray<{ version: number; name: string; sql: string }> = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE accounts (
        person_id TEXT PRIMARY KEY,
        email TEXT NOT NULL,
        access_token TEXT NOT NULL,
        access_token_expires_at INTEGER NOT NULL,
        refresh_token TEXT NOT NULL,
        refresh_token_expires_at INTEGER,
        scopes TEXT NOT NULL,
        connected_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE person_settings (
        person_id TEXT PRIMARY KEY,
        timezone_override TEXT,
        profile_timezone TEXT,
        profile_checked_at INTEGER
      );
      CREATE TABLE oauth_states (
        state TEXT PRIMARY KEY,
        person_id TEXT NOT NULL,
        code_verifier TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX oauth_states_person ON oauth_states (person_id);
      CREATE INDEX oauth_states_expires ON oauth_states (expires_at);
      CREATE TABLE pending_requests (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        message_id TEXT NOT NULL UNIQUE,
        person_id TEXT NOT NULL,
        room_id TEXT NOT NULL,
        room_type TEXT NOT NULL CHECK (room_type IN ('direct', 'group')),
        text TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX pending_requests_person ON pending_requests (person_id, created_at);
      CREATE TABLE processed_events (
        event_id TEXT PRIMARY KEY,
        claimed_at INTEGER NOT NULL
      );
      CREATE INDEX processed_events_claimed ON processed_events (claimed_at);
    `,
  },
];

/** Applies the missing migrations in one immediate transaction, so two processes opening the same file do not race. */
export function migrateSqlite(db: Database.Database, logger: Logger): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  )`);
  const run = db.transaction(() => {
    const rows = db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>;
    const applied = new Set(rows.map((row) => row.version));
    const known = Math.max(...SQLITE_MIGRATIONS.map((m) => m.version));
    const newest = Math.max(0, ...applied);
    if (newest > known) {
      logger.warn({ databaseVersion: newest, knownVersion: known }, 'the database schema is newer than this version of the bot');
    }
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const migration of SQLITE_MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      db.exec(migration.sql);
      record.run(migration.version, migration.name, Date.now());
      logger.info({ version: migration.version, migration: migration.name }, 'applied database migration');
    }
  });
  run.immediate();
}
