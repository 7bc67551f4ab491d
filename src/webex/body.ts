/**
 * Request and response bodies of Webex calls: encoding what we send (JSON, form, multipart) once,
 * so that a retry sends the same bytes, and reading what comes back with a size limit.
 */
import { Response, type FormData } from 'undici';
import type { Readable } from 'node:stream';

export type ResponseType = 'json' | 'text' | 'buffer' | 'none';

export interface RequestBodyOptions {
  json?: unknown;
  form?: Record<string, string>;
  multipart?: FormData;
}

export interface EncodedBody {
  body?: string | Buffer;
  contentType?: string;
  /** Values sent in the body that error messages must not repeat (form fields carry OAuth secrets). */
  secrets: string[];
}

export async function encodeBody(options: RequestBodyOptions): Promise<EncodedBody> {
  const given = [options.json !== undefined, options.form !== undefined, options.multipart !== undefined];
  if (given.filter(Boolean).length > 1) throw new TypeError('give at most one of json, form and multipart');
  if (options.json !== undefined) {
    return { body: JSON.stringify(options.json), contentType: 'application/json; charset=utf-8', secrets: [] };
  }
  if (options.form !== undefined) {
    return {
      body: new URLSearchParams(options.form).toString(),
      contentType: 'application/x-www-form-urlencoded',
      secrets: Object.values(options.form),
    };
  }
  if (options.multipart !== undefined) {
    // Serialised to bytes up front (boundary included) so that a retry can send it again.
    const encoded = new Response(options.multipart);
    const contentType = encoded.headers.get('content-type') ?? undefined;
    const body = Buffer.from(await encoded.arrayBuffer());
    return contentType === undefined ? { body, secrets: [] } : { body, contentType, secrets: [] };
  }
  return { secrets: [] };
}

/**
 * Reads a whole response body, or stops and returns undefined once it grows past `maxBytes`
 * (the rest is discarded, the connection is not reused).
 */
export async function readLimited(body: Readable, maxBytes: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const piece = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    size += piece.length;
    if (size > maxBytes) {
      body.destroy();
      return undefined;
    }
    chunks.push(piece);
  }
  return Buffer.concat(chunks);
}

/**
 * The body of a 2xx answer as asked for: parsed JSON (undefined when empty), text, bytes, or
 * nothing. A body that is too large or not JSON is a `problem`, reported as an error by the client.
 */
export async function readSuccessBody(
  body: Readable & { dump(): Promise<void> },
  responseType: ResponseType,
  maxBytes: number,
): Promise<{ value: unknown } | { problem: string }> {
  if (responseType === 'none') {
    await body.dump();
    return { value: undefined };
  }
  const raw = await readLimited(body, maxBytes);
  if (raw === undefined) return { problem: `response body larger than ${maxBytes} bytes` };
  if (responseType === 'buffer') return { value: raw };
  const text = raw.toString('utf8');
  if (responseType === 'text') return { value: text };
  // Not `trim()`: the Webex SDK's polyfills (core-js, loaded with the framework) replace it with a
  // slower one that copies the whole body.
  if (!/\S/.test(text)) return { value: undefined };
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return { problem: 'response body is not JSON' };
  }
}

/** Webex error bodies: `{"message": "...", "errors": [{"description": "..."}], "trackingId": "..."}`. */
export function parseErrorBody(text: string): { message?: string; trackingId?: string } {
  if (!text) return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (!parsed || typeof parsed !== 'object') return {};
    const record = parsed as Record<string, unknown>;
    const out: { message?: string; trackingId?: string } = {};
    if (typeof record.message === 'string') out.message = record.message;
    else if (Array.isArray(record.errors)) {
      const first = record.errors[0] as Record<string, unknown> | undefined;
      if (first && typeof first.description === 'string') out.message = first.description;
    }
    if (typeof record.trackingId === 'string' && record.trackingId) out.trackingId = record.trackingId;
    return out;
  } catch {
    return {};
  }
}

export function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
