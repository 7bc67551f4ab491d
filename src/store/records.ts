import type { Logger } from '../log';
import { TokenDecryptionError, type TokenCipher } from './crypto';
import type { Account, OAuthState, PendingRequest, TokenSet } from './types';

/** Pending requests kept per person (the newest). */
export const MAX_PENDING_PER_PERSON = 20;
/** Pending requests older than this are dropped. */
export const PENDING_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;
/** How often (at most) each store instance prunes finished inbox events. */
export const EVENT_PRUNE_INTERVAL_MS = 10 * 60 * 1000;

/** Encryption contexts: a stored value only decrypts in its own column and row. */
const accessContext = (personId: string) => `accounts.access_token:${personId}`;
const refreshContext = (personId: string) => `accounts.refresh_token:${personId}`;
const verifierContext = (state: string) => `oauth_states.code_verifier:${state}`;

/** Account columns as both backends hold them, with times already as Dates. */
export interface AccountRecord {
  person_id: string;
  email: string;
  access_token: string;
  access_token_expires_at: Date;
  refresh_token: string;
  refresh_token_expires_at: Date | null;
  scopes: string;
  connected_at: Date;
  updated_at: Date;
}

export interface EncryptedTokens {
  accessToken: string;
  refreshToken: string;
  scopes: string;
}

export function encryptTokens(cipher: TokenCipher, personId: string, tokens: TokenSet): EncryptedTokens {
  return {
    accessToken: cipher.encrypt(tokens.accessToken, accessContext(personId)),
    refreshToken: cipher.encrypt(tokens.refreshToken, refreshContext(personId)),
    scopes: tokens.scopes.join(' '),
  };
}

/** The account, or null (with a warning naming only the person) when its tokens do not decrypt. */
export function decryptAccount(cipher: TokenCipher, row: AccountRecord, logger: Logger): Account | null {
  try {
    return {
      personId: row.person_id,
      email: row.email,
      tokens: {
        accessToken: cipher.decrypt(row.access_token, accessContext(row.person_id)),
        accessTokenExpiresAt: row.access_token_expires_at,
        refreshToken: cipher.decrypt(row.refresh_token, refreshContext(row.person_id)),
        refreshTokenExpiresAt: row.refresh_token_expires_at,
        scopes: row.scopes.split(' ').filter(Boolean),
      },
      connectedAt: row.connected_at,
      updatedAt: row.updated_at,
    };
  } catch (err) {
    if (!(err instanceof TokenDecryptionError)) throw err;
    logger.warn(
      { personId: row.person_id, reason: err.message },
      'stored tokens cannot be decrypted (was TOKEN_ENCRYPTION_KEY changed?); treating the person as not connected',
    );
    return null;
  }
}

export interface OAuthStateRecord {
  state: string;
  person_id: string;
  code_verifier: string;
  created_at: Date;
  expires_at: Date;
}

export function encryptVerifier(cipher: TokenCipher, state: OAuthState): string {
  return cipher.encrypt(state.codeVerifier, verifierContext(state.state));
}

export function decryptOAuthState(cipher: TokenCipher, row: OAuthStateRecord, logger: Logger): OAuthState | null {
  try {
    return {
      state: row.state,
      personId: row.person_id,
      codeVerifier: cipher.decrypt(row.code_verifier, verifierContext(row.state)),
      createdAt: row.created_at,
      expiresAt: row.expires_at,
    };
  } catch (err) {
    if (!(err instanceof TokenDecryptionError)) throw err;
    logger.warn({ personId: row.person_id }, 'sign-in state cannot be decrypted; treating it as unknown');
    return null;
  }
}

export interface PendingRecord {
  seq: number | string;
  person_id: string;
  room_id: string;
  room_type: string;
  message_id: string;
  text: string;
  created_at: Date;
}

/** Oldest first; insertion order breaks ties. */
export function toPendingRequests(rows: PendingRecord[]): PendingRequest[] {
  return [...rows]
    .sort((a, b) => a.created_at.getTime() - b.created_at.getTime() || Number(a.seq) - Number(b.seq))
    .map((row) => ({
      personId: row.person_id,
      roomId: row.room_id,
      roomType: row.room_type === 'group' ? 'group' : 'direct',
      messageId: row.message_id,
      text: row.text,
      createdAt: row.created_at,
    }));
}

/** Decides when a store instance prunes old event ids: at most once per interval. */
export class PruneSchedule {
  private last = Number.NEGATIVE_INFINITY;

  constructor(private readonly intervalMs: number) {}

  due(now: Date): boolean {
    if (now.getTime() - this.last < this.intervalMs) return false;
    this.last = now.getTime();
    return true;
  }
}
