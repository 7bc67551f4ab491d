import type { CardAttachment, Message } from '../webex/types';

/**
 * The reply port: how the bot posts to Webex. Handlers see only this, never the framework or
 * the HTTP client, so they can be exercised with a fake.
 */
export interface Outgoing {
  /** Markdown text; for a card, the fallback shown by clients and notifications without cards. */
  markdown: string;
  /** Adaptive Card JSON. */
  card?: object;
  file?: { name: string; contentType: string; body: Buffer };
  /** A note deleted again once the answer is posted (its timing varies from one try to the
   * next): not one of the event's recorded steps. */
  transient?: boolean;
  /**
   * A text only this message's card holds among the bot's recent posts at the destination (a
   * recording ID). A retried event takes a recent unthreaded post of the bot that has it, and the
   * same first line, for this step instead of posting again (see inbox/steps.ts).
   */
  match?: string;
}

export type Destination = { roomId: string; parentId?: string } | { toPersonId: string };

export interface Messenger {
  post(to: Destination, message: Outgoing): Promise<{ id: string }>;
  remove(messageId: string): Promise<void>;
  get(messageId: string): Promise<Message>;
  /**
   * The latest messages in a 1:1 space (the space itself, or the one with a person), oldest
   * first; null for a group space or thread: Webex lets a bot list there only the messages that
   * mention it, never its own. Without it, a retried event cannot look for a post it made before
   * its answer was lost (see inbox/steps.ts).
   */
  recentPosts?(to: Destination): Promise<Message[] | null>;
}

export const CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive' as const;

export function cardAttachment(card: object): CardAttachment {
  return { contentType: CARD_CONTENT_TYPE, content: card as Record<string, unknown> };
}
