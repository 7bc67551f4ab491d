/** List paging as Webex does it: `max`, and the next page's URL in `Link: <…>; rel="next"` with an opaque cursor. */
import type { Request, Response } from 'express';
import { ApiError } from './errors';
import type { EmulatorState } from './state';

/** First value of a query parameter, as a string. */
export function queryParam(req: Request, name: string): string | undefined {
  const value = (req.query as Record<string, unknown>)[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : undefined;
}

export function parseMax(req: Request, defaultMax: number, limit: number): number {
  const raw = queryParam(req, 'max');
  if (raw === undefined || raw === '') return defaultMax;
  const max = Number(raw);
  if (!Number.isInteger(max) || max < 1 || max > limit) throw new ApiError(400, `max must be an integer between 1 and ${limit}.`);
  return max;
}

function decodeCursor(cursor: string | undefined): number {
  if (!cursor) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { o?: unknown };
    if (typeof parsed.o === 'number' && Number.isInteger(parsed.o) && parsed.o >= 0) return parsed.o;
  } catch {
    // fall through
  }
  throw new ApiError(400, 'Invalid cursor.');
}

/**
 * One page of `items`; sets the Link header when more follow. `pin` overrides query parameters in
 * the next link (e.g. a default time window resolved on the first page, so later pages agree).
 */
export function paginate<T>(
  items: T[],
  req: Request,
  res: Response,
  state: EmulatorState,
  options: { defaultMax: number; limit: number; pin?: Record<string, string> },
): T[] {
  const max = parseMax(req, options.defaultMax, options.limit);
  const size = Math.min(max, state.config.maxPageItems);
  const offset = decodeCursor(queryParam(req, 'cursor'));
  const page = items.slice(offset, offset + size);
  if (offset + size < items.length) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(req.query as Record<string, unknown>)) {
      if (key === 'cursor' || key === 'max') continue;
      const first = Array.isArray(value) ? value[0] : value;
      if (typeof first === 'string') params.set(key, first);
    }
    for (const [key, value] of Object.entries(options.pin ?? {})) params.set(key, value);
    params.set('max', String(max));
    params.set('cursor', Buffer.from(JSON.stringify({ o: offset + size })).toString('base64url'));
    const path = req.originalUrl.split('?')[0];
    res.setHeader('Link', `<${state.baseUrl}${path}?${params.toString()}>; rel="next"`);
  }
  return page;
}
