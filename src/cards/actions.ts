/**
 * The data that the bot's submit buttons carry, and the validation of click inputs.
 *
 * Webex delivers a click as `attachmentActions` whose `inputs` are the button's `data` merged with
 * the card's input values (for the list card: the chosen recording under `recordingId`). Inputs
 * are untrusted: anyone in the space can click, and a client can send anything.
 */

import { RECORDING_ID } from '../webex/recording-id';

export type CardAction =
  /** Group card: send the clicker the download links by direct message, with their own token. */
  | { action: 'sendLinks'; recordingId: string }
  /**
   * Re-post the card with fresh links (cards cannot be edited in Webex). `requesterId` names who
   * the card was built for, as a label only: who may replace the card is decided from Webex's
   * record of the card (commands/clicks.ts), never from this value.
   */
  | { action: 'refresh'; recordingId: string; requesterId: string }
  /** Fetch notes and action items with the clicker's token and post them. */
  | { action: 'notes'; recordingId: string }
  /** From the list card: post this recording's details card. */
  | { action: 'details'; recordingId: string }
  /** From the hint for text the bot did not understand: the help card. */
  | { action: 'help' };

export type CardActionName = CardAction['action'];

/** The actions about one recording (every one but `help`). */
export type RecordingAction = Exclude<CardAction, { action: 'help' }>;

/** Webex person IDs: base64url-like text; printable ASCII without spaces, bounded. */
const PERSON_ID_PATTERN = /^[\x21-\x7e]{1,256}$/;

/** Input id of the list card's recording chooser; its value arrives as `inputs.recordingId`. */
export const RECORDING_CHOICE_INPUT_ID = 'recordingId';

export function isValidRecordingId(id: unknown): id is string {
  return typeof id === 'string' && RECORDING_ID.test(id);
}

/** The `data` object of a submit button, in the exact shape `parseCardAction` accepts back. */
export function actionData(action: CardAction): Record<string, string> {
  return { ...action };
}

/**
 * Validates the inputs of a card click. Returns the action with only its known fields, or `null`
 * when the inputs are not one of the bot's actions or carry an invalid recording or person ID.
 */
export function parseCardAction(inputs: unknown): CardAction | null {
  if (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs)) return null;
  const record = inputs as Record<string, unknown>;
  const { action, recordingId } = record;
  if (action === 'help') return { action };
  if (!isValidRecordingId(recordingId)) return null;
  switch (action) {
    case 'sendLinks':
    case 'notes':
    case 'details':
      return { action, recordingId };
    case 'refresh': {
      const { requesterId } = record;
      if (typeof requesterId !== 'string' || !PERSON_ID_PATTERN.test(requesterId)) return null;
      return { action, recordingId, requesterId };
    }
    default:
      return null;
  }
}
