import { markdownValue } from '../format';
import { WebexApiError } from '../webex/errors';

/**
 * What the person reads when a Webex call fails: one table, keyed by the operation that failed
 * and Webex's answer. The operation is always named ("Recording `…`:", "I couldn't post…"), so a
 * failed post of the bot's own reply is never told as a problem with the recording. Messages
 * are short and human, and carry Webex's tracking ID where one came back.
 */
export type Operation =
  /** Reading one recording's details with the person's token. */
  | 'read-recording'
  /** Listing the person's recordings. */
  | 'list-recordings'
  /** Posting the bot's reply (text, card or file) with the bot's token. */
  | 'post-reply'
  /** Downloading a file (notes, action items) with the person's token. */
  | 'download-file'
  /** Exchanging the sign-in code and reading who signed in. */
  | 'sign-in';

/** A row's text; `wait` is "N s" from `Retry-After`, or "a little while"; `subject` as for the lead. */
type Reason = string | ((wait: string, subject: string) => string);

/** Where people manage their own Webex recordings besides the Webex App: Webex User Hub. */
const USER_HUB = '[Webex User Hub](https://user.webex.com)';

interface Row {
  /** Names the operation and what it was about, e.g. "Recording `abc`". */
  lead: (subject: string) => string;
  /** Said when the failure is not a Webex answer (a bug, a refused URL). */
  unexpected: string;
  /** By HTTP status; the shared rows below apply where an operation has none. */
  byStatus: Partial<Record<number, Reason>>;
}

const UNREACHABLE = 'Webex is having trouble answering right now. Please try again later.';

const SHARED: Partial<Record<number, Reason>> = {
  400: 'Webex rejected the request as invalid.',
  401: 'Your Webex sign-in has expired. Please connect again.',
  429: (wait) => `Webex is rate-limiting requests. Try again in ${wait}.`,
};

export const ERROR_TABLE: Readonly<Record<Operation, Row>> = {
  'read-recording': {
    lead: (id) => `Recording \`${id}\``,
    unexpected: 'Something went wrong on my side while fetching it. Please try again later.',
    byStatus: {
      403: 'You may not view this recording: only its owner, an admin or a compliance officer can.',
      404: 'No recording with that ID is visible to your account.',
      405: 'No recording with that ID is visible to your account.',
      410: 'This recording is no longer available.',
      423: (wait, id) => `The recording is locked for now. Try again in ${wait}: send \`recording ${id}\` again then.`,
      428: `Webex could not scan this recording's file for malware, so I can't give you its links: download it yourself from the Webex App or ${USER_HUB}.`,
    },
  },
  'list-recordings': {
    lead: (owner) => (owner ? `Listing ${owner}'s recordings` : 'Listing your recordings'),
    unexpected: 'Something went wrong on my side. Please try again later.',
    byStatus: {
      403: 'Your Webex account may not list these recordings.',
      404: 'Webex has no recordings list for your account.',
    },
  },
  'post-reply': {
    lead: (what) => `I couldn't post ${what || 'my answer'}`,
    unexpected: 'Something went wrong on my side. Please try again in a moment.',
    byStatus: {
      400: 'Webex refused the message as invalid.',
      401: "Webex did not accept the bot's own sign-in; the bot's operator needs to check it.",
      403: "I'm not allowed to post there.",
      404: "Webex couldn't find the space (I may have been removed from it).",
      413: 'The file is too large for Webex.',
      429: (wait) => `Webex is rate-limiting my messages. Try again in ${wait}.`,
    },
  },
  'download-file': {
    lead: (what) => `I couldn't download ${what || 'the file'}`,
    unexpected: 'Something went wrong on my side while downloading it. Please try again later.',
    byStatus: {
      403: 'Webex refused the download for your account.',
      404: 'The file is no longer there. Refresh the card for new links.',
      410: 'The file is no longer there. Refresh the card for new links.',
      428: `Webex could not scan the file for malware, so I can't fetch it for you: download it yourself from the Webex App or ${USER_HUB}.`,
    },
  },
  'sign-in': {
    lead: () => 'Webex refused the sign-in',
    unexpected: 'Something went wrong on my side.',
    byStatus: {
      400: 'The sign-in code was not accepted (it may have expired or been used already).',
      401: 'The sign-in code was not accepted (it may have expired or been used already).',
    },
  },
};

