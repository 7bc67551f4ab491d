/** What the rest of the bot sees of new-recording notifications (service.ts builds it). */
import type { EventSteps } from '../inbox/steps';
import type { InboxEvent, RecordingSubscription } from '../store/types';

export interface Notifications {
  readonly mode: 'webhook' | 'polling';
  /** Turns DMs on and/or adds a group space; registers the webhook in webhook mode. */
  enable(personId: string, change: { direct?: true; roomId?: string }): Promise<RecordingSubscription>;
  /** Removes a space, or everything; deletes the webhook when nothing is left. */
  disable(personId: string, change: { roomId?: string }): Promise<RecordingSubscription | null>;
  /** `disconnect`: the webhook goes (with the person's token), then the subscription. */
  forget(personId: string): Promise<void>;
  /** The person's refresh was refused: delete the webhook with the last token, stop, tell them once. */
  refreshRefused(personId: string, lastAccessToken: string): Promise<void>;
  /** A signature-checked delivery to the recordings webhook route; resolves once it is in the inbox. */
  accept(envelope: unknown): Promise<void>;
  /** One attempt at a new-recording event from the inbox: announces it, or rejects (retried). */
  handle(event: InboxEvent, steps: EventSteps): Promise<void>;
  start(): void;
  /** Stops polling and waits for the webhook checks under way. */
  stop(): Promise<void>;
}
