import { sql, type Kysely } from 'kysely';
import { createHash } from 'node:crypto';
import type { Logger } from '../log';
import type { TokenCipher } from './crypto';
import type { Dialect } from './dialect';
import { SqlInbox } from './inbox-store';
import { migrate } from './migrations';
import { prepared } from './prepared';
import {
  decryptAccount,
  decryptOAuthState,
  encryptTokens,
  encryptVerifier,
  EVENT_PRUNE_INTERVAL_MS,
  MAX_PENDING_PER_PERSON,
  PENDING_RETENTION_MS,
  PruneSchedule,
  toPendingRequests,
} from './records';
import type { Tables } from './schema';
import { SubscriptionQueries } from './subscriptions';
import type { Account, OAuthState, PendingRequest, PersonSettings, RecordingSubscription, Store, TokenSet } from './types';

const PING_TIMEOUT_MS = 3000;

/** The reads of every command, compiled once (see prepared.ts). */
const commandReads = (db: Kysely<Tables>) => ({
  account: prepared(db, (personId: string) => db.selectFrom('accounts').selectAll().where('person_id', '=', personId)),
  settings: prepared(db, (personId: string) =>
    db.selectFrom('person_settings').select(['timezone_override', 'profile_timezone', 'profile_checked_at']).where('person_id', '=', personId),
  ),
});

/** How the command limit knows a person: a hash, not the id. */
const personKey = (personId: string) => createHash('sha256').update(`command-count:${personId}`, 'utf8').digest('base64url').slice(0, 32);
/** The per-person command limit counts commands in windows this long. */
const COMMAND_WINDOW_MS = 60_000;

/** Tables that hold something about a person (all of it goes on "forget me"). */
const PERSON_TABLES = [
  'accounts',
  'person_settings',
  'oauth_states',
  'pending_requests',
  'recording_subscriptions',
  'recording_announce_rooms',
  'delivered_recordings',
] as const;

/**
 * The one store implementation for SQLite and Postgres: every statement written once on
 * Kysely; what differs between the backends is in the Dialect. Every method is one statement
 * or one transaction.
 */
export class SqlStore implements Store {
  readonly kind: 'sqlite' | 'postgres';
  readonly inbox: SqlInbox;
  private readonly db: Kysely<Tables>;
  private readonly deliveryPrune = new PruneSchedule(EVENT_PRUNE_INTERVAL_MS);
  private readonly subscriptions: SubscriptionQueries;
  private readonly reads: ReturnType<typeof commandReads>;
  private closed = false;

  constructor(
    private readonly dialect: Dialect,
    private readonly cipher: TokenCipher,
    private readonly logger: Logger,
    /** Opened beside the running bot (an operator's tool): takes no part in the inbox's leases. */
    private readonly beside = false,
  ) {
    this.kind = dialect.kind;
    this.db = dialect.db;
    this.subscriptions = new SubscriptionQueries(this.db, dialect);
    this.inbox = new SqlInbox(dialect);
    this.reads = commandReads(dialect.db);
  }

  async init(): Promise<void> {
    await migrate(this.db, this.dialect, this.logger);
    // One process per SQLite file: leases left by a process that stopped are void.
    if (!this.dialect.sharedByInstances && !this.beside) await this.inbox.release(null, 'all');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.dialect.destroy();
  }

