import { sql, type Kysely } from 'kysely';
import type { Logger } from '../log';
import type { ColumnTypes, Dialect } from './dialect';
import type { Tables } from './schema';

export interface Migration {
  version: number;
  name: string;
  statements(t: ColumnTypes): string[];
}

/**
 * The one ordered migration list for both backends; each applied at most once, recorded in
 * schema_migrations by version. Versions and table names never change once released: a
 * database made by an earlier version of the bot carries on from where it is.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    statements: (t) => [
      `CREATE TABLE accounts (
        person_id TEXT PRIMARY KEY,
        email TEXT NOT NULL,
        access_token TEXT NOT NULL,
        access_token_expires_at ${t.time} NOT NULL,
        refresh_token TEXT NOT NULL,
        refresh_token_expires_at ${t.time},
        scopes TEXT NOT NULL,
        connected_at ${t.time} NOT NULL,
        updated_at ${t.time} NOT NULL
      )`,
      `CREATE TABLE person_settings (
        person_id TEXT PRIMARY KEY,
        timezone_override TEXT,
        profile_timezone TEXT,
        profile_checked_at ${t.time}
      )`,
      `CREATE TABLE oauth_states (
        state TEXT PRIMARY KEY,
        person_id TEXT NOT NULL,
        code_verifier TEXT NOT NULL,
        created_at ${t.time} NOT NULL,
        expires_at ${t.time} NOT NULL
      )`,
      'CREATE INDEX oauth_states_person ON oauth_states (person_id)',
      'CREATE INDEX oauth_states_expires ON oauth_states (expires_at)',
      `CREATE TABLE pending_requests (
        seq ${t.serialKey},
        message_id TEXT NOT NULL UNIQUE,
        person_id TEXT NOT NULL,
        room_id TEXT NOT NULL,
        room_type TEXT NOT NULL CHECK (room_type IN ('direct', 'group')),
        text TEXT NOT NULL,
        created_at ${t.time} NOT NULL
      )`,
      'CREATE INDEX pending_requests_person ON pending_requests (person_id, created_at)',
      `CREATE TABLE processed_events (
        event_id TEXT PRIMARY KEY,
        claimed_at ${t.time} NOT NULL
      )`,
      'CREATE INDEX processed_events_claimed ON processed_events (claimed_at)',
    ],
  },
  {
    version: 2,
    name: 'recording notifications',
    statements: (t) => [
      `CREATE TABLE recording_subscriptions (
        person_id TEXT PRIMARY KEY,
        direct INTEGER NOT NULL,
        webhook_id TEXT,
        last_polled_at ${t.time},
        subscribed_at ${t.time} NOT NULL
      )`,
      'CREATE INDEX recording_subscriptions_webhook ON recording_subscriptions (webhook_id)',
      `CREATE TABLE recording_announce_rooms (
        person_id TEXT NOT NULL,
        room_id TEXT NOT NULL,
        added_at ${t.time} NOT NULL,
        PRIMARY KEY (person_id, room_id)
      )`,
      `CREATE TABLE delivered_recordings (
        person_id TEXT NOT NULL,
        recording_id TEXT NOT NULL,
        delivered_at ${t.time} NOT NULL,
        PRIMARY KEY (person_id, recording_id)
      )`,
      'CREATE INDEX delivered_recordings_at ON delivered_recordings (delivered_at)',
    ],
  },
  {
    version: 3,
    name: 'inbox, outward steps, shared command counts',
    statements: (t) => [
      // One row per verified webhook event, kept at least for the replay window (dedupe); the
      // envelope and who sent it only until the event is finished (or the person is forgotten).
      `CREATE TABLE inbox_events (
        event_key TEXT PRIMARY KEY,
        envelope TEXT NOT NULL,
        person_id TEXT,
        received_at ${t.time} NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        lease_owner TEXT,
        lease_expires_at ${t.time},
        next_attempt_at ${t.time} NOT NULL,
        finished_at ${t.time},
        last_error TEXT
      )`,
      'CREATE INDEX inbox_events_due ON inbox_events (status, next_attempt_at)',
      'CREATE INDEX inbox_events_received ON inbox_events (received_at)',
      'CREATE INDEX inbox_events_person ON inbox_events (person_id)',
      // Events already handled before the inbox stay known, so a late redelivery is still a duplicate.
      `INSERT INTO inbox_events (event_key, envelope, received_at, status, attempts, next_attempt_at, finished_at)
        SELECT event_id, '{}', claimed_at, 'done', 1, claimed_at, claimed_at FROM processed_events`,
      'DROP TABLE processed_events',
      // What an event has already done outside (a reply posted, a card deleted, a request stored).
      `CREATE TABLE inbox_steps (
        event_key TEXT NOT NULL,
        step INTEGER NOT NULL,
        result TEXT NOT NULL,
        recorded_at ${t.time} NOT NULL,
        PRIMARY KEY (event_key, step)
      )`,
      // The per-person command limit, shared by every instance: one window per person, keyed
      // by a hash of the person id (a count is no reason to keep who sent it).
      `CREATE TABLE command_counts (
        person_key TEXT PRIMARY KEY,
        window_start ${t.time} NOT NULL,
        commands INTEGER NOT NULL
      )`,
    ],
  },
  {
    version: 4,
    name: 'recording deliveries name their inbox event',
    // A retried announcement recognises its own claim (the claim and the post are two steps).
    statements: () => ['ALTER TABLE delivered_recordings ADD COLUMN event_key TEXT'],
  },
  {
    version: 5,
    name: 'marks',
    // Named points in time that only move forward: the websocket catch-up's last-seen event
    // time, and each websocket device's last heartbeat (transport/catch-up.ts, devices.ts).
    statements: (t) => [
      `CREATE TABLE marks (
        name TEXT PRIMARY KEY,
        at ${t.time} NOT NULL
      )`,
    ],
  },
];

/**
 * Applies the missing migrations in one transaction on one connection, under the dialect's
 * migration lock (an immediate transaction in SQLite, an advisory lock in Postgres), so
 * instances starting together migrate once.
 */
export async function migrate(db: Kysely<Tables>, dialect: Dialect, logger: Logger, migrations = MIGRATIONS): Promise<void> {
  await db.connection().execute(async (conn) => {
    await sql.raw(dialect.beginMigration).execute(conn);
    try {
      await dialect.prepareMigration(conn);
      await sql
        .raw(
          `CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at ${dialect.columnTypes.time} NOT NULL
          )`,
        )
        .execute(conn);
      const rows = await conn.selectFrom('schema_migrations').select('version').execute();
      const applied = new Set(rows.map((row) => Number(row.version)));
      const known = Math.max(...migrations.map((m) => m.version));
      const newest = Math.max(0, ...applied);
      if (newest > known) {
        logger.warn({ databaseVersion: newest, knownVersion: known }, 'the database schema is newer than this version of the bot');
      }
      for (const migration of migrations) {
        if (applied.has(migration.version)) continue;
        for (const statement of migration.statements(dialect.columnTypes)) await sql.raw(statement).execute(conn);
        await conn
          .insertInto('schema_migrations')
          .values({ version: migration.version, name: migration.name, applied_at: dialect.time(new Date()) })
          .execute();
        logger.info({ version: migration.version, migration: migration.name }, 'applied database migration');
      }
      await sql.raw('COMMIT').execute(conn);
    } catch (err) {
      await sql.raw('ROLLBACK').execute(conn).catch(() => undefined);
      throw err;
    }
  });
}
