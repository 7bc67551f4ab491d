import type { RoomType } from '../webex/types';

/**
 * What the rest of the bot sees of Webex events: plain data, no framework objects.
 */

/** A message someone sent the bot (in a group space only when they mentioned it). */
export interface InboundMessage {
  readonly kind: 'message';
  readonly messageId: string;
  readonly personId: string;
  readonly personEmail: string;
  readonly roomId: string;
  readonly roomType: RoomType;
  /** The text with the bot's mention removed, whitespace collapsed. */
  readonly text: string;
}

/** A click on one of the bot's card submit buttons. */
export interface InboundClick {
  readonly kind: 'click';
  readonly actionId: string;
  /** The message holding the card that was clicked. */
  readonly cardMessageId: string;
  readonly personId: string;
  readonly personEmail: string;
  readonly roomId: string;
  readonly roomType: RoomType;
  readonly inputs: Record<string, unknown>;
}

export type InboundEvent = InboundMessage | InboundClick;

export interface BotIdentity {
  readonly personId: string;
  readonly email: string;
  readonly displayName: string;
}

/** Receives Webex events and turns them into InboundEvents. */
export interface Transport {
  readonly mode: 'webhook' | 'websocket';
  /** Connects to Webex; resolves once events can be received. */
  start(): Promise<BotIdentity>;
  /**
   * Webhook mode: hands over one verified webhook envelope. Resolves once the event was turned
   * into an InboundEvent and the handler's promise settled (rejecting with the handler's error),
   * or once the event was deliberately ignored (the bot's own message, a space the bot is not in,
   * a resource it does not act on). Rejects with the WebexApiError of a read the event needed
   * (message, attachment action, person, room, membership) that failed after retries.
   */
  dispatch(envelope: unknown): Promise<void>;
  /**
   * True for an event of the bot's own making (a message it posted): never a command. The
   * framework would fetch each from Webex only to drop it, so `dispatch` skips them, and callers
   * need not record them either.
   */
  isOwnEvent(envelope: unknown): boolean;
  stop(): Promise<void>;
}

/** Takes one event; the promise settles when the bot is done with it. */
export type InboundHandler = (event: InboundEvent) => Promise<void>;
