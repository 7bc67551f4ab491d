/** The bot's persistent state: linked Webex accounts, per-person settings, sign-in states,
 * requests waiting for a sign-in, and webhook events already handled. */

export interface TokenSet {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date | null;
  scopes: string[];
}

/** One per Webex person who connected. */
export interface Account {
  personId: string;
  email: string;
  tokens: TokenSet;
  connectedAt: Date;
  updatedAt: Date;
}

/** Exists even for people who never connected. */
export interface PersonSettings {
  personId: string;
  /** Set by "timezone <IANA>", cleared by "timezone auto". */
  timezoneOverride: string | null;
  /** From GET /people/me, refreshed at most daily. */
  profileTimezone: string | null;
  profileCheckedAt: Date | null;
}

export interface OAuthState {
  state: string;
  personId: string;
  codeVerifier: string;
  createdAt: Date;
  expiresAt: Date;
}

/** A command to answer once the person has connected. */
export interface PendingRequest {
  personId: string;
  roomId: string;
  roomType: 'direct' | 'group';
  messageId: string;
  text: string;
  createdAt: Date;
}

/** A person who asked to hear of their new recordings (`notify on` / `notify here`). */
export interface RecordingSubscription {
  personId: string;
  /** New recordings go to the person by direct message (`notify on`). */
  direct: boolean;
  /** Group spaces where they are announced too (`notify here`). */
  roomIds: string[];
  /** The person's convergedRecordings webhook, once registered (webhook mode). */
  webhookId: string | null;
  /** The last successful poll (polling mode). */
  lastPolledAt: Date | null;
  subscribedAt: Date;
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Creates or migrates the schema (a schema_migrations table with numbered migrations). */
  init(): Promise<void>;
  close(): Promise<void>;
  /** True when the database answers (for /readyz). */
  ping(): Promise<boolean>;

  /** A named point in time (null when never set). */
  getMark(name: string): Promise<Date | null>;
  /** Sets a mark, never moving it back: the later of the stored and the given time is kept. */
  setMark(name: string, at: Date): Promise<void>;
  /** The marks whose name starts with `prefix`. */
  listMarks(prefix: string): Promise<Array<{ name: string; at: Date }>>;
  deleteMark(name: string): Promise<void>;

  /** Null when unknown, or when the stored tokens cannot be decrypted (wrong key): the person connects again. */
  getAccount(personId: string): Promise<Account | null>;
  /** Insert or replace; connectedAt and updatedAt become `now`. */
  saveAccount(account: { personId: string; email: string; tokens: TokenSet }, now: Date): Promise<void>;
  /** Replaces the tokens of an existing account; does nothing when the person has no account. */
  updateTokens(personId: string, tokens: TokenSet, now: Date): Promise<void>;
  /** Forgets the tokens only (refresh refused); settings and pending requests stay. */
  deleteAccount(personId: string): Promise<void>;
  /** Forget everything about the person: tokens, settings, pending states and requests, and
   * what their inbox events said (the events are not worked on any more). */
  deletePerson(personId: string): Promise<void>;

  /** Defaults (nulls) when none. */
  getSettings(personId: string): Promise<PersonSettings>;
  setTimezoneOverride(personId: string, zone: string | null): Promise<void>;
  setProfileTimezone(personId: string, zone: string | null, checkedAt: Date): Promise<void>;

  putOAuthState(state: OAuthState): Promise<void>;
  /** Removes and returns the state atomically (single use); null if unknown or already taken.
   * Expiry is the caller's check. Also deletes states expired before `now`. */
  takeOAuthState(state: string, now: Date): Promise<OAuthState | null>;
  /** Deletes every sign-in state of the person (their other links, once one was used). */
  forgetOAuthStatesOf(personId: string): Promise<void>;

  /** The same messageId twice is stored once. At most the newest 20 per person are kept,
   * and requests older than 7 days are dropped. */
  addPendingRequest(request: PendingRequest): Promise<void>;
  /** Removes and returns the person's pending requests, oldest first. */
  takePendingRequests(personId: string): Promise<PendingRequest[]>;

  /** Runs fn while holding the person's refresh lock; across processes for Postgres (advisory
   * lock on a hash of the person id, held on one dedicated client), in-process for SQLite.
   * Calls for different people run in parallel. */
  withRefreshLock<T>(personId: string, fn: () => Promise<T>): Promise<T>;

