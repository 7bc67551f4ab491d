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

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Creates or migrates the schema (a schema_migrations table with numbered migrations). */
  init(): Promise<void>;
  close(): Promise<void>;
  /** True when the database answers (for /readyz). */
  ping(): Promise<boolean>;

  /** Null when unknown, or when the stored tokens cannot be decrypted (wrong key): the person connects again. */
  getAccount(personId: string): Promise<Account | null>;
  /** Insert or replace; connectedAt and updatedAt become `now`. */
  saveAccount(account: { personId: string; email: string; tokens: TokenSet }, now: Date): Promise<void>;
  /** Replaces the tokens of an existing account; does nothing when the person has no account. */
  updateTokens(personId: string, tokens: TokenSet, now: Date): Promise<void>;
  /** Forgets the tokens only (refresh refused); settings and pending requests stay. */
  deleteAccount(personId: string): Promise<void>;
  /** Forget everything about the person: tokens, settings, pending states and requests. */
  deletePerson(personId: string): Promise<void>;

  /** Defaults (nulls) when none. */
  getSettings(personId: string): Promise<PersonSettings>;
  setTimezoneOverride(personId: string, zone: string | null): Promise<void>;
  setProfileTimezone(personId: string, zone: string | null, checkedAt: Date): Promise<void>;

  putOAuthState(state: OAuthState): Promise<void>;
  /** Removes and returns the state atomically (single use); null if unknown or already taken.
   * Expiry is the caller's check. Also deletes states expired before `now`. */
  takeOAuthState(state: string, now: Date): Promise<OAuthState | null>;

  /** The same messageId twice is stored once. At most the newest 20 per person are kept,
   * and requests older than 7 days are dropped. */
  addPendingRequest(request: PendingRequest): Promise<void>;
  /** Removes and returns the person's pending requests, oldest first. */
  takePendingRequests(personId: string): Promise<PendingRequest[]>;

  /** Runs fn while holding the person's refresh lock; across processes for Postgres (advisory
   * lock on a hash of the person id, held on one dedicated client), in-process for SQLite.
   * Calls for different people run in parallel. */
  withRefreshLock<T>(personId: string, fn: () => Promise<T>): Promise<T>;

  /** Records a webhook event id; true the first time it is seen (across instances for
   * Postgres), false after. Ids older than 24 h may be pruned. */
  claimEvent(eventId: string, now: Date): Promise<boolean>;
}
