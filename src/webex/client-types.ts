/**
 * Options and results of WebexClient calls (see client.ts).
 */
import type { Dispatcher } from 'undici';
import type { Logger } from '../log';
import type { RequestBodyOptions, ResponseType } from './body';
import type { WebexErrorKind } from './errors';
import type { HttpMethod } from './retry';
import type { Clock } from '../clock';

export type ResponseHeaders = Dispatcher.ResponseData['headers'];

/** One attempt of one call, for metrics: status 0 when no answer came back. */
export interface WebexCallInfo {
  method: HttpMethod;
  path: string;
  /** Low-cardinality label (e.g. `/convergedRecordings/{id}`); the path when none was given. */
  route: string;
  status: number;
  durationMs: number;
  trackingId?: string;
  attempt: number;
  /** Set when the attempt failed. */
  kind?: WebexErrorKind;
}

export interface WebexClientOptions {
  /** Base of every call, e.g. `https://webexapis.com/v1` or an emulator's `http://127.0.0.1:9901/v1`. */
  baseUrl: string;
  /** Per attempt, headers and body together. Default 10 s. */
  timeoutMs?: number;
  /** Retries after the first attempt. Default 3 (4 attempts). */
  maxRetries?: number;
  /** Total waiting between attempts of one call. Default 30 s. */
  maxRetryWaitMs?: number;
  logger: Logger;
  /** Default: a keep-alive undici Agent. Tests pass a MockAgent. */
  dispatcher?: Dispatcher;
  /** Default: a timer. Tests pass a fake that records the waits. */
  sleep?: (ms: number) => Promise<void>;
  onCall?: (info: WebexCallInfo) => void;
  /** Clock for `Retry-After` given as an HTTP date. Default: the system clock. */
  now?: Clock;
  /** Largest response body read. Default 50 MB. */
  maxBodyBytes?: number;
}

export interface CommonRequestOptions extends RequestBodyOptions {
  method: HttpMethod;
  /** Bearer token; absent only for the OAuth token endpoint. */
  token?: string;
  headers?: Record<string, string>;
  /** Default `json`. `none` discards the body (e.g. DELETE → 204). */
  responseType?: ResponseType;
  /** Label for metrics instead of the path, e.g. `/messages/{id}`. */
  route?: string;
  maxBodyBytes?: number;
}

export interface WebexRequestOptions extends CommonRequestOptions {
  /** Relative to `baseUrl`, segments already encoded, without a query string. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
}

export interface WebexUrlRequestOptions extends CommonRequestOptions {
  /** Absolute URL: a paging `Link`, a download link. */
  url: string;
  /** Lets a URL off the API origin through (the token goes with it). Default: same origin only. */
  allowUrl?: (url: URL) => boolean;
}

export interface WebexResponse<T> {
  status: number;
  headers: ResponseHeaders;
  body: T;
}