  /** Null when the person has not asked for notifications. */
  getSubscription(personId: string): Promise<RecordingSubscription | null>;
  /** Every subscription, oldest first. */
  listSubscriptions(): Promise<RecordingSubscription[]>;
  /** The subscription whose webhook this is. */
  findSubscriptionByWebhook(webhookId: string): Promise<RecordingSubscription | null>;
  /**
   * Creates the subscription or changes it: `direct` when given, a room added when given.
   * Returns it as it is afterwards.
   */
  subscribe(personId: string, change: { direct?: boolean; addRoomId?: string }, now: Date): Promise<RecordingSubscription>;
  /** Removes one room, or (without one) the whole subscription; returns what is left, null when nothing is. */
  unsubscribe(personId: string, change: { roomId?: string }): Promise<RecordingSubscription | null>;
  setSubscriptionWebhook(personId: string, webhookId: string | null): Promise<void>;
  setLastPolled(personId: string, at: Date): Promise<void>;
  /**
   * True when this recording is this person's to announce for this inbox event: the first
   * claim (across instances), or the event's own earlier claim (a retried attempt). Kept 30 days.
   */
  claimRecordingDelivery(personId: string, recordingId: string, now: Date, eventKey: string): Promise<boolean>;

  /**
   * Counts one command of the person in the current one-minute window (shared by every
   * instance, atomically): 'ok' within `perMinute`, 'warn' for the first one over (say so),
   * 'drop' for the rest of the window.
   */
  countCommand(personId: string, now: Date, perMinute: number): Promise<'ok' | 'warn' | 'drop'>;

  /** The durable inbox of webhook events. */
  readonly inbox: Inbox;
}

/** An event taken from the inbox for one attempt. */
export interface InboxEvent {
  key: string;
  envelope: unknown;
  /** This attempt included. */
  attempts: number;
  receivedAt: Date;
}

/** An event given up on (see Inbox.parked). */
export interface ParkedEvent {
  key: string;
  receivedAt: Date;
  parkedAt: Date | null;
  attempts: number;
  lastError: string | null;
  /** What it said is still there. */
  replayable: boolean;
}

/** Who works on an event, until when. */
export interface Lease {
  owner: string;
  until: Date;
}

/**
 * Verified webhook events, stored before Webex is answered and worked on at least once under
 * a lease. Safe for several instances on one database: an event is leased by one at a time.
 */
export interface Inbox {
  /** Stores the event once per key; false when the key is already known (a duplicate). With a
   * lease, the caller takes the event at once (its first attempt). Prunes finished events
   * received before `pruneBefore`. */
  accept(key: string, envelope: unknown, personId: string | null, now: Date, lease: Lease | null, pruneBefore: Date): Promise<boolean>;
  /** Takes up to `limit` unfinished events that are due and not leased (or whose lease
   * expired), oldest first, and counts an attempt on each. */
  claim(lease: Lease, now: Date, limit: number): Promise<InboxEvent[]>;
  /** Extends the owner's leases on these events. */
  renew(owner: string, keys: readonly string[], until: Date): Promise<void>;
  /** The owner's leases on these events end now (or every lease when owner is null). */
  release(owner: string | null, keys: readonly string[] | 'all'): Promise<void>;
  finish(key: string, owner: string, now: Date): Promise<void>;
  retryAt(key: string, owner: string, at: Date, error: string): Promise<void>;
  /** Gives up: the event stays, marked failed, with what it said (to be replayed), until it
   * is pruned with the finished events; a new recording's delivery claim is released. */
  park(key: string, owner: string, now: Date, error: string): Promise<void>;
  /** A parked event delivered again: pending once more with this envelope (its next attempt
   * counts as a retry). False when the key is not parked. */
  revive(key: string, envelope: unknown, personId: string | null, now: Date): Promise<boolean>;
  /** An operator's replay of a parked event, as it was stored. False when it is not parked (or
   * "forget me" emptied it). */
  replay(key: string, now: Date): Promise<boolean>;
  /** Parked events, the most recently parked first. */
  parked(limit: number): Promise<ParkedEvent[]>;
  /** The results of the event's outward steps already done, by step number (JSON). */
  steps(key: string): Promise<Map<number, string>>;
  recordStep(key: string, step: number, result: string, now: Date): Promise<void>;
}
