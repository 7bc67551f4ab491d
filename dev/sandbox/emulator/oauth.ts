/**
 * Webex Integration sign-in: /authorize requests, consent decisions, authorization codes (single
 * use, short-lived, PKCE S256) and the token endpoint (code and refresh grants).
 */
import { createHash } from 'node:crypto';
import { ApiError } from './errors';
import { randomSecret } from './ids';
import type { EmulatorState } from './state';
import type { IntegrationInput, IssueTokenOptions, PersonRole, TokenPair, TokenStats } from './types';
import type { TokenResponse } from '../../../src/webex/types';

export interface AuthRequest {
  id: string;
  clientId: string;
  redirectUri: string;
  scopes: string[];
  state?: string;
  codeChallenge?: string;
  codeChallengeMethod?: 'S256' | 'plain';
  loginHint?: string;
}

interface CodeRecord {
  code: string;
  clientId: string;
  redirectUri: string;
  personId: string;
  scopes: string[];
  codeChallenge?: string;
  codeChallengeMethod?: 'S256' | 'plain';
  createdAt: number;
  used: boolean;
}

export type AuthorizeOutcome =
  | { kind: 'consent'; request: AuthRequest }
  | { kind: 'page-error'; message: string }
  | { kind: 'redirect'; url: string };

const SCOPE_SYNTAX = /^[a-z][a-z0-9-]*:[a-z0-9_]+$/i;

/** Scopes a person of this role may be granted: admin and compliance scopes need those roles. */
export function scopeAllowed(role: PersonRole, scope: string): boolean {
  if (scope.startsWith('spark-admin:')) return role === 'admin';
  if (scope.startsWith('spark-compliance:')) return role === 'compliance';
  return true;
}

function oauthError(error: string, description: string): ApiError {
  return new ApiError(400, error, undefined, { errors: [{ description }], error, error_description: description });
}

