/**
 * The bot's HTTP client for the Webex REST API, on undici: per-attempt timeouts, retries with
 * `Retry-After` inside a bounded waiting budget, and one typed error (errors.ts).
 *
 * Every call carries the token it is given (the asking person's, or the bot's); the client keeps
 * none. Tokens, Authorization headers and query strings never reach logs or error messages.
 */
import { performance } from 'node:perf_hooks';
import { Agent, request as undiciRequest, type Dispatcher } from 'undici';
import type { Logger } from '../log';
import { encodeBody, firstHeader, parseErrorBody, readLimited, readSuccessBody, type ResponseType } from './body';
import type {
  CommonRequestOptions,
  WebexCallInfo,
  WebexClientOptions,
  WebexRequestOptions,
  WebexResponse,
  WebexUrlRequestOptions,
} from './client-types';
import { WebexApiError, WebexUrlRefusedError } from './errors';
import { defaultBackoffMs, networkErrorCode, parseRetryAfter, shouldRetry, type HttpMethod } from './retry';
import { systemClock, type Clock } from '../clock';

export { parseLinkHeader, type LinkRelations } from './link-header';
export type { HttpMethod, ResponseType };
export type {
  ResponseHeaders,
  WebexCallInfo,
  WebexClientOptions,
  WebexRequestOptions,
  WebexResponse,
  WebexUrlRequestOptions,
} from './client-types';

interface Attempt {
  url: URL;
  method: HttpMethod;
  path: string;
  route: string;
  headers: Record<string, string>;
  body: string | Buffer | undefined;
  responseType: ResponseType;
  maxBodyBytes: number;
  secrets: Array<string | undefined>;
  attempt: number;
}

/** What every error of one attempt repeats. */
interface AttemptFacts {
  method: HttpMethod;
  path: string;
  attempts: number;
  secrets: Array<string | undefined>;
}

const ERROR_BODY_LIMIT = 64 * 1024;
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);

export class WebexClient {
  readonly baseUrl: string;
  /** Scheme, host and port of `baseUrl`: the only place a token goes unless a caller allows more. */
  readonly origin: string;
  private readonly basePath: string;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly maxRetryWaitMs: number;
  private readonly maxBodyBytes: number;
  private readonly logger: Logger;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly onCall: ((info: WebexCallInfo) => void) | undefined;
  private readonly now: Clock;

  constructor(options: WebexClientOptions) {
    const base = new URL(options.baseUrl);
    if (base.protocol !== 'https:' && base.protocol !== 'http:') throw new TypeError('baseUrl must be http or https');
    this.basePath = base.pathname.replace(/\/+$/, '');
    this.origin = base.origin;
    this.baseUrl = this.origin + this.basePath;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxRetries = options.maxRetries ?? 3;
    this.maxRetryWaitMs = options.maxRetryWaitMs ?? 30_000;
    this.maxBodyBytes = options.maxBodyBytes ?? 50 * 1024 * 1024;
    this.logger = options.logger;
    this.ownsDispatcher = options.dispatcher === undefined;
    this.dispatcher =
      options.dispatcher ??
      new Agent({
        connections: 50,
        keepAliveTimeout: 30_000,
        connect: { timeout: this.timeoutMs },
        // Our own per-attempt abort fires first; these are a backstop.
        headersTimeout: this.timeoutMs + 1_000,
        bodyTimeout: this.timeoutMs + 1_000,
      });
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.onCall = options.onCall;
    this.now = options.now ?? systemClock;
  }

  /** A call to `{baseUrl}{path}`. */
  async request<T = unknown>(options: WebexRequestOptions): Promise<WebexResponse<T>> {
    if (/[?#]/.test(options.path)) {
      throw new TypeError('path must not contain "?" or "#": encode path segments and pass parameters as query');
    }
    const url = new URL(this.baseUrl + (options.path.startsWith('/') ? options.path : `/${options.path}`));
    if (url.origin !== this.origin) throw new WebexUrlRefusedError(url.host, 'path leaves the Webex API origin');
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.append(key, String(value));
    }
    return this.send<T>(url, options);
  }

