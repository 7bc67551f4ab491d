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

/**
 * Starts the bot on Webex and, in websocket mode, keeps its socket open. Events do not come out
 * of it: every event (webhook body, websocket activity, caught-up message) is an envelope that
 * goes into the durable inbox and is read by reader.ts.
 */
export interface Transport {
  readonly mode: 'webhook' | 'websocket';
  /** Connects to Webex; resolves once events can be received. */
  start(): Promise<void>;
  /**
   * True for an event of the bot's own making (a message it posted): never a command, never
   * stored, never read.
   */
  isOwnEvent(envelope: unknown): boolean;
  /** Webhook mode: started. Websocket mode: the socket is open. */
  connected(): boolean;
  stop(): Promise<void>;
}