function redirectWith(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [key, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(key, value);
  return url.toString();
}

export class OAuthService {
  readonly integrations = new Map<string, IntegrationInput>();
  private readonly pending = new Map<string, AuthRequest>();
  private readonly codes = new Map<string, CodeRecord>();
  private readonly stats = new Map<string, TokenStats>();

  constructor(private readonly state: EmulatorState) {}

  register(input: IntegrationInput): void {
    if (!input.clientId || !input.clientSecret) throw new Error('Emulator: an integration needs clientId and clientSecret');
    this.integrations.set(input.clientId, { ...input, redirectUris: [...input.redirectUris] });
  }

  /** Validates GET /authorize parameters; a valid request is kept until the person decides. */
  authorize(params: URLSearchParams): AuthorizeOutcome {
    const clientId = params.get('client_id') ?? '';
    const redirectUri = params.get('redirect_uri') ?? '';
    const integration = this.integrations.get(clientId);
    if (!integration) return { kind: 'page-error', message: 'Unknown client_id: the integration is not registered.' };
    if (!integration.redirectUris.includes(redirectUri)) {
      return { kind: 'page-error', message: 'redirect_uri does not match any redirect URI registered for this integration.' };
    }
    if (params.get('response_type') !== 'code') return { kind: 'page-error', message: 'response_type must be "code".' };
    const stateParam = params.get('state') ?? undefined;
    const scopes = (params.get('scope') ?? '').split(/[\s+]+/).filter(Boolean);
    if (scopes.length === 0 || !scopes.every((s) => SCOPE_SYNTAX.test(s))) {
      return { kind: 'redirect', url: redirectWith(redirectUri, { error: 'invalid_scope', state: stateParam }) };
    }
    const codeChallenge = params.get('code_challenge') ?? undefined;
    const method = params.get('code_challenge_method') ?? (codeChallenge ? 'plain' : undefined);
    if (method !== undefined && method !== 'S256' && method !== 'plain') {
      return { kind: 'redirect', url: redirectWith(redirectUri, { error: 'invalid_request', state: stateParam }) };
    }
    const request: AuthRequest = {
      id: randomSecret(16),
      clientId,
      redirectUri,
      scopes,
      state: stateParam,
      codeChallenge,
      codeChallengeMethod: codeChallenge ? (method as 'S256' | 'plain') : undefined,
      loginHint: params.get('login_hint') ?? undefined,
    };
    this.pending.set(request.id, request);
    return { kind: 'consent', request };
  }

  /** The person's answer on the consent page → the redirect URL (with code, or with error=access_denied). */
  decide(requestId: string, personId: string, decision: 'accept' | 'decline'): string {
    const request = this.pending.get(requestId);
    if (!request) throw new Error('This sign-in request is unknown or was already answered.');
    this.pending.delete(requestId);
    if (decision === 'decline') return redirectWith(request.redirectUri, { error: 'access_denied', state: request.state });
    const person = this.state.findPerson(personId);
    if (!person || person.isBot) throw new Error('Pick a person to sign in as.');
    const scopes = request.scopes.filter((s) => scopeAllowed(person.role, s));
    if (scopes.length === 0) return redirectWith(request.redirectUri, { error: 'invalid_scope', state: request.state });
    const code = randomSecret(32);
    this.codes.set(code, {
      code,
      clientId: request.clientId,
      redirectUri: request.redirectUri,
      personId: person.person.id,
      scopes,
      codeChallenge: request.codeChallenge,
      codeChallengeMethod: request.codeChallengeMethod,
      createdAt: this.state.now(),
      used: false,
    });
    return redirectWith(request.redirectUri, { code, state: request.state });
  }

  /** POST /access_token. Throws Webex/OAuth-shaped 400 errors. */
  token(form: Record<string, string | undefined>): TokenResponse {
    const grantType = form.grant_type;
    if (grantType !== 'authorization_code' && grantType !== 'refresh_token') {
      throw oauthError('unsupported_grant_type', 'grant_type must be authorization_code or refresh_token.');
    }
    const integration = form.client_id ? this.integrations.get(form.client_id) : undefined;
    if (!integration || integration.clientSecret !== form.client_secret) {
      throw oauthError('invalid_client', 'The client_id or client_secret is not valid.');
    }
    return grantType === 'authorization_code' ? this.codeGrant(integration.clientId, form) : this.refreshGrant(integration.clientId, form);
  }

  issue(personId: string, options: IssueTokenOptions): TokenPair & { expiresIn: number; refreshExpiresIn: number } {
    const person = this.state.requirePerson(personId);
    const now = this.state.now();
    const expiresIn = options.expiresInSeconds ?? this.state.config.accessTokenLifetimeSeconds;
    const refreshExpiresIn = this.state.config.refreshTokenLifetimeSeconds;
    const refreshToken = randomSecret(48);
    this.state.refreshTokens.set(refreshToken, {
      token: refreshToken,
      personId: person.person.id,
      scopes: [...options.scopes],
      expiresAt: now + refreshExpiresIn * 1000,
      clientId: options.clientId,
      revoked: false,
    });
    const accessToken = this.newAccessToken(person.person.id, options.scopes, expiresIn);
    return { accessToken, refreshToken, expiresIn, refreshExpiresIn };
  }

  expireAccessTokens(personId: string): void {
    const now = this.state.now();
    for (const token of this.state.accessTokens.values()) {
      if (token.personId === personId && token.kind === 'person') token.expiresAt = Math.min(token.expiresAt ?? now, now);
    }
  }

  revokeRefreshTokens(personId: string): void {
    for (const token of this.state.refreshTokens.values()) if (token.personId === personId) token.revoked = true;
  }

  tokenStats(personId: string): TokenStats {
    return { ...(this.stats.get(personId) ?? { refreshGrants: 0, codeGrants: 0 }) };
  }

  clear(): void {
    this.integrations.clear();
    this.pending.clear();
    this.codes.clear();
    this.stats.clear();
  }

  private codeGrant(clientId: string, form: Record<string, string | undefined>): TokenResponse {
    const record = form.code ? this.codes.get(form.code) : undefined;
    if (!record || record.clientId !== clientId) throw oauthError('invalid_grant', 'The authorization code is not valid.');
    if (record.used) throw oauthError('invalid_grant', 'The authorization code has already been used.');
    if (this.state.now() - record.createdAt > this.state.config.codeLifetimeSeconds * 1000) {
      throw oauthError('invalid_grant', 'The authorization code has expired.');
    }
    if (form.redirect_uri !== record.redirectUri) throw oauthError('invalid_grant', 'redirect_uri does not match the one used to authorize.');
    if (record.codeChallenge) {
      const verifier = form.code_verifier ?? '';
      const computed = record.codeChallengeMethod === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
      if (!verifier || computed !== record.codeChallenge) throw oauthError('invalid_grant', 'code_verifier does not match the code_challenge.');
    }
    record.used = true;
    this.bump(record.personId, 'codeGrants');
    const issued = this.issue(record.personId, { scopes: record.scopes, clientId });
    return this.tokenResponse(issued.accessToken, issued.expiresIn, issued.refreshToken, issued.refreshExpiresIn, record.scopes);
  }

  private refreshGrant(clientId: string, form: Record<string, string | undefined>): TokenResponse {
    const record = form.refresh_token ? this.state.refreshTokens.get(form.refresh_token) : undefined;
    const now = this.state.now();
    if (!record || record.revoked || record.expiresAt <= now || (record.clientId !== undefined && record.clientId !== clientId)) {
      throw oauthError('invalid_grant', 'The refresh token is not valid.');
    }
    this.bump(record.personId, 'refreshGrants');
    const expiresIn = this.state.config.accessTokenLifetimeSeconds;
    const accessToken = this.newAccessToken(record.personId, record.scopes, expiresIn);
    const refreshExpiresIn = Math.max(0, Math.floor((record.expiresAt - now) / 1000));
    return this.tokenResponse(accessToken, expiresIn, record.token, refreshExpiresIn, record.scopes);
  }

  private newAccessToken(personId: string, scopes: string[], expiresIn: number): string {
    const token = randomSecret(48);
    this.state.accessTokens.set(token, { token, personId, kind: 'person', scopes: [...scopes], expiresAt: this.state.now() + expiresIn * 1000 });
    return token;
  }

  private tokenResponse(accessToken: string, expiresIn: number, refreshToken: string, refreshExpiresIn: number, scopes: string[]): TokenResponse {
    return {
      access_token: accessToken,
      expires_in: expiresIn,
      refresh_token: refreshToken,
      refresh_token_expires_in: refreshExpiresIn,
      token_type: 'Bearer',
      scope: scopes.join(' '),
    };
  }

  private bump(personId: string, field: keyof TokenStats): void {
    const stats = this.stats.get(personId) ?? { refreshGrants: 0, codeGrants: 0 };
    stats[field] += 1;
    this.stats.set(personId, stats);
  }
}
