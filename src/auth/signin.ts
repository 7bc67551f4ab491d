import { randomBytes } from 'node:crypto';
import type { Logger } from '../log';
import type { Store } from '../store/types';
import type { WebexClient } from '../webex/client';
import { WebexApiError } from '../webex/errors';
import { buildAuthorizeUrl, createPkcePair, exchangeCode } from '../webex/oauth';
import { getMe } from '../webex/people';
import type { Person } from '../webex/types';
import { tokenSetFrom } from './tokens';
import { describeFailure } from '../errors/messages';
import { boundedEcho, resultPage } from './pages';

/** How long a sign-in link stays valid. */
export const STATE_TTL_MS = 10 * 60 * 1000;

export interface SignInDeps {
  store: Store;
  client: WebexClient;
  apiUrl: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  scopes: readonly string[];
  logger: Logger;
  now: () => Date;
  /** Called once the person's tokens are stored: tell them, answer what they asked before. */
  onConnected(person: { personId: string; email: string }): Promise<void>;
}

export interface SignIn {
  /** A fresh single-use authorize URL bound to the person. */
  start(personId: string): Promise<string>;
  /** GET /oauth/callback. Every failure ends on a clear page and stores nothing. */
  callback(query: Record<string, string | undefined>): Promise<{ status: number; html: string }>;
}

/**
 * Webex sign-in with the authorization code flow, PKCE S256 and a single-use state bound to the
 * person who asked for the link.
 */
export function createSignIn(deps: SignInDeps): SignIn {
  const { store, logger, now } = deps;

  async function start(personId: string): Promise<string> {
    const state = randomBytes(24).toString('base64url');
    const pkce = createPkcePair();
    const created = now();
    await store.putOAuthState({
      state,
      personId,
      codeVerifier: pkce.verifier,
      createdAt: created,
      expiresAt: new Date(created.getTime() + STATE_TTL_MS),
    });
    return buildAuthorizeUrl({
      apiUrl: deps.apiUrl,
      clientId: deps.clientId,
      redirectUri: deps.redirectUri,
      scopes: [...deps.scopes],
      state,
      codeChallenge: pkce.challenge,
    });
  }

  async function callback(query: Record<string, string | undefined>): Promise<{ status: number; html: string }> {
    const { state, code, error } = query;
    const pending = state ? await store.takeOAuthState(state, now()) : null;
    if (error) {
      logger.info({ outcome: 'declined', error: boundedEcho(error) }, 'sign-in not completed');
      return resultPage(400, 'Sign-in not completed', error === 'access_denied'
        ? 'You declined access, so nothing was linked. Send "connect" to the bot to try again.'
        : `Webex answered "${boundedEcho(error)}", so nothing was linked. Send "connect" to the bot to try again.`);
    }
    if (!state || !code) {
      return resultPage(400, 'Sign-in link incomplete', 'This page needs the code and state Webex adds. Send "connect" to the bot for a new link.');
    }
    if (!pending) {
      logger.info({ outcome: 'unknown-state' }, 'sign-in refused');
      return resultPage(400, 'Sign-in link not valid', 'This sign-in link is unknown or has already been used. Send "connect" to the bot for a new one.');
    }
    if (pending.expiresAt.getTime() <= now().getTime()) {
      logger.info({ outcome: 'expired-state', personId: pending.personId }, 'sign-in refused');
      return resultPage(400, 'Sign-in link expired', 'Sign-in links are valid for 10 minutes. Send "connect" to the bot for a new one.');
    }
    let person: Person;
    let tokens;
    try {
      const answer = await exchangeCode(deps.client, {
        clientId: deps.clientId,
        clientSecret: deps.clientSecret,
        code,
        redirectUri: deps.redirectUri,
        codeVerifier: pending.codeVerifier,
      });
      tokens = tokenSetFrom(answer, now(), deps.scopes);
      person = await getMe(deps.client, tokens.accessToken);
    } catch (err) {
      const trackingId = err instanceof WebexApiError ? err.trackingId : undefined;
      logger.warn({ outcome: 'exchange-failed', personId: pending.personId, status: err instanceof WebexApiError ? err.status : undefined, trackingId }, 'sign-in refused');
      // The error table's sentence, without its chat formatting (this is a web page).
      const reason = describeFailure('sign-in', err).replace(/`/g, '');
      return resultPage(502, 'Webex refused the sign-in', `${reason} Nothing was linked. Send "connect" to the bot to try again.`);
    }
    if (person.id !== pending.personId) {
      logger.warn({ outcome: 'person-mismatch', personId: pending.personId }, 'sign-in refused');
      return resultPage(403, 'Different Webex account', 'You signed in with a different Webex account from the one that asked for this link, so nothing was linked. Ask the bot for your own link with "connect".');
    }
    const email = (person.emails[0] ?? '').toLowerCase();
    await store.saveAccount({ personId: person.id, email, tokens }, now());
    // The person's older sign-in links (on earlier cards) are spent with this one.
    await store.forgetOAuthStatesOf(person.id);
    await store.setProfileTimezone(person.id, person.timezone ?? null, now());
    logger.info({ outcome: 'connected', personId: person.id, scopes: tokens.scopes }, 'sign-in completed');
    deps.onConnected({ personId: person.id, email }).catch((err: unknown) => {
      logger.error({ err: String(err), personId: person.id }, 'could not finish after sign-in');
    });
    return resultPage(200, 'Connected', `Your Webex account ${email} is linked to the bot. You can close this tab and go back to Webex.`);
  }

  return { start, callback };
}
