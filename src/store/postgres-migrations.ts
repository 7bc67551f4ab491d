import type { PoolClient } from 'pg';
import type { Logger } from '../log';

/** Numbered Postgres migrations; applied in order, each at most once. */
export const POSTGRES_MIGRATIONS: ReadonlyArray<{ version: number; name: string; sql: string }> = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE accounts (
        person_id TEXT PRIMARY KEY,
        email TEXT NOT NULL,
        access_token TEXT NOT NULL,
        access_token_expires_at TIMESTAMPTZ NOT NULL,
        refresh_token TEXT NOT NULL,
        refresh_token_expires_at TIMESTAMPTZ,
        scopes TEXT NOT NULL,
        connected_at TIMESTAMPTZ NOT NULL,
        updated_at TIMESTAMPTZ NOT NULL
      );
      CREATE TABLE person_settings (
        person_id TEXT PRIMARY KEY,
        timezone_override TEXT,
        profile_timezone TEXT,
        profile_checked_at TIMESTAMPTZ
      );
      CREATE TABLE oauth_states (
        state TEXT PRIMARY KEY,
        person_id TEXT NOT NULL,
        code_verifier TEXT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL,
        expires_at TIMESTAMPTZ NOT NULL
      );
      CREATE INDEX oauth_states_person ON oauth_states (person_id);
      CREATE INDEX oauth_states_expires ON oauth_states (expires_at);
      CREATE TABLE pending_requests (
        seq BIGSERIAL PRIMARY KEY,
        message_id TEXT NOT NULL UNIQUE,
        person_id TEXT NOT NULL,
        room_id TEXT NOT NULL,
        room_type TEXT NOT NULL CHECK (room_type IN ('direct', 'group')),
        text TEXT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL
      );
      CREATE INDEX pending_requests_person ON pending_requests (person_id, created_at);
      CREATE TABLE processed_events (
        event_id TEXT PRIMARY KEY,
        claimed_at TIMESTAMPTZ NOT NULL
      );
      CREATE INDEX processed_events_claimed ON processed_events (claimed_at);
    `,
  },
];

/**
 * Applies the missing migrations in one transaction under a transaction-scoped advisory lock,
 * so instances starting together migrate once. Creates the schema first when one is named.
 */
export async function migratePostgres(
  client: PoolClient,
  options: { schema?: string; lockKey: string; logger: Logger },
): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [options.lockKey]);
    if (options.schema) {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(options.schema)}`);
      const { rows } = await client.query<{ schema: string | null }>('SELECT current_schema() AS schema');
      if (rows[0]?.schema !== options.schema) {
        throw new Error(
          `Postgres connections do not use schema "${options.schema}" (search_path gives "${rows[0]?.schema}"); remove options= from the database URL`,
        );
      }
    }
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    const applied = new Set(rows.map((row) => row.version));
    const known = Math.max(...POSTGRES_MIGRATIONS.map((m) => m.version));
    const newest = Math.max(0, ...applied);
    if (newest > known) {
      options.logger.warn({ databaseVersion: newest, knownVersion: known }, 'the database schema is newer than this version of the bot');
    }
    for (const migration of POSTGRES_MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      options.logger.info({ version: migration.version, migration: migration.name }, 'applied database migration');
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** Schema names are limited to plain identifiers; anything else is refused rather than escaped. */
export function checkSchemaName(schema: string): string {
  if (!IDENTIFIER.test(schema)) {
    throw new Error(`Postgres schema name must be lower-case letters, digits and underscores (at most 63), got "${schema}"`);
  }
  return schema;
}

export function quoteIdentifier(name: string): string {
  return `"${checkSchemaName(name)}"`;
}
