import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { silentLogger } from '../../src/log';
import { createStore, TokenCipher, type Store } from '../../src/store';
import { MIGRATIONS } from '../../src/store/migrations';
import { encryptTokens, encryptVerifier } from '../../src/store/records';
import { POSTGRES_URL, tokens } from './helpers';

/**
 * Databases made by the bot before the stores shared one query layer: the schema exactly as the
 * two hand-written migration runners created it (version 1 in schema_migrations), rows as the
 * old stores wrote them. The current store must open them as they are and read every row.
 */
const LEGACY_SQLITE = `
  CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL);
  CREATE TABLE accounts (person_id TEXT PRIMARY KEY, email TEXT NOT NULL, access_token TEXT NOT NULL,
    access_token_expires_at INTEGER NOT NULL, refresh_token TEXT NOT NULL, refresh_token_expires_at INTEGER,
    scopes TEXT NOT NULL, connected_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
  CREATE TABLE person_settings (person_id TEXT PRIMARY KEY, timezone_override TEXT, profile_timezone TEXT, profile_checked_at INTEGER);
  CREATE TABLE oauth_states (state TEXT PRIMARY KEY, person_id TEXT NOT NULL, code_verifier TEXT NOT NULL,
    created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL);
  CREATE INDEX oauth_states_person ON oauth_states (person_id);
  CREATE INDEX oauth_states_expires ON oauth_states (expires_at);
  CREATE TABLE pending_requests (seq INTEGER PRIMARY KEY AUTOINCREMENT, message_id TEXT NOT NULL UNIQUE, person_id TEXT NOT NULL,
    room_id TEXT NOT NULL, room_type TEXT NOT NULL CHECK (room_type IN ('direct', 'group')), text TEXT NOT NULL, created_at INTEGER NOT NULL);
  CREATE INDEX pending_requests_person ON pending_requests (person_id, created_at);
  CREATE TABLE processed_events (event_id TEXT PRIMARY KEY, claimed_at INTEGER NOT NULL);
  CREATE INDEX processed_events_claimed ON processed_events (claimed_at);
  INSERT INTO schema_migrations (version, name, applied_at) VALUES (1, 'initial schema', 1767225600000);
`;

const LEGACY_POSTGRES = `
  CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now());
  CREATE TABLE accounts (person_id TEXT PRIMARY KEY, email TEXT NOT NULL, access_token TEXT NOT NULL,
    access_token_expires_at TIMESTAMPTZ NOT NULL, refresh_token TEXT NOT NULL, refresh_token_expires_at TIMESTAMPTZ,
    scopes TEXT NOT NULL, connected_at TIMESTAMPTZ NOT NULL, updated_at TIMESTAMPTZ NOT NULL);
  CREATE TABLE person_settings (person_id TEXT PRIMARY KEY, timezone_override TEXT, profile_timezone TEXT, profile_checked_at TIMESTAMPTZ);
  CREATE TABLE oauth_states (state TEXT PRIMARY KEY, person_id TEXT NOT NULL, code_verifier TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL, expires_at TIMESTAMPTZ NOT NULL);
  CREATE INDEX oauth_states_person ON oauth_states (person_id);
  CREATE INDEX oauth_states_expires ON oauth_states (expires_at);
  CREATE TABLE pending_requests (seq BIGSERIAL PRIMARY KEY, message_id TEXT NOT NULL UNIQUE, person_id TEXT NOT NULL,
    room_id TEXT NOT NULL, room_type TEXT NOT NULL CHECK (room_type IN ('direct', 'group')), text TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL);
  CREATE INDEX pending_requests_person ON pending_requests (person_id, created_at);
  CREATE TABLE processed_events (event_id TEXT PRIMARY KEY, claimed_at TIMESTAMPTZ NOT NULL);
  CREATE INDEX processed_events_claimed ON processed_events (claimed_at);
  INSERT INTO schema_migrations (version, name) VALUES (1, 'initial schema');
`;

const T0 = new Date('2026-01-01T10:00:00.000Z');
const KEY = randomBytes(32);
const cipher = new TokenCipher(KEY);
const set = tokens('legacy', T0);
const sealed = encryptTokens(cipher, 'p-legacy', set);
const state = { state: 'st-legacy', personId: 'p-legacy', codeVerifier: 'verifier-legacy-0123', createdAt: T0, expiresAt: new Date(T0.getTime() + 600_000) };

