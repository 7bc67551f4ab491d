/**
 * A new recording, announced once to its owner: the 1:1 card by direct message (`notify on`)
 * and the group card in each space they chose (`notify here`: no links there; "Send me the
 * download links" sends them by DM, fetched with the clicker's token). Details and metadata are
 * read with the owner's token and time zone.
 */
import type { Services } from '../dispatch/services';
import { audienceFor, fetchRecording, lazyViewer, recordingCard, type Viewer } from '../recordings/service';
import type { RecordingSubscription } from '../store/types';

export type AnnounceOutcome = 'sent' | 'duplicate' | 'unavailable';

/** `viewer`: the owner's sign-in and zone, opened once for all the recordings of one poll. */
export async function announceRecording(
  services: Services,
  sub: RecordingSubscription,
  recordingId: string,
  viewer: () => Promise<Viewer> = lazyViewer(services, sub.personId),
): Promise<AnnounceOutcome> {
  const { store, logger, messenger } = services;
  const personId = sub.personId;
  if (!(await store.claimRecordingDelivery(personId, recordingId, services.now()))) return 'duplicate';
  let result;
  try {
    result = await fetchRecording(services, await viewer(), recordingId);
  } catch (err) {
    await store.releaseRecordingDelivery(personId, recordingId);
    throw err;
  }
  if (!result.ok) {
    await store.releaseRecordingDelivery(personId, recordingId);
    logger.warn({ personId, recordingId, status: (result.error as { status?: unknown }).status }, 'new recording could not be fetched; will try again');
    return 'unavailable';
  }
  // Announcements have never said why a recording came without links; the card stays as it was.
  const { noLinksCause: _unsaid, ...announced } = result;
  const card = (audience: 'direct' | 'group-private' | 'group-public') => recordingCard(services, announced, audience, personId);
  logger.info({ audit: 'recording-notice', personId, recordingId, direct: sub.direct, rooms: sub.roomIds.length }, 'new recording announced');
  if (sub.direct) {
    const built = card('direct');
    try {
      await messenger.post({ toPersonId: personId }, { markdown: `New recording\n\n${built.fallback}`, card: built.card });
    } catch (err) {
      await store.releaseRecordingDelivery(personId, recordingId);
      throw err;
    }
  }
  const audience = audienceFor(services, 'group');
  for (const roomId of sub.roomIds) {
    const built = card(audience);
    await messenger.post({ roomId }, { markdown: `New recording\n\n${built.fallback}`, card: built.card }).catch((err: unknown) => {
      logger.warn({ err: String(err), personId, roomId }, 'could not announce a new recording in a space');
    });
  }
  return 'sent';
}
