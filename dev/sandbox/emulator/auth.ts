/** Who is calling: the bearer token resolved to a bot or a person, with its scopes. */
import type { NextFunction, Request, Response } from 'express';
import { ApiError } from './errors';
import type { EmulatorState } from './state';
import type { CallerKind } from './types';

export interface Caller {
  kind: 'bot' | 'person';
  personId: string;
  scopes: string[];
  token: string;
}

/** What the call log shows as the caller (also set for expired tokens, so the log says whose it was). */
export interface CallerTag {
  personId: string | null;
  kind: CallerKind;
}

export function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : undefined;
}

/** Resolves the token (if any) into `res.locals.caller` and `res.locals.callerTag`; never rejects. */
export function identifyCaller(state: EmulatorState) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const token = bearerToken(req);
    const record = token ? state.accessTokens.get(token) : undefined;
    const tag: CallerTag = { personId: null, kind: 'anonymous' };
    if (record && state.people.has(record.personId)) {
      tag.personId = record.personId;
      tag.kind = record.kind;
      if (record.expiresAt === null || record.expiresAt > state.now()) {
        const caller: Caller = { kind: record.kind, personId: record.personId, scopes: record.scopes, token: record.token };
        res.locals.caller = caller;
      }
    }
    res.locals.callerTag = tag;
    next();
  };
}

export function requireCaller(req: Request, res: Response, next: NextFunction): void {
  if (!res.locals.caller) throw new ApiError(401, 'The request requires a valid access token set in the Authorization request header.');
  next();
}

export function callerOf(res: Response): Caller {
  const caller = res.locals.caller as Caller | undefined;
  if (!caller) throw new ApiError(401, 'The request requires a valid access token set in the Authorization request header.');
  return caller;
}

export function hasScope(caller: Caller, scope: string): boolean {
  return caller.scopes.includes(scope);
}
