import { Pool, type PoolClient, type PoolConfig } from 'pg';
import type { Logger } from '../log';
import type { TokenCipher } from './crypto';
import { AdvisoryLocks, advisoryKey } from './postgres-lock';
import { checkSchemaName, migratePostgres, quoteIdentifier } from './postgres-migrations';
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
  type AccountRecord,
  type OAuthStateRecord,
  type PendingRecord,
} from './records';
import type { Account, OAuthState, PendingRequest, PersonSettings, Store, TokenSet } from './types';

export interface PostgresStoreOptions {
  url: string;
  cipher: TokenCipher;
  logger: Logger;
  /** Tables live in this schema (created by init) instead of the connection's default. */
  schema?: string;
  /** Connections for queries. Default 10. */
  poolSize?: number;
  /** Connections that hold refresh locks. Default 5. */
  lockPoolSize?: number;
  /** How long to wait for another instance's refresh lock before failing. Default 30 s. */
  lockTimeoutMs?: number;
}

const PING_TIMEOUT_MS = 3000;

/** The shared store for several instances. Every method is one statement or one transaction. */
export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  private readonly pool: Pool;
  private readonly lockPool: Pool;
  private readonly locks: AdvisoryLocks;
  private readonly cipher: TokenCipher;
  private readonly logger: Logger;
  private readonly schema: string | undefined;
  private readonly eventPrune = new PruneSchedule(EVENT_PRUNE_INTERVAL_MS);
  private closed = false;

  constructor(options: PostgresStoreOptions) {
    this.cipher = options.cipher;
    this.logger = options.logger;
    this.schema = options.schema === undefined ? undefined : checkSchemaName(options.schema);
    const base: PoolConfig = { connectionString: options.url, connectionTimeoutMillis: 10_000, idleTimeoutMillis: 30_000 };
    // Set at connection start-up; init() checks it took effect (a URL with its own `options=` wins).
    const queryConfig: PoolConfig = this.schema ? { ...base, options: `-c search_path=${this.schema}` } : base;
    this.pool = new Pool({ ...queryConfig, max: options.poolSize ?? 10 });
    this.lockPool = new Pool({ ...base, max: options.lockPoolSize ?? 5 });
    const onIdleError = (err: Error) => this.logger.warn({ err: err.message }, 'idle database connection failed');
    this.pool.on('error', onIdleError);
    this.lockPool.on('error', onIdleError);
    this.locks = new AdvisoryLocks(this.lockPool, {
      namespace: `webex-recording-bot:refresh:${this.schema ?? ''}`,
      lockTimeoutMs: options.lockTimeoutMs ?? 30_000,
      logger: this.logger,
    });
  }

  async init(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await migratePostgres(client, {
        schema: this.schema,
        lockKey: advisoryKey(`webex-recording-bot:migrate:${this.schema ?? ''}`),
        logger: this.logger,
      });
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([this.pool.end(), this.lockPool.end()]);
  }

  async ping(): Promise<boolean> {
    if (this.closed) return false;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS);
    });
    const query = this.pool.query('SELECT 1').then(
      () => true,
      () => false,
    );
    try {
      return await Promise.race([query, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async transaction<T>(fn: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async getAccount(personId: string): Promise<Account | null> {
    const { rows } = await this.pool.query<AccountRecord>('SELECT * FROM accounts WHERE person_id = $1', [personId]);
    return rows[0] ? decryptAccount(this.cipher, rows[0], this.logger) : null;
  }

  async saveAccount(account: { personId: string; email: string; tokens: TokenSet }, now: Date): Promise<void> {
    const sealed = encryptTokens(this.cipher, account.personId, account.tokens);
    await this.pool.query(
      `INSERT INTO accounts (person_id, email, access_token, access_token_expires_at, refresh_token,
         refresh_token_expires_at, scopes, connected_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
       ON CONFLICT (person_id) DO UPDATE SET
         email = excluded.email, access_token = excluded.access_token,
         access_token_expires_at = excluded.access_token_expires_at, refresh_token = excluded.refresh_token,
         refresh_token_expires_at = excluded.refresh_token_expires_at, scopes = excluded.scopes,
         connected_at = excluded.connected_at, updated_at = excluded.updated_at`,
      [
        account.personId,
        account.email,
        sealed.accessToken,
        account.tokens.accessTokenExpiresAt,
        sealed.refreshToken,
        account.tokens.refreshTokenExpiresAt,
        sealed.scopes,
        now,
      ],
    );
  }

  async updateTokens(personId: string, tokens: TokenSet, now: Date): Promise<void> {
    const sealed = encryptTokens(this.cipher, personId, tokens);
    await this.pool.query(
      `UPDATE accounts SET access_token = $2, access_token_expires_at = $3, refresh_token = $4,
         refresh_token_expires_at = $5, scopes = $6, updated_at = $7
       WHERE person_id = $1`,
      [personId, sealed.accessToken, tokens.accessTokenExpiresAt, sealed.refreshToken, tokens.refreshTokenExpiresAt, sealed.scopes, now],
    );
  }

  async deleteAccount(personId: string): Promise<void> {
    await this.pool.query('DELETE FROM accounts WHERE person_id = $1', [personId]);
  }

  async deletePerson(personId: string): Promise<void> {
    await this.transaction(async (client) => {
      for (const table of ['accounts', 'person_settings', 'oauth_states', 'pending_requests']) {
        await client.query(`DELETE FROM ${table} WHERE person_id = $1`, [personId]);
      }
    });
  }

  async getSettings(personId: string): Promise<PersonSettings> {
    const { rows } = await this.pool.query<{
      timezone_override: string | null;
      profile_timezone: string | null;
      profile_checked_at: Date | null;
    }>('SELECT timezone_override, profile_timezone, profile_checked_at FROM person_settings WHERE person_id = $1', [personId]);
    const row = rows[0];
    return {
      personId,
      timezoneOverride: row?.timezone_override ?? null,
      profileTimezone: row?.profile_timezone ?? null,
      profileCheckedAt: row?.profile_checked_at ?? null,
    };
  }

  async setTimezoneOverride(personId: string, zone: string | null): Promise<void> {
    await this.pool.query(
      `INSERT INTO person_settings (person_id, timezone_override) VALUES ($1, $2)
       ON CONFLICT (person_id) DO UPDATE SET timezone_override = excluded.timezone_override`,
      [personId, zone],
    );
  }

  async setProfileTimezone(personId: string, zone: string | null, checkedAt: Date): Promise<void> {
    await this.pool.query(
      `INSERT INTO person_settings (person_id, profile_timezone, profile_checked_at) VALUES ($1, $2, $3)
       ON CONFLICT (person_id) DO UPDATE SET
         profile_timezone = excluded.profile_timezone, profile_checked_at = excluded.profile_checked_at`,
      [personId, zone, checkedAt],
    );
  }

  async putOAuthState(state: OAuthState): Promise<void> {
    await this.pool.query(
      'INSERT INTO oauth_states (state, person_id, code_verifier, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)',
      [state.state, state.personId, encryptVerifier(this.cipher, state), state.createdAt, state.expiresAt],
    );
  }

  async takeOAuthState(state: string, now: Date): Promise<OAuthState | null> {
    const { rows } = await this.pool.query<OAuthStateRecord>('DELETE FROM oauth_states WHERE state = $1 RETURNING *', [state]);
    await this.pool.query('DELETE FROM oauth_states WHERE expires_at < $1', [now]);
    return rows[0] ? decryptOAuthState(this.cipher, rows[0], this.logger) : null;
  }

  async addPendingRequest(request: PendingRequest): Promise<void> {
    await this.transaction(async (client) => {
      await client.query(
        `INSERT INTO pending_requests (message_id, person_id, room_id, room_type, text, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (message_id) DO NOTHING`,
        [request.messageId, request.personId, request.roomId, request.roomType, request.text, request.createdAt],
      );
      await client.query(
        `DELETE FROM pending_requests WHERE person_id = $1 AND seq NOT IN (
           SELECT seq FROM pending_requests WHERE person_id = $1 ORDER BY created_at DESC, seq DESC LIMIT $2)`,
        [request.personId, MAX_PENDING_PER_PERSON],
      );
      await client.query('DELETE FROM pending_requests WHERE created_at < $1', [
        new Date(request.createdAt.getTime() - PENDING_RETENTION_MS),
      ]);
    });
  }

  async takePendingRequests(personId: string): Promise<PendingRequest[]> {
    const { rows } = await this.pool.query<PendingRecord>('DELETE FROM pending_requests WHERE person_id = $1 RETURNING *', [
      personId,
    ]);
    return toPendingRequests(rows);
  }

  withRefreshLock<T>(personId: string, fn: () => Promise<T>): Promise<T> {
    return this.locks.run(personId, fn);
  }

  async claimEvent(eventId: string, now: Date): Promise<boolean> {
    if (this.eventPrune.due(now)) {
      await this.pool.query('DELETE FROM processed_events WHERE claimed_at < $1', [new Date(now.getTime() - EVENT_RETENTION_MS)]);
    }
    const result = await this.pool.query(
      'INSERT INTO processed_events (event_id, claimed_at) VALUES ($1, $2) ON CONFLICT DO NOTHING',
      [eventId, now],
    );
    return result.rowCount === 1;
  }
}
