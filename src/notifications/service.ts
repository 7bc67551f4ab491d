/**
 * New-recording notifications: who asked for them (`notify on` / `notify here`), how Webex tells
 * the bot (one webhook per person, registered with their token, when PUBLIC_URL is set; a
 * per-person poll otherwise) and what is done with a new recording (announce.ts).
 */
import { NotConnectedError, type PersonSession } from '../auth/tokens';
import type { Services } from '../services';
import { RECORDING_ID } from '../webex/recording-id';
import type { RecordingSubscription } from '../store/types';
import type { Notifications } from './types';
import { announceRecording } from './announce';
import { RECORDING_EVENT_PREFIX } from '../inbox/events';
import type { Viewer } from '../recordings/service';
import { RecordingPoller } from './poller';
import { ensureRecordingWebhook, removeRecordingWebhooks } from './registration';
import { systemClock, type Clock } from '../clock';

export type { Notifications } from './types';

export interface NotificationSettings {
  /** `{PUBLIC_URL}/webhooks/recordings` in webhook mode; null means polling. */
  webhookUrl: string | null;
  webhookSecret: string | null;
  pollIntervalMs: number;
}


export const STOPPED_MESSAGE =
  'Your Webex sign-in has expired, so I have stopped telling you about new recordings. ' +
  'Send **connect** to sign in again, then **notify on**.';

/**
 * Where new-recording events go to be kept: the bot's durable inbox (`acceptRecording`), which
 * then hands each event back to `handle` until it is done.
 */
export interface RecordingEventQueue {
  acceptRecording(key: string, envelope: object, personId: string): Promise<boolean>;
}

/** A recording event as the inbox keeps it: from the person's webhook, or from a poll. */
type RecordingEvent = { via: 'webhook'; webhookId: string; recordingId: string } | { via: 'poll'; personId: string; recordingId: string };

const WEBHOOK_EVENT_PREFIX = `${RECORDING_EVENT_PREFIX}created:`;
const POLL_EVENT_PREFIX = `${RECORDING_EVENT_PREFIX}polled:`;

/** What a stored recording event says; the key says how it came (only the poller makes poll keys). */
function readRecordingEvent(key: string, envelope: unknown): RecordingEvent | null {
  const e = (envelope ?? {}) as { id?: unknown; personId?: unknown; data?: { id?: unknown } };
  const recordingId = e.data?.id;
  if (typeof recordingId !== 'string' || !RECORDING_ID.test(recordingId)) return null;
  if (key.startsWith(WEBHOOK_EVENT_PREFIX) && typeof e.id === 'string') return { via: 'webhook', webhookId: e.id, recordingId };
  if (key.startsWith(POLL_EVENT_PREFIX) && typeof e.personId === 'string') return { via: 'poll', personId: e.personId, recordingId };
  return null;
}

