/**
 * Recording-notification subscriptions (`notify on` / `notify here`) and the once-only record of
 * recordings already announced, on the shared query layer (used by SqlStore).
 */
import type { Kysely, Transaction } from 'kysely';
import type { Dialect } from './dialect';
import type { Tables } from './schema';
import type { RecordingSubscription } from './types';

/** Announced recordings are remembered this long (a webhook or a poll never looks back further). */
export const DELIVERY_RETENTION_MS = 30 * 24 * 3600 * 1000;

type Db = Kysely<Tables> | Transaction<Tables>;

async function load(db: Db, dialect: Dialect, personIds: string[] | null): Promise<RecordingSubscription[]> {
  let query = db.selectFrom('recording_subscriptions').selectAll();
  if (personIds) {
    if (personIds.length === 0) return [];
    query = query.where('person_id', 'in', personIds);
  }
  const rows = await query.orderBy('subscribed_at').orderBy('person_id').execute();
  if (rows.length === 0) return [];
  let roomQuery = db.selectFrom('recording_announce_rooms').select(['person_id', 'room_id']);
  if (personIds) roomQuery = roomQuery.where('person_id', 'in', personIds);
  const rooms = await roomQuery.orderBy('added_at').execute();
  return rows.map((row) => ({
    personId: row.person_id,
    direct: Number(row.direct) === 1,
    roomIds: rooms.filter((r) => r.person_id === row.person_id).map((r) => r.room_id),
    webhookId: row.webhook_id,
    lastPolledAt: row.last_polled_at === null ? null : dialect.date(row.last_polled_at),
    subscribedAt: dialect.date(row.subscribed_at),
  }));
}

export class SubscriptionQueries {
  constructor(
    private readonly db: Kysely<Tables>,
    private readonly dialect: Dialect,
  ) {}

  async get(personId: string): Promise<RecordingSubscription | null> {
    return (await load(this.db, this.dialect, [personId]))[0] ?? null;
  }

  list(): Promise<RecordingSubscription[]> {
    return load(this.db, this.dialect, null);
  }

  async byWebhook(webhookId: string): Promise<RecordingSubscription | null> {
    const row = await this.db.selectFrom('recording_subscriptions').select('person_id').where('webhook_id', '=', webhookId).executeTakeFirst();
    return row ? this.get(row.person_id) : null;
  }

  async subscribe(personId: string, change: { direct?: boolean; addRoomId?: string }, now: Date): Promise<RecordingSubscription> {
    const { time } = this.dialect;
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('recording_subscriptions')
        .values({ person_id: personId, direct: change.direct ? 1 : 0, webhook_id: null, last_polled_at: null, subscribed_at: time(now) })
        .onConflict((oc) => (change.direct === undefined ? oc.column('person_id').doNothing() : oc.column('person_id').doUpdateSet({ direct: change.direct ? 1 : 0 })))
        .execute();
      if (change.addRoomId) {
        await trx
          .insertInto('recording_announce_rooms')
          .values({ person_id: personId, room_id: change.addRoomId, added_at: time(now) })
          .onConflict((oc) => oc.columns(['person_id', 'room_id']).doNothing())
          .execute();
      }
    });
    return (await this.get(personId))!;
  }

  async unsubscribe(personId: string, change: { roomId?: string }): Promise<RecordingSubscription | null> {
    return this.db.transaction().execute(async (trx) => {
      if (change.roomId) {
        await trx.deleteFrom('recording_announce_rooms').where('person_id', '=', personId).where('room_id', '=', change.roomId).execute();
        const left = (await load(trx, this.dialect, [personId]))[0] ?? null;
        if (!left || left.direct || left.roomIds.length > 0) return left;
      }
      await trx.deleteFrom('recording_announce_rooms').where('person_id', '=', personId).execute();
      await trx.deleteFrom('recording_subscriptions').where('person_id', '=', personId).execute();
      return null;
    });
  }

  async setWebhook(personId: string, webhookId: string | null): Promise<void> {
    await this.db.updateTable('recording_subscriptions').set({ webhook_id: webhookId }).where('person_id', '=', personId).execute();
  }

  async setLastPolled(personId: string, at: Date): Promise<void> {
    await this.db.updateTable('recording_subscriptions').set({ last_polled_at: this.dialect.time(at) }).where('person_id', '=', personId).execute();
  }

  async claimDelivery(personId: string, recordingId: string, now: Date, eventKey: string): Promise<boolean> {
    const { time } = this.dialect;
    const result = await this.db
      .insertInto('delivered_recordings')
      .values({ person_id: personId, recording_id: recordingId, delivered_at: time(now), event_key: eventKey })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (Number(result.numInsertedOrUpdatedRows ?? 0) === 1) return true;
    // Claimed already: by this very event when an earlier attempt of it got this far.
    const row = await this.db
      .selectFrom('delivered_recordings')
      .select('event_key')
      .where('person_id', '=', personId)
      .where('recording_id', '=', recordingId)
      .executeTakeFirst();
    return row?.event_key === eventKey;
  }

  async prune(now: Date): Promise<void> {
    await this.db.deleteFrom('delivered_recordings').where('delivered_at', '<', this.dialect.time(new Date(now.getTime() - DELIVERY_RETENTION_MS))).execute();
  }
}
