/**
 * New-recording notifications: who asked for them (`notify on` / `notify here`), how Webex tells
 * the bot (one webhook per person, registered with their token, when PUBLIC_URL is set; a
 * per-person poll otherwise) and what is done with a new recording (announce.ts).
 */
import { NotConnectedError, type PersonSession } from '../auth/tokens';
import type { Services } from '../dispatch/services';
import { RECORDING_ID } from '../commands/parse';
import type { RecordingSubscription } from '../store/types';
import type { Notifications } from './types';
import { announceRecording } from './announce';
import { RecordingPoller } from './poller';
import { ensureRecordingWebhook, removeRecordingWebhooks } from './registration';

export type { Notifications } from './types';

export interface NotificationSettings {
  /** `{PUBLIC_URL}/webhooks/recordings` in webhook mode; null means polling. */
  webhookUrl: string | null;
  webhookSecret: string | null;
  pollIntervalMs: number;
}


/** Waits before the next try of an announcement that failed (Webex or the database briefly down). */
export const ANNOUNCE_RETRY_DELAYS_MS: readonly number[] = [1_000, 5_000, 20_000, 60_000];

export const STOPPED_MESSAGE =
  'Your Webex sign-in has expired, so I have stopped telling you about new recordings. ' +
  'Send **connect** to sign in again, then **notify on**.';

export function createNotifications(
  services: Services,
  settings: NotificationSettings,
  now: () => number = Date.now,
  retryDelaysMs: readonly number[] = ANNOUNCE_RETRY_DELAYS_MS,
): Notifications {
  const { store, logger, client, tokens } = services;
  const webhookUrl = settings.webhookUrl;
  const secret = settings.webhookSecret;
  const mode = webhookUrl && secret ? 'webhook' : 'polling';
  const poller = mode === 'polling' ? new RecordingPoller({ services, intervalMs: settings.pollIntervalMs, now }) : null;
  const inFlight = new Set<Promise<unknown>>();
  const retryTimers = new Set<NodeJS.Timeout>();
  let stopped = false;

  const track = (work: Promise<unknown>): void => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };

  /**
   * An accepted event is the bot's to keep (Webex does not redeliver): a failed announcement is
   * tried again a few times, spaced out, unless the person is no longer connected.
   */
  function announceWithRetries(sub: RecordingSubscription, recordingId: string, attempt = 0): void {
    const work = announceRecording(services, sub, recordingId).then(
      (outcome) => (outcome === 'unavailable' ? new Error('recording not available yet') : null),
      (err: unknown) => (err instanceof NotConnectedError ? null : err),
    );
    track(
      work.then((failure) => {
        if (!failure) return;
        const delay = retryDelaysMs[attempt];
        if (delay === undefined || stopped) {
          logger.warn({ personId: sub.personId, recordingId, err: String(failure), attempts: attempt + 1 }, 'new recording not announced');
          return;
        }
        logger.info({ personId: sub.personId, recordingId, err: String(failure), retryInMs: delay }, 'new recording announcement failed; trying again');
        const timer = setTimeout(() => {
          retryTimers.delete(timer);
          if (!stopped) announceWithRetries(sub, recordingId, attempt + 1);
        }, delay);
        retryTimers.add(timer);
      }),
    );
  }

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
    async enable(personId, change) {
      // The token is checked (and the webhook registered) before anything is stored; the
      // sign-in is read once for both.
      const session = await tokens.open(personId);
      await session.accessToken();
      const sub = await store.subscribe(
        personId,
        { ...(change.direct ? { direct: true } : {}), ...(change.roomId ? { addRoomId: change.roomId } : {}) },
        new Date(now()),
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
      if (stopped) throw new Error('stopping');
      announceWithRetries(sub, recordingId);
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
      for (const timer of retryTimers) clearTimeout(timer);
      await poller?.stop();
      await Promise.allSettled([...inFlight]);
    },
  };
}
