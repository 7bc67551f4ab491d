/** Assigns each request a TrackingID and records it in the call log once it is answered (or dropped). */
import { performance } from 'node:perf_hooks';
import type { NextFunction, Request, Response } from 'express';
import { newTrackingId } from './ids';
import type { CallerTag } from './auth';
import type { EmulatorState } from './state';
import type { CallRecord } from './types';

/** Query parameters never written to the call log. */
const SECRET_PARAMS = new Set(['ticket', 'code', 'code_verifier', 'client_secret', 'refresh_token', 'access_token', 'token']);

/** Path and query as logged: secret parameters and download tickets removed. */
export function sanitizePath(originalUrl: string): string {
  const [rawPath = '', rawQuery] = originalUrl.split('?', 2) as [string, string | undefined];
  const path = rawPath.replace(/^(\/downloads\/[^/]+\/)[^/.]+/, '$1***');
  if (!rawQuery) return path;
  const params = new URLSearchParams(rawQuery);
  for (const name of [...params.keys()]) if (SECRET_PARAMS.has(name)) params.delete(name);
  const query = params.toString();
  return query ? `${path}?${query}` : path;
}

export function trackAndLogCalls(state: EmulatorState) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const trackingId = newTrackingId();
    const startedAt = state.now();
    const started = process.hrtime.bigint();
    const startedMs = performance.now();
    res.locals.trackingId = trackingId;
    res.setHeader('TrackingID', trackingId);
    let logged = false;
    const log = (status: number): void => {
      if (logged) return;
      logged = true;
      const tag = (res.locals.callerTag as CallerTag | undefined) ?? { personId: null, kind: 'anonymous' };
      const record: CallRecord = {
        seq: state.nextCallSeq(),
        at: state.iso(startedAt),
        method: req.method,
        path: sanitizePath(req.originalUrl),
        status,
        durationMs: Number(process.hrtime.bigint() - started) / 1e6,
        startedMs,
        endedMs: performance.now(),
        caller: { personId: tag.personId, kind: tag.kind },
        trackingId,
      };
      state.calls.push(record);
      state.events.emit('call', record);
    };
    res.on('finish', () => log(res.statusCode));
    res.on('close', () => log(res.writableFinished ? res.statusCode : 0));
    next();
  };
}

/**
 * Holds every call `ms` milliseconds before it is handled: one round trip over the Internet, paid
 * before Webex acts (a message posted appears, and its webhook fires, only after it).
 */
export function delayCalls(ms: number) {
  return (_req: Request, _res: Response, next: NextFunction): void => {
    if (ms <= 0) return next();
    setTimeout(next, ms);
  };
}
