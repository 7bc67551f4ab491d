import type { Logger } from '../log';
import type { Store, TokenSet } from '../store/types';
import type { WebexClient } from '../webex/client';
import { WebexApiError } from '../webex/errors';
import { refreshAccessToken } from '../webex/oauth';
import type { TokenResponse } from '../webex/types';

/** Refresh when the access token expires within this window. */
export const REFRESH_MARGIN_MS = 5 * 60 * 1000;

/** The person has no usable Webex sign-in: never connected, disconnected, or refresh refused. */
export class NotConnectedError extends Error {
  constructor(readonly personId: string, readonly reason: 'never' | 'refresh-refused') {
    super(reason === 'never' ? 'not connected' : 'sign-in expired');
    this.name = 'NotConnectedError';
  }
}

export function tokenSetFrom(response: TokenResponse, now: Date, fallbackScopes: readonly string[]): TokenSet {
  return {
    accessToken: response.access_token,
    accessTokenExpiresAt: new Date(now.getTime() + response.expires_in * 1000),
    refreshToken: response.refresh_token,
    refreshTokenExpiresAt: response.refresh_token_expires_in ? new Date(now.getTime() + response.refresh_token_expires_in * 1000) : null,
    scopes: response.scope ? response.scope.split(/[\s,]+/).filter(Boolean) : [...fallbackScopes],
  };
}

/**
 * One person's sign-in for the length of one command or click: the account is read (and its
 * tokens decrypted) once, when it is opened; every call of the command uses it.
 */
export interface PersonSession {
  readonly personId: string;
  /** The email of the Webex account the person signed in with. */
  readonly email: string;
  /** The scopes the tokens carry (the refreshed ones after a refresh). */
  scopes(): readonly string[];
  /** A valid access token, refreshed first when it expires within 5 minutes. */
  accessToken(): Promise<string>;
  /**
   * Runs `call` with the token; when Webex answers 401, refreshes once and runs it once more.
   * Throws NotConnectedError when the sign-in is refused.
   */
  withToken<T>(call: (token: string) => Promise<T>): Promise<T>;
}

export interface TokenProvider {
  /** The person's sign-in, read once; throws NotConnectedError when they never connected. */
  open(personId: string): Promise<PersonSession>;
  /** A valid access token for the person, refreshed first when it expires within 5 minutes. */
  accessToken(personId: string): Promise<string>;
  /**
   * Runs `call` with the person's token; when Webex answers 401, refreshes once and runs it
   * once more. Throws NotConnectedError when there is no usable sign-in.
   */
  withToken<T>(personId: string, call: (token: string) => Promise<T>): Promise<T>;
}

/**
 * Per-person access tokens with refresh. One refresh per person at a time: the store's refresh
 * lock serialises refreshes (across instances with Postgres), and whoever gets the lock second
 * finds the fresh token already stored and uses it instead of refreshing again.
 */
export function createTokenProvider(deps: {
  store: Store;
  client: WebexClient;
  clientId: string;
  clientSecret: string;
  scopes: readonly string[];
  logger: Logger;
  now: () => Date;
  /** Called when Webex refuses the refresh, before the tokens are forgotten, with the last access token. */
  beforeForget?: (personId: string, lastAccessToken: string) => Promise<void>;
}): TokenProvider {
  const { store, client, logger, now } = deps;

  /** Refreshes under the store's lock; resolves with the tokens now stored. */
  async function refresh(personId: string, staleToken: string | null): Promise<TokenSet> {
    return store.withRefreshLock(personId, async () => {
      const account = await store.getAccount(personId);
      if (!account) throw new NotConnectedError(personId, 'never');
      const current = account.tokens;
      const stillFresh = current.accessTokenExpiresAt.getTime() - now().getTime() > REFRESH_MARGIN_MS;
      if (stillFresh && current.accessToken !== staleToken) return current;
      try {
        const answer = await refreshAccessToken(client, {
          clientId: deps.clientId,
          clientSecret: deps.clientSecret,
          refreshToken: current.refreshToken,
        });
        const tokens = tokenSetFrom(answer, now(), current.scopes.length ? current.scopes : deps.scopes);
        if (!answer.refresh_token) tokens.refreshToken = current.refreshToken;
        await store.updateTokens(personId, tokens, now());
        logger.info({ personId }, 'access token refreshed');
        return tokens;
      } catch (err) {
        if (err instanceof WebexApiError && err.status >= 400 && err.status < 500) {
          logger.warn({ personId, status: err.status, trackingId: err.trackingId }, 'refresh refused; forgetting the tokens');
          await deps.beforeForget?.(personId, current.accessToken).catch((hookErr: unknown) => logger.warn({ personId, err: String(hookErr) }, 'clean-up before forgetting the tokens failed'));
          await store.deleteAccount(personId);
          throw new NotConnectedError(personId, 'refresh-refused');
        }
        throw err;
      }
    });
  }

  async function open(personId: string): Promise<PersonSession> {
    const account = await store.getAccount(personId);
    if (!account) throw new NotConnectedError(personId, 'never');
    let tokens = account.tokens;
    const accessToken = async (): Promise<string> => {
      const remaining = tokens.accessTokenExpiresAt.getTime() - now().getTime();
      if (remaining <= REFRESH_MARGIN_MS) tokens = await refresh(personId, tokens.accessToken);
      return tokens.accessToken;
    };
    return {
      personId,
      email: account.email,
      scopes: () => tokens.scopes,
      accessToken,
      async withToken<T>(call: (token: string) => Promise<T>): Promise<T> {
        const token = await accessToken();
        try {
          return await call(token);
        } catch (err) {
          if (!(err instanceof WebexApiError) || err.status !== 401) throw err;
          tokens = await refresh(personId, token);
          try {
            return await call(tokens.accessToken);
          } catch (again) {
            if (again instanceof WebexApiError && again.status === 401) {
              await deps.beforeForget?.(personId, tokens.accessToken).catch((hookErr: unknown) => logger.warn({ personId, err: String(hookErr) }, 'clean-up before forgetting the tokens failed'));
              await store.deleteAccount(personId);
              throw new NotConnectedError(personId, 'refresh-refused');
            }
            throw again;
          }
        }
      },
    };
  }

  return {
    open,
    accessToken: async (personId) => (await open(personId)).accessToken(),
    withToken: async (personId, call) => (await open(personId)).withToken(call),
  };
}
