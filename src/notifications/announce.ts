/**
 * A new recording, announced once to its owner: the 1:1 card by direct message (`notify on`)
 * and the group card in each space they chose (`notify here`: no links there; "Send me the
 * download links" sends them by DM, fetched with the clicker's token). Details and metadata are
 * read with the owner's token and time zone.
 *
 * It is one attempt of an inbox event: the claim is the event's own (a retried attempt keeps
 * it), where it goes is fixed by the first attempt, and every post is a recorded step, so a
 * retry posts only what is still missing.
 */
import type { AdaptiveCard } from '../cards';
import { fixedText } from '../cards/elements';
import type { Services } from '../services';
import type { EventSteps } from '../inbox/steps';
import { audienceFor, fetchRecording, lazyViewer, recordingCard, type Viewer } from '../recordings/service';
import type { RecordingSubscription } from '../store/types';
import { WebexApiError } from '../webex/errors';

export type AnnounceOutcome = 'sent' | 'duplicate' | 'unavailable';

export interface AnnounceContext {
  steps: EventSteps;
  /** The inbox event this attempt is of (the delivery claim is made in its name). */
  eventKey: string;
  /** The owner's sign-in and zone, when the caller has them open already (a poll). */
  viewer?: () => Promise<Viewer>;
}

/** Where one announcement goes, as its first attempt saw the subscription. */
interface Destinations {
  direct: boolean;
  roomIds: string[];
}

/** A space the bot can no longer post in (left, removed, or the space is gone): not retried. */
function postRefusedForGood(err: unknown): boolean {
  return err instanceof WebexApiError && err.status >= 400 && err.status < 500 && err.status !== 429 && err.status !== 423;
}

const NEW_RECORDING = 'New recording';

/** The card as Webex clients show it opens with "New recording" too (the markdown is only its fallback). */
function withNewRecordingLine(card: AdaptiveCard): AdaptiveCard {
  return { ...card, body: [fixedText(NEW_RECORDING, { weight: 'Bolder', color: 'Accent' }), ...card.body] };
}

export async function announceRecording(
  services: Services,
  sub: RecordingSubscription,
  recordingId: string,
  context: AnnounceContext,
): Promise<AnnounceOutcome> {
  const { store, logger } = services;
  const { steps } = context;
  const personId = sub.personId;
  if (!(await store.claimRecordingDelivery(personId, recordingId, services.now(), context.eventKey))) return 'duplicate';
  const viewer = context.viewer ?? lazyViewer(services, personId);
  const result = await fetchRecording(services, await viewer(), recordingId);
  if (!result.ok) {
    logger.warn({ personId, recordingId, status: (result.error as { status?: unknown }).status }, 'new recording could not be fetched; will try again');
    return 'unavailable';
  }
  const where = await steps.once<Destinations>(async () => ({ direct: sub.direct, roomIds: [...sub.roomIds] }));
  const messenger = steps.messenger(services.messenger);
  const card = (audience: 'direct' | 'group-private' | 'group-public') => recordingCard(services, result, audience, personId);
  // `match`: a retry that finds this card already posted (its POST timed out) takes it as posted.
  const post = (to: { toPersonId: string } | { roomId: string }, built: ReturnType<typeof card>) =>
    messenger.post(to, { markdown: `${NEW_RECORDING}\n\n${built.fallback}`, card: withNewRecordingLine(built.card), match: recordingId });
  logger.info({ audit: 'recording-notice', personId, recordingId, direct: where.direct, rooms: where.roomIds.length }, 'new recording announced');
  if (where.direct) await post({ toPersonId: personId }, card('direct'));
  const audience = audienceFor(services, 'group');
  let failure: unknown = null;
  for (const roomId of where.roomIds) {
    try {
      await post({ roomId }, card(audience));
    } catch (err) {
      if (postRefusedForGood(err)) logger.warn({ err: String(err), personId, roomId }, 'could not announce a new recording in a space');
      else failure ??= err;
    }
  }
  // The spaces that failed for now are tried again with the event (the others are recorded steps).
  if (failure) throw failure;
  return 'sent';
}
