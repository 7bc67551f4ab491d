import type { Generated } from 'kysely';

/**
 * The tables both backends hold, as the query layer sees them. Times are epoch milliseconds
 * (INTEGER) in SQLite and TIMESTAMPTZ in Postgres; `Dialect.time` / `Dialect.date` convert.
 */
export type DbTime = number | Date;

export interface AccountsTable {
  person_id: string;
  email: string;
  access_token: string;
  access_token_expires_at: DbTime;
  refresh_token: string;
  refresh_token_expires_at: DbTime | null;
  scopes: string;
  connected_at: DbTime;
  updated_at: DbTime;
}

export interface PersonSettingsTable {
  person_id: string;
  timezone_override: string | null;
  profile_timezone: string | null;
  profile_checked_at: DbTime | null;
}

export interface OAuthStatesTable {
  state: string;
  person_id: string;
  code_verifier: string;
  created_at: DbTime;
  expires_at: DbTime;
}

export interface PendingRequestsTable {
  /** INTEGER in SQLite, BIGSERIAL (read as a string) in Postgres. */
  seq: Generated<number | string>;
  message_id: string;
  person_id: string;
  room_id: string;
  room_type: string;
  text: string;
  created_at: DbTime;
}

export interface InboxEventsTable {
  event_key: string;
  /** The webhook envelope as JSON; '{}' once the event is finished. */
  envelope: string;
  /** Who sent the event, until it is finished. */
  person_id: string | null;
  received_at: DbTime;
  status: 'pending' | 'done' | 'failed';
  attempts: number;
  lease_owner: string | null;
  lease_expires_at: DbTime | null;
  next_attempt_at: DbTime;
  finished_at: DbTime | null;
  last_error: string | null;
}

export interface InboxStepsTable {
  event_key: string;
  step: number;
  /** What the step returned, as JSON. */
  result: string;
  recorded_at: DbTime;
}

export interface CommandCountsTable {
  /** A hash of the person id. */
  person_key: string;
  window_start: DbTime;
  commands: number;
}

export interface RecordingSubscriptionsTable {
  person_id: string;
  /** 1: new recordings go to the person by direct message. */
  direct: number;
  webhook_id: string | null;
  last_polled_at: DbTime | null;
  subscribed_at: DbTime;
}

export interface RecordingAnnounceRoomsTable {
  person_id: string;
  room_id: string;
  added_at: DbTime;
}

export interface DeliveredRecordingsTable {
  person_id: string;
  recording_id: string;
  delivered_at: DbTime;
  /** The inbox event that claimed it (null for claims made before the inbox carried them). */
  event_key: string | null;
}

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  applied_at: DbTime;
}

export interface MarksTable {
  name: string;
  at: DbTime;
}

export interface Tables {
  accounts: AccountsTable;
  person_settings: PersonSettingsTable;
  oauth_states: OAuthStatesTable;
  pending_requests: PendingRequestsTable;
  inbox_events: InboxEventsTable;
  inbox_steps: InboxStepsTable;
  command_counts: CommandCountsTable;
  schema_migrations: SchemaMigrationsTable;
  recording_subscriptions: RecordingSubscriptionsTable;
  recording_announce_rooms: RecordingAnnounceRoomsTable;
  delivered_recordings: DeliveredRecordingsTable;
  marks: MarksTable;
}