/** The rows, in the order of their columns, with times as the backend stored them. */
function legacyRows<T>(time: (d: Date) => T) {
  return {
    account: ['p-legacy', 'legacy@example.com', sealed.accessToken, time(set.accessTokenExpiresAt), sealed.refreshToken, time(set.refreshTokenExpiresAt!), sealed.scopes, time(T0), time(T0)],
    settings: ['p-legacy', 'Europe/Paris', 'Asia/Tokyo', time(T0)],
    state: [state.state, state.personId, encryptVerifier(cipher, state), time(state.createdAt), time(state.expiresAt)],
    pending: ['m-legacy', 'p-legacy', 'room-legacy', 'direct', 'recording abc', time(T0)],
  };
}

async function expectLegacyData(store: Store): Promise<void> {
  await store.init();
  const account = await store.getAccount('p-legacy');
  expect(account).toEqual({ personId: 'p-legacy', email: 'legacy@example.com', tokens: set, connectedAt: T0, updatedAt: T0 });
  await expect(store.getSettings('p-legacy')).resolves.toEqual({
    personId: 'p-legacy',
    timezoneOverride: 'Europe/Paris',
    profileTimezone: 'Asia/Tokyo',
    profileCheckedAt: T0,
  });
  await expect(store.takeOAuthState(state.state, T0)).resolves.toEqual(state);
  // New rows go on from the old ones (the old sequence keeps counting).
  await store.addPendingRequest({ personId: 'p-legacy', roomId: 'room-legacy', roomType: 'direct', messageId: 'm-new', text: 'recordings', createdAt: new Date(T0.getTime() + 1000) });
  expect((await store.takePendingRequests('p-legacy')).map((r) => r.messageId)).toEqual(['m-legacy', 'm-new']);
  // An event handled before the inbox existed is still a duplicate.
  await expect(store.inbox.accept('messages:created:old-event', {}, null, T0, null, new Date(0))).resolves.toBe(false);
  await expect(store.inbox.accept('messages:created:new-event', {}, null, T0, null, new Date(0))).resolves.toBe(true);
}

describe('databases created by the earlier hand-written stores', () => {
  it('SQLite: opens the old file as it is and reads every row', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'store-legacy-'));
    const file = join(dir, 'bot.sqlite');
    try {
      const old = new Database(file);
      old.exec(LEGACY_SQLITE);
      const rows = legacyRows((d) => d.getTime());
      old.prepare('INSERT INTO accounts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(...rows.account);
      old.prepare('INSERT INTO person_settings VALUES (?, ?, ?, ?)').run(...rows.settings);
      old.prepare('INSERT INTO oauth_states VALUES (?, ?, ?, ?, ?)').run(...rows.state);
      old.prepare('INSERT INTO pending_requests (message_id, person_id, room_id, room_type, text, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(...rows.pending);
      old.prepare('INSERT INTO processed_events VALUES (?, ?)').run('messages:created:old-event', T0.getTime());
      old.close();
      const store = createStore({ url: `sqlite:${file}`, encryptionKey: KEY, logger: silentLogger() });
      try {
        await expectLegacyData(store);
      } finally {
        await store.close();
      }
      const reopened = new Database(file, { readonly: true });
      const versions = reopened.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as Array<{ version: number }>;
      reopened.close();
      expect(versions.map((v) => Number(v.version))).toEqual(MIGRATIONS.map((m) => m.version));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('Postgres: opens the old schema as it is and reads every row', async () => {
    const schema = `store_legacy_${process.pid}_${randomBytes(4).toString('hex')}`;
    const admin = new Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    try {
      await admin.query(`CREATE SCHEMA "${schema}"; SET search_path = "${schema}"; ${LEGACY_POSTGRES}`);
      const rows = legacyRows((d) => d);
      await admin.query('INSERT INTO accounts VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)', rows.account);
      await admin.query('INSERT INTO person_settings VALUES ($1, $2, $3, $4)', rows.settings);
      await admin.query('INSERT INTO oauth_states VALUES ($1, $2, $3, $4, $5)', rows.state);
      await admin.query('INSERT INTO pending_requests (message_id, person_id, room_id, room_type, text, created_at) VALUES ($1, $2, $3, $4, $5, $6)', rows.pending);
      await admin.query('INSERT INTO processed_events VALUES ($1, $2)', ['messages:created:old-event', T0]);
      const store = createStore({ url: POSTGRES_URL, encryptionKey: KEY, logger: silentLogger(), postgresSchema: schema });
      try {
        await expectLegacyData(store);
      } finally {
        await store.close();
      }
      const { rows: versions } = await admin.query('SELECT version FROM schema_migrations ORDER BY version');
      expect(versions.map((v) => Number(v.version))).toEqual(MIGRATIONS.map((m) => m.version));
    } finally {
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    }
  });
});
