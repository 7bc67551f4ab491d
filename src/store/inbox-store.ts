import type { ExpressionBuilder, Kysely } from 'kysely';
import type { Dialect } from './dialect';
import { prepared } from './prepared';
import { EVENT_PRUNE_INTERVAL_MS, PruneSchedule } from './records';
import type { Tables } from './schema';
import type { Inbox, InboxEvent, Lease, ParkedEvent } from './types';

/** A finished event keeps its key (for dedupe), not what it said or who sent it. */
const FINISHED_ENVELOPE = '{}';
/** Longest error text kept on an event row. */
const MAX_ERROR_LENGTH = 500;

/** The three statements of every event, compiled once (see prepared.ts). */
const eventStatements = (db: Kysely<Tables>) => ({
  insertEvent: prepared(
    db,
    (key: string, envelope: string, personId: string | null, now: number | Date, attempts: number, owner: string | null, until: number | Date | null) =>
      db
        .insertInto('inbox_events')
        .values({
          event_key: key,
          envelope,
          person_id: personId,
          received_at: now,
          status: 'pending',
          attempts,
          lease_owner: owner,
          lease_expires_at: until,
          next_attempt_at: now,
        })
        .onConflict((oc) => oc.column('event_key').doNothing()),
  ),

  insertStep: prepared(db, (key: string, step: number, result: string, now: number | Date) =>
    db
      .insertInto('inbox_steps')
      .values({ event_key: key, step, result, recorded_at: now })
      .onConflict((oc) => oc.columns(['event_key', 'step']).doNothing()),
  ),

  finishEvent: prepared(db, (key: string, owner: string, now: number | Date, envelope: string) =>
    db
      .updateTable('inbox_events')
      .set({ status: 'done', finished_at: now, envelope, person_id: null, lease_owner: null, lease_expires_at: null })
      .where('event_key', '=', key)
      .where('lease_owner', '=', owner),
  ),
});

/** The inbox on the shared query layer (see Inbox in types.ts). */
export class SqlInbox implements Inbox {
  private readonly db: Kysely<Tables>;
  private readonly prune = new PruneSchedule(EVENT_PRUNE_INTERVAL_MS);

  private readonly statements: ReturnType<typeof eventStatements>;

  constructor(private readonly dialect: Dialect) {
    this.db = dialect.db;
    this.statements = eventStatements(dialect.db);
  }

  async accept(key: string, envelope: unknown, personId: string | null, now: Date, lease: Lease | null, pruneBefore: Date): Promise<boolean> {
    const { time } = this.dialect;
    if (this.prune.due(now)) await this.pruneFinished(time(pruneBefore));
    const result = await this.statements.insertEvent(key, JSON.stringify(envelope), personId, time(now), lease ? 1 : 0, lease?.owner ?? null, lease ? time(lease.until) : null);
    return Number(result.numAffectedRows ?? 0) === 1;
  }

  private async pruneFinished(before: number | Date): Promise<void> {
    const finished = this.db
      .selectFrom('inbox_events')
      .select('event_key')
      .where('received_at', '<', before)
      .where('status', '<>', 'pending');
    await this.db.deleteFrom('inbox_steps').where('event_key', 'in', finished).execute();
    await this.db.deleteFrom('inbox_events').where('received_at', '<', before).where('status', '<>', 'pending').execute();
  }

