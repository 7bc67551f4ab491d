/**
 * Converged Recordings API, always called with the asking person's own token.
 */
import type { WebexClient } from './client';
import { WebexUrlRefusedError } from './errors';
import { parseLinkHeader } from './link-header';
import type { ListPage, Recording, RecordingListItem } from './types';

/** `GET /convergedRecordings/{id}`, times rendered by Webex in `timeZone` (IANA). */
export async function getRecording(client: WebexClient, token: string, id: string, timeZone: string): Promise<Recording> {
  const { body } = await client.request<Recording>({
    method: 'GET',
    path: `/convergedRecordings/${encodeURIComponent(id)}`,
    route: '/convergedRecordings/{id}',
    token,
    headers: { timezone: timeZone },
  });
  return body;
}

export interface ListRecordingsOptions {
  /** How many recordings to gather, newest first (1 or more; pages of at most 100 are asked for). */
  max: number;
  /** ISO 8601; without `from`/`to` Webex uses the last 7 days. */
  from?: string;
  to?: string;
  timeZone: string;
  /** `available` (Webex's default) or `deleted` (the recycle bin). */
  status?: 'available' | 'deleted';
  /** Recordings whose topic contains these words. */
  topic?: string;
  /**
   * The whole organisation's list, `GET /admin/convergedRecordings` (admin or compliance
   * access; `from`–`to` at most 30 days apart), optionally of one owner.
   */
  admin?: { ownerEmail?: string };
}

export interface RecordingList {
  items: RecordingListItem[];
  /** The window asked for; undefined ends mean Webex's default (the last 7 days). */
  window: { from?: string; to?: string };
}

/** A safety net against a server that keeps answering with a `next` link. */
const MAX_PAGES = 50;

/**
 * `GET /convergedRecordings`, following `Link: <…>; rel="next"` until `max` items are gathered or
 * there is no next page. Each page asks for `max=min(100, remaining)`.
 */
export async function listRecordings(client: WebexClient, token: string, options: ListRecordingsOptions): Promise<RecordingList> {
  const wanted = Math.max(0, Math.floor(options.max));
  const window: RecordingList['window'] = {};
  if (options.from !== undefined) window.from = options.from;
  if (options.to !== undefined) window.to = options.to;
  const items: RecordingListItem[] = [];
  if (wanted === 0) return { items, window };

  const path = options.admin ? '/admin/convergedRecordings' : '/convergedRecordings';
  const common = { method: 'GET' as const, route: path, token, headers: { timezone: options.timeZone } };
  let page = await client.request<ListPage<RecordingListItem>>({
    ...common,
    path,
    query: {
      max: Math.min(100, wanted),
      from: options.from,
      to: options.to,
      status: options.status,
      topic: options.topic,
      ownerEmail: options.admin?.ownerEmail,
    },
  });
  const seen = new Set<string>();
  for (let pages = 1; ; pages++) {
    const pageItems = Array.isArray(page.body?.items) ? page.body.items : [];
    items.push(...pageItems.slice(0, wanted - items.length));
    const next = parseLinkHeader(page.headers.link).next;
    if (items.length >= wanted || !next || pageItems.length === 0 || pages >= MAX_PAGES) break;
    const nextUrl = resolveNext(client, next);
    if (seen.has(nextUrl.href)) break;
    seen.add(nextUrl.href);
    nextUrl.searchParams.set('max', String(Math.min(100, wanted - items.length)));
    page = await client.requestUrl<ListPage<RecordingListItem>>({ ...common, url: nextUrl.href });
  }
  return { items, window };
}

function resolveNext(client: WebexClient, next: string): URL {
  try {
    return new URL(next, `${client.baseUrl}/`);
  } catch {
    throw new WebexUrlRefusedError('', 'the next-page link is not a valid URL');
  }
}

export interface DownloadedFile {
  contentType: string;
  body: Buffer;
  /** From `Content-Disposition`, reduced to a plain file name. */
  fileName?: string;
}

/**
 * Whether a link may receive the user's token: the configured API origin, or an HTTPS host under
 * webex.com (where the notes and action-items links live). Anything else, and any URL carrying
 * credentials, is refused before a request is made.
 */
export function mayReceiveToken(client: WebexClient, url: URL): boolean {
  if (url.username || url.password) return false;
  if (client.isSameOrigin(url)) return true;
  const host = url.hostname.toLowerCase();
  return url.protocol === 'https:' && host.endsWith('.webex.com');
}

/** Default cap on a downloaded notes file: these are text documents. */
const DOWNLOAD_LIMIT_BYTES = 25 * 1024 * 1024;

/**
 * Downloads a notes or action-items link, which needs the user's bearer token. Redirects are not
 * followed (a redirect answer is an error), so the token never travels past the checked host.
 */
export async function downloadWithToken(
  client: WebexClient,
  token: string,
  url: string,
  options: { maxBytes?: number } = {},
): Promise<DownloadedFile> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new WebexUrlRefusedError('', 'not a valid absolute URL');
  }
  if (!mayReceiveToken(client, parsed)) {
    throw new WebexUrlRefusedError(parsed.host, 'only the Webex API and https://*.webex.com may receive the token');
  }
  const res = await client.requestUrl<Buffer>({
    method: 'GET',
    url: parsed.href,
    route: 'download',
    token,
    headers: { accept: '*/*' },
    responseType: 'buffer',
    maxBodyBytes: options.maxBytes ?? DOWNLOAD_LIMIT_BYTES,
    allowUrl: (u) => mayReceiveToken(client, u),
  });
  const contentType = firstValue(res.headers['content-type']) ?? 'application/octet-stream';
  const fileName = fileNameFrom(firstValue(res.headers['content-disposition']));
  return fileName === undefined ? { contentType, body: res.body } : { contentType, body: res.body, fileName };
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** `attachment; filename*=UTF-8''notes%20v1.txt` or `filename="notes.txt"` → a safe base name. */
export function fileNameFrom(disposition: string | undefined): string | undefined {
  if (!disposition) return undefined;
  let name: string | undefined;
  const extended = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(disposition);
  if (extended) {
    try {
      name = decodeURIComponent(extended[2]!.trim());
    } catch {
      name = undefined;
    }
  }
  if (name === undefined) {
    const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]+))/i.exec(disposition);
    name = plain ? (plain[1]?.replace(/\\(.)/g, '$1') ?? plain[2]?.trim()) : undefined;
  }
  if (!name) return undefined;
  // eslint-disable-next-line no-control-regex
  const base = name.split(/[/\\]/).pop()!.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return base && base !== '.' && base !== '..' ? base.slice(0, 200) : undefined;
}
