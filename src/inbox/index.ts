import { randomUUID } from 'node:crypto';
import type { Messenger } from '../replies/messenger';
import type { Logger } from '../log';
import type { Store } from '../store/types';
import type { InboxEvent } from '../store/types';
import { isActionable } from '../transport/reader';
import {
  apologyDestination,
  eventKey,
  eventPersonId,
  INBOX_RETENTION_MS,
  isRecordingEventKey,
  outsideReplayWindow,
  RECORDING_EVENT_PREFIX,
} from './events';
import type { EventSteps } from './steps';
import { createInboxWorker } from './worker';

export { EventSteps } from './steps';

/** What the person reads when their event was given up on. */
export const GIVE_UP_MESSAGE = "I couldn't answer that, try again.";

export interface EventInbox {
  /**
   * An event envelope (a verified webhook, a websocket activity or a caught-up message, see
   * transport/envelope.ts): stored once per event before the caller answers Webex or acks.
   * Resolves true when stored now, false for a duplicate or an event there is nothing to do for.
   */
  accept(envelope: unknown): Promise<boolean>;
  /** A new-recording event (its key under RECORDING_EVENT_PREFIX, `personId` its owner):
   * stored once per key, then worked on like every event. False for a duplicate. */
  acceptRecording(key: string, envelope: object, personId: string): Promise<boolean>;
  /** Begins resuming unfinished events (call once the transport is started). */
  start(): void;
  /** Drain: new events are still stored, but no new work starts. */
  stopTaking(): void;
  drain(timeoutMs: number): Promise<boolean>;
  stop(): Promise<void>;
  running(): number;
}

/**
 * The durable inbox between the webhook route and the bot: every verified event is committed
 * to the store before the 200, then worked on under a lease, at least once, by this instance
 * or (after a crash or during a drain) by the next start or another instance.
 */
export function createEventInbox(options: {
  store: Store;
  /** The bot's part of an event: its own events are never stored; `handle` is one attempt. */
  events: { isOwnEvent(envelope: unknown): boolean; handle(envelope: unknown, steps: EventSteps): Promise<void> };
  messenger: Messenger;
  logger: Logger;
  now: () => Date;
  botPersonId: () => string | undefined;
  /** Resolves once the bot can work on events. */
  started: Promise<void>;
  onSettled(result: 'done' | 'retry' | 'parked'): void;
  /** One attempt at a new-recording event (notifications). */
  onRecordingEvent(event: InboxEvent, steps: EventSteps): Promise<void>;
  leaseMs?: number;
  pollMs?: number;
  maxAttempts?: number;
}): EventInbox {
  const { store, events, logger, now } = options;
  const instanceId = randomUUID();

  const worker = createInboxWorker({
    inbox: store.inbox,
    instanceId,
    logger,
    now,
    leaseMs: options.leaseMs,
    pollMs: options.pollMs,
    maxAttempts: options.maxAttempts,
    botPersonId: options.botPersonId,
    messenger: options.messenger,
    onSettled: options.onSettled,
    async work(event, steps) {
      await options.started;
      if (isRecordingEventKey(event.key)) {
        await options.onRecordingEvent(event, steps);
        return;
      }
      await events.handle(event.envelope, steps);
    },
    async giveUp(event, steps) {
      // A recording nobody asked about just now: nothing to apologise for (the log has it).
      if (isRecordingEventKey(event.key)) return;
      const to = apologyDestination(event.envelope);
      if (to) await steps.messenger(options.messenger).post(to, { markdown: GIVE_UP_MESSAGE });
    },
  });

  /** Stores the event (once per key) and, unless draining, starts its first attempt at once. */
  async function take(key: string, envelope: unknown, personId: string | null, at: Date): Promise<boolean> {
    const lease = worker.leaseForNew();
    const fresh = await store.inbox.accept(key, envelope, personId, at, lease, new Date(at.getTime() - INBOX_RETENTION_MS));
    if (!fresh) {
      // A new recording given up on (parked) and delivered again: tried again (by the next poll of the inbox).
      if (isRecordingEventKey(key) && (await store.inbox.revive(key, envelope, personId, at))) {
        logger.info({ key }, 'parked recording event delivered again; trying it again');
        return true;
      }
      logger.debug({ key }, 'duplicate event ignored');
      return false;
    }
    if (lease) worker.run({ key, envelope, attempts: 1, receivedAt: at });
    return true;
  }

  return {
    async accept(envelope) {
      // The events of the bot's own replies, and of what it does not act on: nothing to store.
      if (events.isOwnEvent(envelope)) return false;
      const key = eventKey(envelope);
      // Recordings come through the people's own webhooks only (the bot has no recording scope).
      if (isRecordingEventKey(key)) {
        logger.warn({ key }, 'recording event on the bot\'s webhook ignored');
        return false;
      }
      if (!isActionable(envelope)) return false;
      const at = now();
      const outside = outsideReplayWindow(envelope, at);
      if (outside) {
        const created = (envelope as { data?: { created?: unknown } }).data?.created;
        logger.info({ key, created, reason: outside }, 'event outside the replay window ignored');
        return false;
      }
      return take(key, envelope, eventPersonId(envelope), at);
    },
    acceptRecording(key, envelope, personId) {
      if (!isRecordingEventKey(key)) throw new Error(`a recording event key starts with ${RECORDING_EVENT_PREFIX}`);
      return take(key, envelope, personId, now());
    },
    start: () => worker.start(),
    stopTaking: () => worker.stopTaking(),
    drain: (timeoutMs) => worker.drain(timeoutMs),
    stop: () => worker.stop(),
    running: () => worker.running(),
  };
}
