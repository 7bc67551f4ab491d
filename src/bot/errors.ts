import { WebexApiError } from '../webex/errors';

/**
 * What the person reads when Webex refuses a recording request, one row per Webex answer.
 * Messages are short and human, and carry Webex's tracking ID where one came back.
 */
export function describeRecordingError(err: unknown, recordingId: string): string {
  if (!(err instanceof WebexApiError)) return `Something went wrong on my side while fetching recording \`${recordingId}\`. Please try again later.`;
  const wait = err.retryAfter !== undefined ? `${Math.max(1, Math.ceil(err.retryAfter))} s` : 'a little while';
  let text: string;
  if (err.kind === 'timeout' || err.kind === 'network') {
    text = 'Webex is having trouble answering right now. Please try again later.';
  } else {
    switch (err.status) {
      case 400:
        text = 'Webex rejected the request as invalid.';
        break;
      case 401:
        text = 'Your Webex sign-in has expired. Please connect again.';
        break;
      case 403:
        text = 'You may not view this recording: only its owner, an admin or a compliance officer can.';
        break;
      case 404:
      case 405:
        text = 'No recording with that ID is visible to your account.';
        break;
      case 410:
        text = 'This recording is no longer available.';
        break;
      case 423:
        text = `The recording is locked for now. Try again in ${wait}.`;
        break;
      case 428:
        text = 'Webex could not scan this recording\'s file for malware, so it must be downloaded from Webex directly.';
        break;
      case 429:
        text = `Webex is rate-limiting requests. Try again in ${wait}.`;
        break;
      default:
        text = err.status >= 500 ? 'Webex is having trouble right now. Please try again later.' : `Webex answered with an error (${err.status}).`;
    }
  }
  const tracking = err.trackingId ? ` (Webex tracking ID: \`${err.trackingId}\`)` : '';
  return `Recording \`${recordingId}\`: ${text}${tracking}`;
}

/** True when the answer means "this person may not have this recording" (no links for them). */
export function isAccessRefusal(err: unknown): boolean {
  return err instanceof WebexApiError && [403, 404, 405].includes(err.status);
}