  async ping(): Promise<boolean> {
    if (this.closed) return false;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS);
    });
    // SQLite: reads go on while another process holds the write lock (WAL), so readiness takes
    // the write lock (an empty IMMEDIATE transaction) to say whether events can be stored.
    const probe = this.kind === 'sqlite' ? this.db.transaction().execute(async () => undefined) : sql`SELECT 1`.execute(this.db);
    const query = probe.then(
      () => true,
      () => false,
    );
    try {
      return await Promise.race([query, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async getAccount(personId: string): Promise<Account | null> {
    const [row] = (await this.reads.account(personId)).rows;
    if (!row) return null;
    const { date } = this.dialect;
    return decryptAccount(
      this.cipher,
      {
        ...row,
        access_token_expires_at: date(row.access_token_expires_at),
        refresh_token_expires_at: row.refresh_token_expires_at === null ? null : date(row.refresh_token_expires_at),
        connected_at: date(row.connected_at),
        updated_at: date(row.updated_at),
      },
      this.logger,
    );
  }

  async saveAccount(account: { personId: string; email: string; tokens: TokenSet }, now: Date): Promise<void> {
    const { time } = this.dialect;
    const sealed = encryptTokens(this.cipher, account.personId, account.tokens);
    const expires = account.tokens.refreshTokenExpiresAt;
    await this.db
      .insertInto('accounts')
      .values({
        person_id: account.personId,
        email: account.email,
        access_token: sealed.accessToken,
        access_token_expires_at: time(account.tokens.accessTokenExpiresAt),
        refresh_token: sealed.refreshToken,
        refresh_token_expires_at: expires ? time(expires) : null,
        scopes: sealed.scopes,
        connected_at: time(now),
        updated_at: time(now),
      })
      .onConflict((oc) =>
        oc.column('person_id').doUpdateSet((eb) => ({
          email: eb.ref('excluded.email'),
          access_token: eb.ref('excluded.access_token'),
          access_token_expires_at: eb.ref('excluded.access_token_expires_at'),
          refresh_token: eb.ref('excluded.refresh_token'),
          refresh_token_expires_at: eb.ref('excluded.refresh_token_expires_at'),
          scopes: eb.ref('excluded.scopes'),
          connected_at: eb.ref('excluded.connected_at'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }

  async updateTokens(personId: string, tokens: TokenSet, now: Date): Promise<void> {
    const { time } = this.dialect;
    const sealed = encryptTokens(this.cipher, personId, tokens);
    await this.db
      .updateTable('accounts')
      .set({
        access_token: sealed.accessToken,
        access_token_expires_at: time(tokens.accessTokenExpiresAt),
        refresh_token: sealed.refreshToken,
        refresh_token_expires_at: tokens.refreshTokenExpiresAt ? time(tokens.refreshTokenExpiresAt) : null,
        scopes: sealed.scopes,
        updated_at: time(now),
      })
      .where('person_id', '=', personId)
      .execute();
  }

  async deleteAccount(personId: string): Promise<void> {
    await this.db.deleteFrom('accounts').where('person_id', '=', personId).execute();
  }

  async deletePerson(personId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      for (const table of PERSON_TABLES) await trx.deleteFrom(table).where('person_id', '=', personId).execute();
      // The events keep their keys (dedupe); unfinished ones are dropped with what they said.
      await trx
        .updateTable('inbox_events')
        .set({ envelope: '{}', person_id: null, status: 'done', lease_owner: null, lease_expires_at: null })
        .where('person_id', '=', personId)
        .execute();
    });
  }

  async getSettings(personId: string): Promise<PersonSettings> {
    const [row] = (await this.reads.settings(personId)).rows;
    const checked = row?.profile_checked_at;
    return {
      personId,
      timezoneOverride: row?.timezone_override ?? null,
      profileTimezone: row?.profile_timezone ?? null,
      profileCheckedAt: checked === null || checked === undefined ? null : this.dialect.date(checked),
    };
  }

  async setTimezoneOverride(personId: string, zone: string | null): Promise<void> {
    await this.db
      .insertInto('person_settings')
      .values({ person_id: personId, timezone_override: zone })
      .onConflict((oc) => oc.column('person_id').doUpdateSet((eb) => ({ timezone_override: eb.ref('excluded.timezone_override') })))
      .execute();
  }

  async setProfileTimezone(personId: string, zone: string | null, checkedAt: Date): Promise<void> {
    await this.db
      .insertInto('person_settings')
      .values({ person_id: personId, profile_timezone: zone, profile_checked_at: this.dialect.time(checkedAt) })
      .onConflict((oc) =>
        oc.column('person_id').doUpdateSet((eb) => ({
          profile_timezone: eb.ref('excluded.profile_timezone'),
          profile_checked_at: eb.ref('excluded.profile_checked_at'),
        })),
      )
      .execute();
  }

  async putOAuthState(state: OAuthState): Promise<void> {
    const { time } = this.dialect;
    await this.db
      .insertInto('oauth_states')
      .values({
        state: state.state,
        person_id: state.personId,
        code_verifier: encryptVerifier(this.cipher, state),
        created_at: time(state.createdAt),
        expires_at: time(state.expiresAt),
      })
      .execute();
  }

  async forgetOAuthStatesOf(personId: string): Promise<void> {
    await this.db.deleteFrom('oauth_states').where('person_id', '=', personId).execute();
  }

  async takeOAuthState(state: string, now: Date): Promise<OAuthState | null> {
    const { time, date } = this.dialect;
    const row = await this.db.transaction().execute(async (trx) => {
      const taken = await trx.deleteFrom('oauth_states').where('state', '=', state).returningAll().executeTakeFirst();
      await trx.deleteFrom('oauth_states').where('expires_at', '<', time(now)).execute();
      return taken;
    });
    if (!row) return null;
    return decryptOAuthState(this.cipher, { ...row, created_at: date(row.created_at), expires_at: date(row.expires_at) }, this.logger);
  }

  async addPendingRequest(request: PendingRequest): Promise<void> {
    const { time } = this.dialect;
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('pending_requests')
        .values({
          message_id: request.messageId,
          person_id: request.personId,
          room_id: request.roomId,
          room_type: request.roomType,
          text: request.text,
          created_at: time(request.createdAt),
        })
        .onConflict((oc) => oc.column('message_id').doNothing())
        .execute();
      await trx
        .deleteFrom('pending_requests')
        .where('person_id', '=', request.personId)
        .where(
          'seq',
          'not in',
          trx
            .selectFrom('pending_requests')
            .select('seq')
            .where('person_id', '=', request.personId)
            .orderBy('created_at', 'desc')
            .orderBy('seq', 'desc')
            .limit(MAX_PENDING_PER_PERSON),
        )
        .execute();
      await trx
        .deleteFrom('pending_requests')
        .where('created_at', '<', time(new Date(request.createdAt.getTime() - PENDING_RETENTION_MS)))
        .execute();
    });
  }

  async takePendingRequests(personId: string): Promise<PendingRequest[]> {
    const rows = await this.db.deleteFrom('pending_requests').where('person_id', '=', personId).returningAll().execute();
    return toPendingRequests(rows.map((row) => ({ ...row, created_at: this.dialect.date(row.created_at) })));
  }

  withRefreshLock<T>(personId: string, fn: () => Promise<T>): Promise<T> {
    return this.dialect.withLock(personId, fn);
  }

  async countCommand(personId: string, now: Date, perMinute: number): Promise<'ok' | 'warn' | 'drop'> {
    if (perMinute <= 0) return 'ok';
    const { time } = this.dialect;
    const windowOver = time(new Date(now.getTime() - COMMAND_WINDOW_MS));
    const row = await this.db
      .insertInto('command_counts')
      .values({ person_key: personKey(personId), window_start: time(now), commands: 1 })
      .onConflict((oc) =>
        oc.column('person_key').doUpdateSet({
          // Both read the row as it was: a window that is over starts again with this command.
          commands: sql`CASE WHEN command_counts.window_start <= ${windowOver} THEN 1 ELSE command_counts.commands + 1 END`,
          window_start: sql`CASE WHEN command_counts.window_start <= ${windowOver} THEN excluded.window_start ELSE command_counts.window_start END`,
        }),
      )
      .returning('commands')
      .executeTakeFirstOrThrow();
    const count = Number(row.commands);
    if (count <= perMinute) return 'ok';
    return count === perMinute + 1 ? 'warn' : 'drop';
  }

  getSubscription(personId: string): Promise<RecordingSubscription | null> {
    return this.subscriptions.get(personId);
  }

  listSubscriptions(): Promise<RecordingSubscription[]> {
    return this.subscriptions.list();
  }

  findSubscriptionByWebhook(webhookId: string): Promise<RecordingSubscription | null> {
    return this.subscriptions.byWebhook(webhookId);
  }

  subscribe(personId: string, change: { direct?: boolean; addRoomId?: string }, now: Date): Promise<RecordingSubscription> {
    return this.subscriptions.subscribe(personId, change, now);
  }

  unsubscribe(personId: string, change: { roomId?: string }): Promise<RecordingSubscription | null> {
    return this.subscriptions.unsubscribe(personId, change);
  }

  setSubscriptionWebhook(personId: string, webhookId: string | null): Promise<void> {
    return this.subscriptions.setWebhook(personId, webhookId);
  }

  setLastPolled(personId: string, at: Date): Promise<void> {
    return this.subscriptions.setLastPolled(personId, at);
  }

  async claimRecordingDelivery(personId: string, recordingId: string, now: Date, eventKey: string): Promise<boolean> {
    if (this.deliveryPrune.due(now)) await this.subscriptions.prune(now);
    return this.subscriptions.claimDelivery(personId, recordingId, now, eventKey);
  }

  async getMark(name: string): Promise<Date | null> {
    const row = await this.db.selectFrom('marks').select('at').where('name', '=', name).executeTakeFirst();
    return row ? this.dialect.date(row.at) : null;
  }

  async setMark(name: string, at: Date): Promise<void> {
    await this.db
      .insertInto('marks')
      .values({ name, at: this.dialect.time(at) })
      .onConflict((oc) => oc.column('name').doUpdateSet({ at: sql`CASE WHEN marks.at < excluded.at THEN excluded.at ELSE marks.at END` }))
      .execute();
  }

  async listMarks(prefix: string): Promise<Array<{ name: string; at: Date }>> {
    const rows = await this.db.selectFrom('marks').select(['name', 'at']).where('name', 'like', `${prefix}%`).execute();
    // LIKE's `_` matches any character: the prefix is checked exactly here.
    return rows.filter((r) => r.name.startsWith(prefix)).map((r) => ({ name: r.name, at: this.dialect.date(r.at) }));
  }

  async deleteMark(name: string): Promise<void> {
    await this.db.deleteFrom('marks').where('name', '=', name).execute();
  }
}