  /** A call to an absolute URL, refused before sending unless it is on the API origin or `allowUrl` accepts it. */
  async requestUrl<T = unknown>(options: WebexUrlRequestOptions): Promise<WebexResponse<T>> {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw new WebexUrlRefusedError('', 'not a valid absolute URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new WebexUrlRefusedError(url.host, 'not http or https');
    if (url.username || url.password) throw new WebexUrlRefusedError(url.host, 'credentials in the URL');
    if (url.origin !== this.origin && !options.allowUrl?.(url)) {
      throw new WebexUrlRefusedError(url.host, 'not the Webex API origin');
    }
    return this.send<T>(url, options);
  }

  isSameOrigin(url: URL | string): boolean {
    try {
      return new URL(url).origin === this.origin;
    } catch {
      return false;
    }
  }

  /** Closes the connections of the default agent; a dispatcher passed in is left to its owner. */
  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  private async send<T>(url: URL, options: CommonRequestOptions): Promise<WebexResponse<T>> {
    const encoded = await encodeBody(options);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(options.headers ?? {})) {
      if (name.toLowerCase() === 'authorization') throw new TypeError('pass the token as options.token, not as a header');
      headers[name.toLowerCase()] = value;
    }
    const responseType = options.responseType ?? 'json';
    if (responseType === 'json' && headers.accept === undefined) headers.accept = 'application/json';
    if (encoded.contentType !== undefined) headers['content-type'] = encoded.contentType;
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;

    const path = this.pathOf(url);
    const base = {
      url,
      method: options.method,
      path,
      route: options.route ?? path,
      headers,
      body: encoded.body,
      responseType,
      maxBodyBytes: options.maxBodyBytes ?? this.maxBodyBytes,
      secrets: [options.token, ...encoded.secrets],
    };
    let waitedMs = 0;
    for (let attempt = 1; ; attempt++) {
      const result = await this.attempt<T>({ ...base, attempt });
      if (!(result instanceof WebexApiError)) return result;
      const error = result;
      if (attempt > this.maxRetries || !shouldRetry(options.method, error)) {
        this.logFailure(error, attempt, base.route);
        throw error;
      }
      const waitMs = error.retryAfter !== undefined ? error.retryAfter * 1000 : defaultBackoffMs(attempt - 1);
      if (waitedMs + waitMs > this.maxRetryWaitMs) {
        // Waiting would break the budget: stop now rather than sleep and fail anyway.
        const final =
          error.retryAfter === undefined
            ? error
            : new WebexApiError({
                kind: 'gave-up-waiting',
                status: error.status,
                method: error.method,
                path: error.path,
                trackingId: error.trackingId,
                retryAfter: error.retryAfter,
                attempts: attempt,
                secrets: base.secrets,
              });
        this.logFailure(final, attempt, base.route);
        throw final;
      }
      this.logFailure(error, attempt, base.route, waitMs);
      await this.sleep(waitMs);
      waitedMs += waitMs;
    }
  }

  private async attempt<T>(a: Attempt): Promise<WebexResponse<T> | WebexApiError> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeoutMs);
    const started = performance.now();
    const facts: AttemptFacts = { method: a.method, path: a.path, attempts: a.attempt, secrets: a.secrets };
    let result: WebexResponse<T> | WebexApiError;
    try {
      const res = await undiciRequest(a.url, {
        dispatcher: this.dispatcher,
        method: a.method,
        headers: a.headers,
        body: a.body ?? null,
        signal: controller.signal,
      });
      const status = res.statusCode;
      const headerTrackingId = firstHeader(res.headers.trackingid);
      if (status >= 200 && status < 300) {
        const read = await readSuccessBody(res.body, a.responseType, a.maxBodyBytes);
        result =
          'problem' in read
            ? new WebexApiError({ ...facts, kind: 'http', status, trackingId: headerTrackingId, detail: read.problem })
            : { status, headers: res.headers, body: read.value as T };
      } else {
        const raw = await readLimited(res.body, ERROR_BODY_LIMIT);
        const parsed = parseErrorBody(raw?.toString('utf8') ?? '');
        result = new WebexApiError({
          ...facts,
          kind: 'http',
          status,
          trackingId: parsed.trackingId ?? headerTrackingId,
          retryAfter: parseRetryAfter(res.headers['retry-after'], this.now().getTime()),
          webexMessage: parsed.message,
        });
      }
    } catch (err) {
      const code = networkErrorCode(err);
      result =
        timedOut || (code !== undefined && TIMEOUT_CODES.has(code))
          ? new WebexApiError({ ...facts, kind: 'timeout', status: 0, timeoutMs: this.timeoutMs })
          : new WebexApiError({ ...facts, kind: 'network', status: 0, networkCode: code });
    } finally {
      clearTimeout(timer);
    }
    const durationMs = Math.round(performance.now() - started);
    const failed = result instanceof WebexApiError ? result : undefined;
    const trackingId = result instanceof WebexApiError ? result.trackingId : firstHeader(result.headers.trackingid);
    try {
      this.onCall?.({
        method: a.method,
        path: a.path,
        route: a.route,
        status: result.status,
        durationMs,
        attempt: a.attempt,
        ...(trackingId !== undefined ? { trackingId } : {}),
        ...(failed ? { kind: failed.kind } : {}),
      });
    } catch {
      // A broken metrics hook must not fail the call.
    }
    if (!failed) this.logger.debug({ method: a.method, path: a.path, status: result.status, durationMs, attempt: a.attempt }, 'Webex call');
    return result;
  }

  /** The path to show in logs and errors: relative to the base for API URLs, never with the query. */
  private pathOf(url: URL): string {
    if (url.origin === this.origin && this.basePath && url.pathname.startsWith(`${this.basePath}/`)) {
      return url.pathname.slice(this.basePath.length);
    }
    return url.pathname;
  }

  private logFailure(error: WebexApiError, attempt: number, route: string, retryInMs?: number): void {
    this.logger.warn(
      {
        method: error.method,
        path: error.path,
        route,
        status: error.status,
        kind: error.kind,
        trackingId: error.trackingId,
        retryAfter: error.retryAfter,
        networkCode: error.networkCode,
        webexMessage: error.webexMessage,
        attempt,
        ...(retryInMs !== undefined ? { retryInMs } : {}),
      },
      retryInMs !== undefined ? 'Webex call failed; retrying' : 'Webex call failed',
    );
  }
}