/** What renewing the person's sign-in was needed for, by operation. */
const NEEDED_FOR: Partial<Record<Operation, (subject: string) => string>> = {
  'read-recording': (id) => ` to fetch recording \`${id}\``,
  'list-recordings': (owner) => (owner ? ` to list ${owner}'s recordings` : ' to list your recordings'),
  'download-file': (what) => (what ? ` to download ${what}` : ''),
};

export const SIGN_IN_TROUBLE =
  "Webex's sign-in service is not answering properly. Please try again in a few minutes; if it keeps failing, send **connect** to sign in again.";

/**
 * True when the error is Webex's token endpoint failing while a sign-in was renewed (an error
 * answer, no answer, or an answer without a token, such as an HTML page). A refused renewal is
 * not one: that ends the sign-in (NotConnectedError) and the person is asked to connect.
 */
export function isSignInFailure(err: unknown): err is WebexApiError {
  return err instanceof WebexApiError && err.method === 'POST' && err.path.endsWith('/access_token');
}

/**
 * "I couldn't renew your Webex sign-in to fetch recording `…`: Webex's sign-in service is not
 * answering properly. …" — told as the sign-in's failure, with what to do next.
 */
export function describeSignInFailure(err: WebexApiError, operation?: Operation, subject = ''): string {
  const need = operation ? (NEEDED_FOR[operation]?.(subject) ?? '') : '';
  const tracking = err.trackingId ? ` (Webex tracking ID: ${markdownValue(err.trackingId)})` : '';
  return `I couldn't renew your Webex sign-in${need}: ${SIGN_IN_TROUBLE}${tracking}`;
}

/**
 * The sentence for a failed operation. `subject` is what it was about: the recording ID for
 * `read-recording`, the owner (markdown-escaped) for `list-recordings` of someone else's,
 * "the short notes of recording `…`" for `download-file` and `post-reply`.
 */
export function describeFailure(operation: Operation, err: unknown, subject = ''): string {
  // Renewing the sign-in failed, not the operation (the code exchange of a new sign-in has its own row).
  if (operation !== 'sign-in' && isSignInFailure(err)) return describeSignInFailure(err, operation, subject);
  const row = ERROR_TABLE[operation];
  const lead = row.lead(subject);
  if (!(err instanceof WebexApiError)) return `${lead}: ${row.unexpected}`;
  const wait = err.retryAfter !== undefined ? `${Math.max(1, Math.ceil(err.retryAfter))} s` : 'a little while';
  let reason: Reason;
  if (err.kind === 'timeout' || err.kind === 'network') reason = UNREACHABLE;
  else {
    reason =
      row.byStatus[err.status] ??
      SHARED[err.status] ??
      (err.status >= 500 ? 'Webex is having trouble right now. Please try again later.' : `Webex answered with an error (${err.status}).`);
  }
  const text = typeof reason === 'function' ? reason(wait, subject) : reason;
  const tracking = err.trackingId ? ` (Webex tracking ID: ${markdownValue(err.trackingId)})` : '';
  return `${lead}: ${text}${tracking}`;
}

/** What the person reads when Webex refuses a recording request. */
export function describeRecordingError(err: unknown, recordingId: string): string {
  return describeFailure('read-recording', err, recordingId);
}

/** True when the error is Webex refusing to post one of the bot's messages. */
export function isPostFailure(err: unknown): err is WebexApiError {
  return err instanceof WebexApiError && err.method === 'POST' && err.path === '/messages';
}

/** True when the answer means "this person may not have this recording" (no links for them). */
export function isAccessRefusal(err: unknown): boolean {
  return err instanceof WebexApiError && [403, 404, 405].includes(err.status);
}