export function createNotifications(
  services: Services,
  settings: NotificationSettings,
  queue: RecordingEventQueue,
  now: Clock = systemClock,
): Notifications & { /** The poller in polling mode (null in webhook mode). */ readonly poller: RecordingPoller | null } {
  const { store, logger, client, tokens } = services;
  const webhookUrl = settings.webhookUrl;
  const secret = settings.webhookSecret;
  const mode = webhookUrl && secret ? 'webhook' : 'polling';
  /** The owner's sign-in a poll had open, for the first attempt of the events it found. */
  const pollViewers = new Map<string, () => Promise<Viewer>>();
  const poller =
    mode === 'polling'
      ? new RecordingPoller({
          services,
          intervalMs: settings.pollIntervalMs,
          now,
          async found(sub, recordingId, viewer) {
            const key = `${POLL_EVENT_PREFIX}${sub.personId}:${recordingId}`;
            pollViewers.set(key, viewer);
            try {
              await queue.acceptRecording(key, { resource: 'convergedRecordings', event: 'polled', personId: sub.personId, data: { id: recordingId } }, sub.personId);
            } finally {
              // Kept for the event's first attempt, which starts at once (or never, while stopping).
              setTimeout(() => pollViewers.delete(key), 60_000).unref();
            }
          },
        })
      : null;
  const inFlight = new Set<Promise<unknown>>();
  let stopped = false;

  const track = (work: Promise<unknown>): void => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };

  /** `session`: the sign-in the command already opened (else it is opened here). */
  async function register(personId: string, session?: PersonSession): Promise<void> {
    if (!webhookUrl || !secret) return;
    const ensure = (token: string) => ensureRecordingWebhook(client, token, { targetUrl: webhookUrl, secret, logger });
    const webhook = await (session ? session.withToken(ensure) : tokens.withToken(personId, ensure));
    await store.setSubscriptionWebhook(personId, webhook.id);
  }

  async function unregister(personId: string, knownId: string | null, token?: string): Promise<void> {
    if (!webhookUrl) return;
    if (token) await removeRecordingWebhooks(client, token, { targetUrl: webhookUrl, knownId });
    else await tokens.withToken(personId, (t) => removeRecordingWebhooks(client, t, { targetUrl: webhookUrl, knownId }));
    logger.info({ personId }, 'recording webhook deleted');
  }

  return {
    mode,
    poller,
    async enable(personId, change) {
      // The token is checked (and the webhook registered) before anything is stored; the
      // sign-in is read once for both.
      const session = await tokens.open(personId);
      await session.accessToken();
      const sub = await store.subscribe(
        personId,
        { ...(change.direct ? { direct: true } : {}), ...(change.roomId ? { addRoomId: change.roomId } : {}) },
        now(),
      );
      try {
        await register(personId, session);
      } catch (err) {
        if (!sub.webhookId) await store.unsubscribe(personId, {});
        throw err;
      }
      return (await store.getSubscription(personId)) ?? sub;
    },
    async disable(personId, change) {
      const before = await store.getSubscription(personId);
      if (!before) return null;
      const after = await store.unsubscribe(personId, change);
      if (!after) await unregister(personId, before.webhookId);
      return after;
    },
    async forget(personId) {
      const sub = await store.getSubscription(personId);
      if (!sub) return;
      try {
        await unregister(personId, sub.webhookId);
      } catch (err) {
        if (!(err instanceof NotConnectedError)) logger.warn({ personId, err: String(err) }, 'could not delete the recording webhook');
      }
      await store.unsubscribe(personId, {});
    },
    async refreshRefused(personId, lastAccessToken) {
      const sub = await store.getSubscription(personId);
      if (!sub) return;
      await unregister(personId, sub.webhookId, lastAccessToken).catch((err: unknown) =>
        logger.warn({ personId, err: String(err) }, 'could not delete the recording webhook of a refused sign-in'),
      );
      await store.unsubscribe(personId, {});
      await services.messenger.post({ toPersonId: personId }, { markdown: STOPPED_MESSAGE }).catch((err: unknown) =>
        logger.warn({ personId, err: String(err) }, 'could not say that notifications stopped'),
      );
    },
    async accept(envelope) {
      const e = envelope as { id?: unknown; resource?: unknown; event?: unknown; data?: { id?: unknown } };
      if (e.resource !== 'convergedRecordings' || e.event !== 'created') return;
      const recordingId = e.data?.id;
      if (typeof e.id !== 'string' || typeof recordingId !== 'string' || !RECORDING_ID.test(recordingId)) return;
      // Whose recording it is comes from our own record of the webhook, not from the envelope.
      const sub = await store.findSubscriptionByWebhook(e.id);
      if (!sub) {
        logger.warn({ webhookId: e.id }, 'recording event for a webhook that is not ours ignored');
        return;
      }
      // Kept in the inbox before Webex gets its 200: a crash or a failure later is retried.
      await queue.acceptRecording(`${WEBHOOK_EVENT_PREFIX}${e.id}:${recordingId}`, { id: e.id, resource: e.resource, event: e.event, data: { id: recordingId } }, sub.personId);
    },
    async handle(event, steps) {
      const what = readRecordingEvent(event.key, event.envelope);
      if (!what) {
        logger.warn({ key: event.key }, 'unreadable recording event dropped');
        return;
      }
      const sub = what.via === 'webhook' ? await store.findSubscriptionByWebhook(what.webhookId) : await store.getSubscription(what.personId);
      // Turned off (or forgotten) since the event came: nothing to announce.
      if (!sub) return;
      const viewer = event.attempts === 1 ? pollViewers.get(event.key) : undefined;
      pollViewers.delete(event.key);
      let outcome;
      try {
        outcome = await announceRecording(services, sub, what.recordingId, { steps, eventKey: event.key, ...(viewer ? { viewer } : {}) });
      } catch (err) {
        // Signed out since: nothing can be fetched for them any more.
        if (err instanceof NotConnectedError) return;
        throw err;
      }
      if (outcome === 'unavailable') throw new Error('the new recording could not be fetched yet');
    },
    start() {
      if (poller) {
        poller.start();
        return;
      }
      // Webhook mode: make sure every subscriber's webhook is there and current (idempotent).
      track(
        (async () => {
          for (const sub of await store.listSubscriptions()) {
            if (stopped) return;
            await register(sub.personId).catch((err: unknown) => logger.warn({ personId: sub.personId, err: String(err) }, 'could not check a recording webhook'));
          }
        })(),
      );
    },
    async stop() {
      stopped = true;
      await poller?.stop();
      await Promise.allSettled([...inFlight]);
    },
  };
}
