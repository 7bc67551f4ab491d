/** Webex-shaped errors: `{"message", "errors": [{"description"}], "trackingId"}` plus the TrackingID header. */
import type { Response } from 'express';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly retryAfter?: number,
    /** Extra fields merged into the body (e.g. OAuth `error`). */
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const DEFAULT_MESSAGES: Record<number, string> = {
  400: 'The request was invalid or cannot be otherwise served.',
  401: 'The request requires a valid access token set in the Authorization request header.',
  403: 'The request is understood, but it has been refused or access is not allowed.',
  404: 'The requested resource could not be found.',
  405: 'The request was made to a resource using an HTTP request method that is not supported.',
  409: 'The request could not be processed because it conflicts with some established rule of the system.',
  410: 'The requested resource is no longer available.',
  413: 'The request entity is too large.',
  415: 'The request was made to a resource without specifying a media type or used a media type that is not supported.',
  423: 'The requested resource is temporarily unavailable.',
  428: 'File(s) cannot be scanned for malware and need to be force downloaded.',
  429: 'Too many requests have been sent in a given amount of time and the request has been rate limited.',
  500: 'Something went wrong on the server.',
  502: 'The server received an invalid response from an upstream server while processing the request.',
  503: 'Server is overloaded with requests. Try again later.',
  504: 'An upstream server failed to respond on time.',
};

export function messageForStatus(status: number): string {
  return DEFAULT_MESSAGES[status] ?? `HTTP ${status}`;
}

/** The tracking ID assigned to this response by the tracking middleware. */
export function trackingIdOf(res: Response): string {
  return String(res.locals.trackingId ?? res.getHeader('TrackingID') ?? '');
}

export function sendWebexError(
  res: Response,
  status: number,
  message: string = messageForStatus(status),
  options: { retryAfter?: number; extra?: Record<string, unknown> } = {},
): void {
  if (res.headersSent) return;
  const trackingId = trackingIdOf(res);
  if (options.retryAfter !== undefined) res.setHeader('Retry-After', String(options.retryAfter));
  res.status(status).json({ message, errors: [{ description: message }], trackingId, ...options.extra });
}

export function sendApiError(res: Response, err: ApiError): void {
  sendWebexError(res, err.status, err.message, { retryAfter: err.retryAfter, extra: err.extra });
}
