/**
 * Without PUBLIC_URL no webhook reaches the bot, so each opted-in person's recordings are polled:
 * `GET /convergedRecordings` with their own token every interval (default 5 minutes), each person
 * at their own moment of the interval so the calls are spread out, `from` the last successful
 * poll (less a margin for calls still running then), and a 429's Retry-After honoured for that
 * person. Recordings created before the person opted in are not announced; the rest are handed
 * to `found` (the inbox keeps them, and the store's delivery record announces each once,
 * whatever the overlap between polls).
 */
import { createHash } from 'node:crypto';
import { NotConnectedError } from '../auth/tokens';
import type { Services } from '../services';
import type { RecordingSubscription } from '../store/types';
import { WebexApiError } from '../webex/errors';
import { listRecordings } from '../webex/recordings';
import { lazyViewer, type Viewer } from '../recordings/service';
import type { Clock } from '../clock';

/** A recording's file appears after the call ends: look back this far before the last poll. */
export const POLL_LOOKBACK_MS = 6 * 3600 * 1000;
/** The most recordings one poll reads for one person. */
export const POLL_MAX_ITEMS = 100;

export interface PollerDeps {
  services: Services;
  intervalMs: number;
  /** Epoch ms. */
  now: Clock;
  /** How often due people are looked for. Default: 1 s, or the interval / 10 when shorter. */
  tickMs?: number;
  /** A recording new to this person; resolves once it is kept (`viewer`: their open sign-in). */
  found(sub: RecordingSubscription, recordingId: string, viewer: () => Promise<Viewer>): Promise<void>;
}

/** Where in the interval this person is polled: the same every time, spread over everyone. */
export function phaseOf(personId: string, intervalMs: number): number {
  return parseInt(createHash('sha1').update(personId).digest('hex').slice(0, 8), 16) % Math.max(1, intervalMs);
}

export class RecordingPoller {
  private readonly nextDue = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly deps: PollerDeps) {}

  start(): void {
    const tickMs = this.deps.tickMs ?? Math.min(1000, Math.max(10, Math.floor(this.deps.intervalMs / 10)));
    const loop = (): void => {
      if (this.stopped) return;
      this.running = this.tick()
        .catch((err: unknown) => this.deps.services.logger.warn({ err: String(err) }, 'recording poll failed'))
        .finally(() => {
          this.running = null;
          if (!this.stopped) this.timer = setTimeout(loop, tickMs);
        });
    };
    this.timer = setTimeout(loop, tickMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** When this person is polled next (epoch ms), once known. */
  dueAt(personId: string): number | undefined {
    return this.nextDue.get(personId);
  }

  /** Polls everyone whose moment has come; the rest get their moment in the coming interval. */
  async tick(): Promise<void> {
    const now = this.deps.now().getTime();
    const subscriptions = await this.deps.services.store.listSubscriptions();
    const present = new Set(subscriptions.map((s) => s.personId));
    for (const id of this.nextDue.keys()) if (!present.has(id)) this.nextDue.delete(id);
    for (const sub of subscriptions) {
      if (this.stopped) return;
      let due = this.nextDue.get(sub.personId);
      if (due === undefined) {
        const { intervalMs } = this.deps;
        const phase = phaseOf(sub.personId, intervalMs);
        due = now - (now % intervalMs) + phase;
        if (due < now) due += intervalMs;
        this.nextDue.set(sub.personId, due);
      }
      if (due > now) continue;
      this.nextDue.set(sub.personId, due + this.deps.intervalMs * Math.max(1, Math.ceil((now - due + 1) / this.deps.intervalMs)));
      await this.pollPerson(sub);
    }
  }

  /** One person's poll: list with their token, announce what is new. */
  async pollPerson(sub: RecordingSubscription): Promise<void> {
    const { services } = this.deps;
    const started = this.deps.now().getTime();
    const since = (sub.lastPolledAt ?? sub.subscribedAt).getTime() - POLL_LOOKBACK_MS;
    let items;
    // One read of the person's sign-in for the list and every announcement of this poll.
    let session;
    try {
      session = await services.tokens.open(sub.personId);
      const page = await session.withToken((token) =>
        listRecordings(services.client, token, {
          max: POLL_MAX_ITEMS,
          from: new Date(since).toISOString(),
          to: new Date(started).toISOString(),
          timeZone: 'UTC',
        }),
      );
      items = page.items;
    } catch (err) {
      if (err instanceof NotConnectedError) {
        if (err.reason === 'never') await services.store.unsubscribe(sub.personId, {});
        return;
      }
      if (err instanceof WebexApiError && err.retryAfter !== undefined) {
        this.nextDue.set(sub.personId, started + Math.max(err.retryAfter * 1000, 1000));
        services.logger.warn({ personId: sub.personId, status: err.status, retryAfter: err.retryAfter }, 'recording poll rate-limited; waiting as Webex asks');
        return;
      }
      services.logger.warn({ personId: sub.personId, err: String(err) }, 'recording poll failed; trying again next interval');
      return;
    }
    const optedIn = sub.subscribedAt.getTime();
    const fresh = items.filter((item) => {
      const created = Date.parse(item.createTime);
      return typeof item.id === 'string' && !Number.isNaN(created) && created >= optedIn && item.status !== 'deleted';
    });
    // Oldest first, so announcements come in the order the recordings were made.
    fresh.sort((a, b) => Date.parse(a.createTime) - Date.parse(b.createTime));
    const viewer = lazyViewer(services, sub.personId, session);
    try {
      for (const item of fresh) await this.deps.found(sub, item.id, viewer);
    } catch (err) {
      // Not kept: the next poll looks at the same window again.
      services.logger.warn({ personId: sub.personId, err: String(err) }, 'new recordings not kept; the next poll tries again');
      return;
    }
    await services.store.setLastPolled(sub.personId, new Date(started));
  }
}
