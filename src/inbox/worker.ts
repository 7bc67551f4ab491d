import type { Logger } from '../log';
import type { Messenger } from '../replies/messenger';
import type { Inbox, InboxEvent, Lease } from '../store/types';
import { EventSteps } from './steps';

export interface InboxWorkerOptions {
  inbox: Inbox;
  /** This process, as lease owner. */
  instanceId: string;
  logger: Logger;
  now: () => Date;
  /** The bot's own person id once known (to recognise its replies on a retry). */
  botPersonId: () => string | undefined;
  /** One attempt at an event; rejects when it failed (it is retried). */
  work(event: InboxEvent, steps: EventSteps): Promise<void>;
  /** After the last attempt failed and nothing was said for the event: tell the person, when
   * that can be done. Never called once the event's answer (any post) was made. */
  giveUp(event: InboxEvent, steps: EventSteps, err: unknown): Promise<void>;
  /** Deletes the events' progress notes still in the space (see EventSteps.removeNotes). */
  messenger?: Messenger;
  /** Counts events by how their attempt ended (metrics). */
  onSettled(result: 'done' | 'retry' | 'parked'): void;
  /** How long a lease lasts without renewal. Default 30 s; renewed every third of it. */
  leaseMs?: number;
  /** How often due events are looked for. Default 1 s. */
  pollMs?: number;
  /** Attempts before an event is parked as failed. Default 5. */
  maxAttempts?: number;
  /** Events taken from the inbox (resumed or retried) at most at a time. Default 20. */
  concurrency?: number;
}

export interface InboxWorker {
  /** A lease for an event this process takes at once, or null while draining. */
  leaseForNew(): Lease | null;
  /** Starts an event accepted with this process's lease. */
  run(event: InboxEvent): void;
  /** Begins resuming unfinished events and retries. */
  start(): void;
  /** No new work from now on (events already running go on). */
  stopTaking(): void;
  /** True when nothing is running any more, false after `timeoutMs`. */
  drain(timeoutMs: number): Promise<boolean>;
  /** Gives up the leases of what is still running (another instance or the next start takes it). */
  stop(): Promise<void>;
  running(): number;
}

/** Retry delays: 2 s, 4 s, 8 s, … up to a minute. */
export function retryDelayMs(attempts: number): number {
  return Math.min(60_000, 1000 * 2 ** Math.max(1, attempts));
}

/**
 * Works through the inbox at least once per event: new events at once, and, every poll,
 * events that are due and not leased (unfinished after a crash, left during a drain, waiting
 * for a retry, or leased by an instance that stopped renewing).
 */
export function createInboxWorker(options: InboxWorkerOptions): InboxWorker {
  const { inbox, instanceId: owner, logger, now } = options;
  const leaseMs = options.leaseMs ?? 30_000;
  const pollMs = options.pollMs ?? 1000;
  const maxAttempts = options.maxAttempts ?? 5;
  const concurrency = options.concurrency ?? 20;
  const running = new Map<string, Promise<void>>();
  let taking = true;
  let polling = false;
  let timers: NodeJS.Timeout[] = [];
  let idleWaiters: Array<() => void> = [];

  const lease = (): Lease => ({ owner, until: new Date(now().getTime() + leaseMs) });

  async function attempt(event: InboxEvent): Promise<void> {
    const steps = await EventSteps.load(inbox, event.key, event.attempts, now, options.botPersonId);
    steps.receivedAt = event.receivedAt;
    try {
      await options.work(event, steps);
      // A note this attempt or an earlier one could not delete: the event is not done until it is.
      if (options.messenger) await steps.removeNotes(options.messenger);
    } catch (err) {
      const { trackingId, status } = err as { trackingId?: unknown; status?: unknown };
      const facts = { key: event.key, attempts: event.attempts, err: String(err), trackingId, status };
      if (event.attempts < maxAttempts) {
        const delayMs = retryDelayMs(event.attempts);
        logger.warn({ ...facts, retryInMs: delayMs }, 'event failed; retrying later');
        await inbox.retryAt(event.key, owner, new Date(now().getTime() + delayMs), String(err));
        options.onSettled('retry');
        return;
      }
      logger.error(facts, 'event failed on its last attempt; parked as failed');
      if (options.messenger) await steps.removeNotes(options.messenger).catch((e: unknown) => logger.warn({ key: event.key, err: String(e) }, 'could not delete a progress note'));
      // An apology never follows an answer already posted.
      if (!steps.answered()) await options.giveUp(event, steps, err).catch((e: unknown) => logger.warn({ key: event.key, err: String(e) }, 'could not tell the person'));
      await inbox.park(event.key, owner, now(), String(err));
      options.onSettled('parked');
      return;
    }
    await inbox.finish(event.key, owner, now());
    options.onSettled('done');
  }

  function run(event: InboxEvent): void {
    if (running.has(event.key)) return;
    const work = attempt(event)
      .catch((err: unknown) => logger.error({ key: event.key, err: String(err) }, 'inbox bookkeeping failed; the event is resumed once its lease ends'))
      .finally(() => {
        running.delete(event.key);
        if (running.size === 0) {
          const waiters = idleWaiters;
          idleWaiters = [];
          waiters.forEach((w) => w());
        }
      });
    running.set(event.key, work);
  }

  async function poll(): Promise<void> {
    const room = concurrency - running.size;
    if (!taking || polling || room <= 0) return;
    polling = true;
    try {
      const events = await inbox.claim(lease(), now(), room);
      if (events.length > 0) logger.info({ events: events.length }, 'resuming events from the inbox');
      for (const event of events) run(event);
    } catch (err) {
      logger.warn({ err: String(err) }, 'could not read the inbox');
    } finally {
      polling = false;
    }
  }

  async function renew(): Promise<void> {
    await inbox.renew(owner, [...running.keys()], lease().until).catch((err: unknown) => logger.warn({ err: String(err) }, 'could not renew inbox leases'));
  }

  return {
    leaseForNew: () => (taking ? lease() : null),
    run,
    start() {
      void poll();
      timers = [setInterval(() => void poll(), pollMs), setInterval(() => void renew(), Math.max(100, leaseMs / 3))];
      for (const t of timers) t.unref();
    },
    stopTaking() {
      taking = false;
    },
    drain(timeoutMs) {
      if (running.size === 0) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        idleWaiters.push(() => {
          clearTimeout(timer);
          resolve(true);
        });
      });
    },
    async stop() {
      taking = false;
      timers.forEach(clearInterval);
      timers = [];
      await inbox.release(owner, [...running.keys()]).catch((err: unknown) => logger.warn({ err: String(err) }, 'could not release inbox leases'));
    },
    running: () => running.size,
  };
}
