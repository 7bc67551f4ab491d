/**
 * Webex Integration sign-in: OAuth 2 authorization code flow with PKCE (README, "Deploying").
 *
 * The token endpoint takes the client credentials in the form body, so these calls carry no
 * Authorization header. They are POSTs, hence never retried after a 4xx or a lost answer: a code
 * is single use, and a refused refresh must reach the caller at once.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { WebexClient } from './client';
import { WebexApiError } from './errors';
import type { TokenResponse } from './types';

export interface AuthorizeUrlOptions {
  /** The Webex API base, e.g. `https://webexapis.com/v1`; the page is `{apiUrl}/authorize`. */
  apiUrl: string;
  clientId: string;
  redirectUri: string;
  scopes: string[];
  state: string;
  codeChallenge: string;
}

/** The sign-in page to send the person to. */
export function buildAuthorizeUrl(options: AuthorizeUrlOptions): string {
  const params: Array<[string, string]> = [
    ['response_type', 'code'],
    ['client_id', options.clientId],
    ['redirect_uri', options.redirectUri],
    ['scope', options.scopes.join(' ')],
    ['state', options.state],
    ['code_challenge', options.codeChallenge],
    ['code_challenge_method', 'S256'],
  ];
  // encodeURIComponent rather than URLSearchParams: spaces in `scope` become %20, not "+".
  const query = params.map(([key, value]) => `${key}=${encodeURIComponent(value)}`).join('&');
  return `${options.apiUrl.replace(/\/+$/, '')}/authorize?${query}`;
}

export interface PkcePair {
  /** 43 characters of base64url (32 random bytes): kept server-side until the callback. */
  verifier: string;
  /** base64url(SHA-256(verifier)): sent in the authorize URL. */
  challenge: string;
}

/** RFC 7636 S256 challenge of a verifier. */
export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

export function createPkcePair(): PkcePair {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: pkceChallenge(verifier) };
}

export interface ExchangeCodeOptions {
  clientId: string;
  clientSecret: string;
  code: string;
  redirectUri: string;
  codeVerifier: string;
}

/** `POST /access_token` with `grant_type=authorization_code`. */
export async function exchangeCode(client: WebexClient, options: ExchangeCodeOptions): Promise<TokenResponse> {
  return postTokenForm(client, {
    grant_type: 'authorization_code',
    client_id: options.clientId,
    client_secret: options.clientSecret,
    code: options.code,
    redirect_uri: options.redirectUri,
    code_verifier: options.codeVerifier,
  });
}

export interface RefreshOptions {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

/** `POST /access_token` with `grant_type=refresh_token`. A refusal throws WebexApiError (400/401). */
export async function refreshAccessToken(client: WebexClient, options: RefreshOptions): Promise<TokenResponse> {
  return postTokenForm(client, {
    grant_type: 'refresh_token',
    client_id: options.clientId,
    client_secret: options.clientSecret,
    refresh_token: options.refreshToken,
  });
}

async function postTokenForm(client: WebexClient, form: Record<string, string>): Promise<TokenResponse> {
  const res = await client.request<TokenResponse>({ method: 'POST', path: '/access_token', form });
  const body = res.body as Partial<TokenResponse> | undefined;
  if (!body || typeof body.access_token !== 'string' || !body.access_token || typeof body.expires_in !== 'number') {
    throw new WebexApiError({
      kind: 'http',
      status: res.status,
      method: 'POST',
      path: '/access_token',
      detail: 'the token answer has no access_token or expires_in',
      trackingId: firstValue(res.headers.trackingid),
      secrets: Object.values(form),
    });
  }
  return body as TokenResponse;
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
