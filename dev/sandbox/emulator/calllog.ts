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

/** Bodies kept for the inspector are cut here. */
const MAX_BODY_CHARS = 16_000;
/** Fields whose values never reach the call log, wherever they appear in a body. */
const SECRET_FIELDS = new Set([...SECRET_PARAMS, 'client_secret', 'secret', 'authorization']);

function cut(text: string): string {
  return text.length > MAX_BODY_CHARS ? `${text.slice(0, MAX_BODY_CHARS)}\n… (${text.length - MAX_BODY_CHARS} more characters)` : text;
}

/** Blanks secret fields at any depth, and download tickets inside URLs. */
function redact(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/([?&]ticket=)[^&"\s]+/g, '$1***');
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_FIELDS.has(k) ? '[redacted]' : redact(v)]));
  }
  return value;
}

/** A body as the inspector shows it: JSON indented, forms as `a=b&c=d`, anything else by size. */
function describeBody(body: unknown, contentType: string, totalBytes?: number): string | undefined {
  if (body === undefined || body === null || body === '') return undefined;
  if (Buffer.isBuffer(body)) {
    if (body.length === 0) return undefined;
    if (!/json|text|html|x-www-form-urlencoded/.test(contentType)) return `(${totalBytes ?? body.length} bytes of ${contentType || 'data'})`;
    body = body.toString('utf8');
  }
  if (typeof body === 'string') {
    if (/x-www-form-urlencoded/.test(contentType)) return describeBody(Object.fromEntries(new URLSearchParams(body)), contentType);
    if (/json/.test(contentType)) {
      try {
        return cut(JSON.stringify(redact(JSON.parse(body)), null, 2));
      } catch {
        return cut(String(redact(body)));
      }
    }
    return cut(String(redact(body)));
  }
  if (typeof body === 'object') {
    const clean = redact(body) as Record<string, unknown>;
    if (/x-www-form-urlencoded/.test(contentType)) return cut(new URLSearchParams(clean as Record<string, string>).toString());
    if (Object.keys(clean).length === 0) return undefined;
    return cut(JSON.stringify(clean, null, 2));
  }
  return undefined;
}

/** Bytes of an answer kept for `describeBody` (a download's audio is only counted). */
const MAX_KEPT_BYTES = MAX_BODY_CHARS * 4;

/** Collects what the response writes, the first MAX_KEPT_BYTES of it, and counts the rest. */
function captureResponse(res: Response): () => { kept: Buffer; total: number } {
  const chunks: Buffer[] = [];
  let kept = 0;
  let total = 0;
  const keep = (chunk: unknown, encoding?: unknown) => {
    if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk), typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
    total += buffer.length;
    if (kept >= MAX_KEPT_BYTES) return;
    const part = buffer.subarray(0, MAX_KEPT_BYTES - kept);
    kept += part.length;
    chunks.push(Buffer.from(part));
  };
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => Response;
  (res as unknown as { write: (...args: unknown[]) => boolean }).write = (...args: unknown[]) => {
    keep(args[0], args[1]);
    return write(...args);
  };
  (res as unknown as { end: (...args: unknown[]) => Response }).end = (...args: unknown[]) => {
    keep(args[0], args[1]);
    return end(...args);
  };
  return () => ({ kept: Buffer.concat(chunks), total });
}

export function trackAndLogCalls(state: EmulatorState) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const trackingId = newTrackingId();
    const startedAt = state.now();
    const started = process.hrtime.bigint();
    const startedMs = performance.now();
    res.locals.trackingId = trackingId;
    res.setHeader('TrackingID', trackingId);
    const responseBytes = state.config.keepCallBodies ? captureResponse(res) : null;
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
      if (responseBytes) {
        const requestBody = describeBody(req.body, req.headers['content-type'] ?? '');
        const answer = responseBytes();
        const responseBody = describeBody(answer.kept, String(res.getHeader('content-type') ?? ''), answer.total);
        if (requestBody !== undefined) record.requestBody = requestBody;
        if (responseBody !== undefined) record.responseBody = responseBody;
      }
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
