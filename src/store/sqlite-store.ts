import Database from 'better-sqlite3';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from '../log';
import type { TokenCipher } from './crypto';
import { KeyedMutex } from './mutex';
import {
  decryptAccount,
  decryptOAuthState,
  encryptTokens,
  encryptVerifier,
  EVENT_PRUNE_INTERVAL_MS,
  EVENT_RETENTION_MS,
  MAX_PENDING_PER_PERSON,
  PENDING_RETENTION_MS,
  PruneSchedule,
  toPendingRequests,
} from './records';
import { migrateSqlite } from './sqlite-migrations';
import type { Account, OAuthState, PendingRequest, PersonSettings, Store, TokenSet } from './types';
import { SQLITE_MEMORY } from './url';

export interface SqliteStoreOptions {
  /** A file path, or ':memory:'. The parent directory is created. */
  file: string;
  cipher: TokenCipher;
  logger: Logger;
}

type Row = Record<string, unknown>;

const ms = (date: Date) => date.getTime();
const date = (value: unknown) => new Date(Number(value));
const dateOrNull = (value: unknown) => (value === null || value === undefined ? null : date(value));

/** The embedded store (better-sqlite3). One process; the refresh lock is in-process. */
export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly cipher: TokenCipher;
  private readonly logger: Logger;
  private readonly locks = new KeyedMutex();
  private readonly eventPrune = new PruneSchedule(EVENT_PRUNE_INTERVAL_MS);
  private readonly statements = new Map<string, Database.Statement>();

  constructor(options: SqliteStoreOptions) {
    this.cipher = options.cipher;
    this.logger = options.logger;
    const inMemory = options.file === SQLITE_MEMORY;
    if (!inMemory) {
      mkdirSync(dirname(options.file), { recursive: true });
      // Created owner-only; SQLite gives its -wal and -shm files the same mode.
      if (!existsSync(options.file)) closeSync(openSync(options.file, 'a', 0o600));
    }
    this.db = new Database(options.file);
    if (!inMemory) this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    // Deleted rows (e.g. after "disconnect") are overwritten, not left in free pages.
    this.db.pragma('secure_delete = ON');
  }

  async init(): Promise<void> {
    migrateSqlite(this.db, this.logger);
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    this.statements.clear();
    this.db.close();
  }

  async ping(): Promise<boolean> {
    try {
      return this.db.open && this.db.prepare('SELECT 1 AS ok').get() !== undefined;
    } catch {
      return false;
    }
  }

  private stmt(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  async getAccount(personId: string): Promise<Account | null> {
    const row = this.stmt('SELECT * FROM accounts WHERE person_id = ?').get(personId) as Row | undefined;
    if (!row) return null;
    return decryptAccount(
      this.cipher,
      {
        person_id: String(row.person_id),
        email: String(row.email),
        access_token: String(row.access_token),
        access_token_expires_at: date(row.access_token_expires_at),
        refresh_token: String(row.refresh_token),
        refresh_token_expires_at: dateOrNull(row.refresh_token_expires_at),
        scopes: String(row.scopes),
        connected_at: date(row.connected_at),
        updated_at: date(row.updated_at),
      },
      this.logger,
    );
  }

  async saveAccount(account: { personId: string; email: string; tokens: TokenSet }, now: Date): Promise<void> {
    const sealed = encryptTokens(this.cipher, account.personId, account.tokens);
    this.stmt(
      `INSERT INTO accounts (person_id, email, access_token, access_token_expires_at, refresh_token,
         refresh_token_expires_at, scopes, connected_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (person_id) DO UPDATE SET
         email = excluded.email, access_token = excluded.access_token,
         access_token_expires_at = excluded.access_token_expires_at, refresh_token = excluded.refresh_token,
         refresh_token_expires_at = excluded.refresh_token_expires_at, scopes = excluded.scopes,
         connected_at = excluded.connected_at, updated_at = excluded.updated_at`,
    ).run(
      account.personId,
      account.email,
      sealed.accessToken,
      ms(account.tokens.accessTokenExpiresAt),
      sealed.refreshToken,
      account.tokens.refreshTokenExpiresAt ? ms(account.tokens.refreshTokenExpiresAt) : null,
      sealed.scopes,
      ms(now),
      ms(now),
    );
  }

  async updateTokens(personId: string, tokens: TokenSet, now: Date): Promise<void> {
    const sealed = encryptTokens(this.cipher, personId, tokens);
    this.stmt(
      `UPDATE accounts SET access_token = ?, access_token_expires_at = ?, refresh_token = ?,
         refresh_token_expires_at = ?, scopes = ?, updated_at = ?
       WHERE person_id = ?`,
    ).run(
      sealed.accessToken,
      ms(tokens.accessTokenExpiresAt),
      sealed.refreshToken,
      tokens.refreshTokenExpiresAt ? ms(tokens.refreshTokenExpiresAt) : null,
      sealed.scopes,
      ms(now),
      personId,
    );
  }

  async deleteAccount(personId: string): Promise<void> {
    this.stmt('DELETE FROM accounts WHERE person_id = ?').run(personId);
  }

  async deletePerson(personId: string): Promise<void> {
    this.db.transaction(() => {
      for (const table of ['accounts', 'person_settings', 'oauth_states', 'pending_requests']) {
        this.stmt(`DELETE FROM ${table} WHERE person_id = ?`).run(personId);
      }
    })();
  }

  async getSettings(personId: string): Promise<PersonSettings> {
    const row = this.stmt('SELECT * FROM person_settings WHERE person_id = ?').get(personId) as Row | undefined;
    return {
      personId,
      timezoneOverride: (row?.timezone_override as string | null | undefined) ?? null,
      profileTimezone: (row?.profile_timezone as string | null | undefined) ?? null,
      profileCheckedAt: dateOrNull(row?.profile_checked_at),
    };
  }

  async setTimezoneOverride(personId: string, zone: string | null): Promise<void> {
    this.stmt(
      `INSERT INTO person_settings (person_id, timezone_override) VALUES (?, ?)
       ON CONFLICT (person_id) DO UPDATE SET timezone_override = excluded.timezone_override`,
    ).run(personId, zone);
  }

  async setProfileTimezone(personId: string, zone: string | null, checkedAt: Date): Promise<void> {
    this.stmt(
      `INSERT INTO person_settings (person_id, profile_timezone, profile_checked_at) VALUES (?, ?, ?)
       ON CONFLICT (person_id) DO UPDATE SET
         profile_timezone = excluded.profile_timezone, profile_checked_at = excluded.profile_checked_at`,
    ).run(personId, zone, ms(checkedAt));
  }

  async putOAuthState(state: OAuthState): Promise<void> {
    this.stmt(
      `INSERT INTO oauth_states (state, person_id, code_verifier, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
    ).run(state.state, state.personId, encryptVerifier(this.cipher, state), ms(state.createdAt), ms(state.expiresAt));
  }

  async takeOAuthState(state: string, now: Date): Promise<OAuthState | null> {
    const row = this.db.transaction(() => {
      const taken = this.stmt('DELETE FROM oauth_states WHERE state = ? RETURNING *').get(state) as Row | undefined;
      this.stmt('DELETE FROM oauth_states WHERE expires_at < ?').run(ms(now));
      return taken;
    })();
    if (!row) return null;
    return decryptOAuthState(
      this.cipher,
      {
        state: String(row.state),
        person_id: String(row.person_id),
        code_verifier: String(row.code_verifier),
        created_at: date(row.created_at),
        expires_at: date(row.expires_at),
      },
      this.logger,
    );
  }

  async addPendingRequest(request: PendingRequest): Promise<void> {
    this.db.transaction(() => {
      this.stmt(
        `INSERT INTO pending_requests (message_id, person_id, room_id, room_type, text, created_at)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (message_id) DO NOTHING`,
      ).run(request.messageId, request.personId, request.roomId, request.roomType, request.text, ms(request.createdAt));
      this.stmt(
        `DELETE FROM pending_requests WHERE person_id = ? AND seq NOT IN (
           SELECT seq FROM pending_requests WHERE person_id = ? ORDER BY created_at DESC, seq DESC LIMIT ?)`,
      ).run(request.personId, request.personId, MAX_PENDING_PER_PERSON);
      this.stmt('DELETE FROM pending_requests WHERE created_at < ?').run(ms(request.createdAt) - PENDING_RETENTION_MS);
    })();
  }

  async takePendingRequests(personId: string): Promise<PendingRequest[]> {
    const rows = this.stmt('DELETE FROM pending_requests WHERE person_id = ? RETURNING *').all(personId) as Row[];
    return toPendingRequests(
      rows.map((row) => ({
        seq: Number(row.seq),
        person_id: String(row.person_id),
        room_id: String(row.room_id),
        room_type: String(row.room_type),
        message_id: String(row.message_id),
        text: String(row.text),
        created_at: date(row.created_at),
      })),
    );
  }

  withRefreshLock<T>(personId: string, fn: () => Promise<T>): Promise<T> {
    return this.locks.run(personId, fn);
  }

  async claimEvent(eventId: string, now: Date): Promise<boolean> {
    if (this.eventPrune.due(now)) {
      this.stmt('DELETE FROM processed_events WHERE claimed_at < ?').run(ms(now) - EVENT_RETENTION_MS);
    }
    const result = this.stmt('INSERT INTO processed_events (event_id, claimed_at) VALUES (?, ?) ON CONFLICT DO NOTHING').run(
      eventId,
      ms(now),
    );
    return result.changes === 1;
  }
}