  async claim(lease: Lease, now: Date, limit: number): Promise<InboxEvent[]> {
    const { time, date } = this.dialect;
    const free = (eb: ExpressionBuilder<Tables, 'inbox_events'>) =>
      eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<', time(now))]);
    let due = this.db
      .selectFrom('inbox_events')
      .select('event_key')
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', time(now))
      .where(free)
      .orderBy('received_at')
      .limit(limit);
    // Postgres: instances claiming together skip each other's rows instead of queueing on them.
    if (this.dialect.skipLockedRows) due = due.forUpdate().skipLocked();
    const rows = await this.db
      .updateTable('inbox_events')
      .set((eb) => ({ lease_owner: lease.owner, lease_expires_at: time(lease.until), attempts: eb('attempts', '+', 1) }))
      .where('event_key', 'in', due)
      // Checked again on the row itself, so a row another instance took meanwhile is left alone.
      .where('status', '=', 'pending')
      .where(free)
      .returning(['event_key', 'envelope', 'attempts', 'received_at'])
      .execute();
    return rows
      .map((row) => ({ key: row.event_key, envelope: JSON.parse(row.envelope) as unknown, attempts: Number(row.attempts), receivedAt: date(row.received_at) }))
      .sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime());
  }

  async renew(owner: string, keys: readonly string[], until: Date): Promise<void> {
    if (keys.length === 0) return;
    await this.db
      .updateTable('inbox_events')
      .set({ lease_expires_at: this.dialect.time(until) })
      .where('lease_owner', '=', owner)
      .where('status', '=', 'pending')
      .where('event_key', 'in', [...keys])
      .execute();
  }

  async release(owner: string | null, keys: readonly string[] | 'all'): Promise<void> {
    if (keys !== 'all' && keys.length === 0) return;
    let query = this.db.updateTable('inbox_events').set({ lease_owner: null, lease_expires_at: null }).where('status', '=', 'pending');
    if (owner !== null) query = query.where('lease_owner', '=', owner);
    if (keys !== 'all') query = query.where('event_key', 'in', [...keys]);
    await query.execute();
  }

  async finish(key: string, owner: string, now: Date): Promise<void> {
    await this.statements.finishEvent(key, owner, this.dialect.time(now), FINISHED_ENVELOPE);
  }

  async retryAt(key: string, owner: string, at: Date, error: string): Promise<void> {
    await this.settle(key, owner, { status: 'pending', next_attempt_at: this.dialect.time(at), last_error: error.slice(0, MAX_ERROR_LENGTH) });
  }

  async park(key: string, owner: string, now: Date, error: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      // Kept as it came (and whose it is, for "forget me") so that it can be replayed.
      const parked = await trx
        .updateTable('inbox_events')
        .set({ status: 'failed', finished_at: this.dialect.time(now), last_error: error.slice(0, MAX_ERROR_LENGTH), lease_owner: null, lease_expires_at: null })
        .where('event_key', '=', key)
        .where('lease_owner', '=', owner)
        .executeTakeFirst();
      // A new recording parked unannounced gives up its claim: a later delivery may announce it.
      if (Number(parked.numUpdatedRows) > 0) await trx.deleteFrom('delivered_recordings').where('event_key', '=', key).execute();
    });
  }

  async revive(key: string, envelope: unknown, personId: string | null, now: Date): Promise<boolean> {
    return this.pendAgain(key, now, { envelope: JSON.stringify(envelope), person_id: personId });
  }

  async replay(key: string, now: Date): Promise<boolean> {
    return this.pendAgain(key, now, {});
  }

  /** A parked event is pending again, due now, with one attempt counted: the next is a retry
   * (steps already recorded are not done again). */
  private async pendAgain(key: string, now: Date, values: { envelope?: string; person_id?: string | null }): Promise<boolean> {
    const result = await this.db
      .updateTable('inbox_events')
      .set({ ...values, status: 'pending', attempts: 1, next_attempt_at: this.dialect.time(now), finished_at: null, lease_owner: null, lease_expires_at: null })
      .where('event_key', '=', key)
      .where('status', '=', 'failed')
      .where('envelope', '<>', FINISHED_ENVELOPE)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async parked(limit: number): Promise<ParkedEvent[]> {
    const rows = await this.db
      .selectFrom('inbox_events')
      .select(['event_key', 'received_at', 'finished_at', 'attempts', 'last_error', 'envelope'])
      .where('status', '=', 'failed')
      .orderBy('finished_at', 'desc')
      .limit(limit)
      .execute();
    const { date } = this.dialect;
    return rows.map((row) => ({
      key: row.event_key,
      receivedAt: date(row.received_at),
      parkedAt: row.finished_at === null ? null : date(row.finished_at),
      attempts: Number(row.attempts),
      lastError: row.last_error,
      replayable: row.envelope !== FINISHED_ENVELOPE,
    }));
  }

  /** Ends the owner's failed attempt (a retry or parked; `finish` has its own statement); does
   * nothing when the lease was lost to another instance. */
  private async settle(
    key: string,
    owner: string,
    values: { status: 'pending' | 'failed'; finished_at?: number | Date; next_attempt_at?: number | Date; last_error?: string; envelope?: string },
  ): Promise<void> {
    await this.db
      .updateTable('inbox_events')
      .set({ ...values, ...(values.status === 'pending' ? {} : { person_id: null }), lease_owner: null, lease_expires_at: null })
      .where('event_key', '=', key)
      .where('lease_owner', '=', owner)
      .execute();
  }

  async steps(key: string): Promise<Map<number, string>> {
    const rows = await this.db.selectFrom('inbox_steps').select(['step', 'result']).where('event_key', '=', key).execute();
    return new Map(rows.map((row) => [Number(row.step), row.result]));
  }

  async recordStep(key: string, step: number, result: string, now: Date): Promise<void> {
    await this.statements.insertStep(key, step, result, this.dialect.time(now));
  }
}
