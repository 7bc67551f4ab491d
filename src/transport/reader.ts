import type { WebexClient } from '../webex/client';
import type { AttachmentAction, Message, Person, Room, RoomType } from '../webex/types';
import { readEnvelope, sameId } from './envelope';
import { stripLeadingMention } from './mention';
import type { BotIdentity, InboundEvent } from './types';

/**
 * The room type of recently seen spaces, least recently used forgotten beyond `max`
 * (`SPACES_IN_MEMORY`). A message carries its room type; a card click does not, so the type a
 * message taught is what saves the click a room read.
 */
export class RoomTypes {
  private readonly types = new Map<string, RoomType>();
  constructor(private readonly max: number) {}

  get(roomId: string): RoomType | undefined {
    const type = this.types.get(roomId);
    if (type !== undefined) {
      this.types.delete(roomId);
      this.types.set(roomId, type);
    }
    return type;
  }

  set(roomId: string, type: RoomType): void {
    this.types.delete(roomId);
    this.types.set(roomId, type);
    while (this.types.size > this.max) this.types.delete(this.types.keys().next().value as string);
  }

  size(): number {
    return this.types.size;
  }
}

export interface EventReader {
  /**
   * The InboundEvent an envelope stands for, read from Webex with the bot's token: one
   * `GET /messages/{id}`, or for a card click `GET /attachment/actions/{id}` beside the room
   * type (when not known) and, only when allowed domains are configured, the clicker's email.
   * Null for what the bot does not act on (its own message, another resource, a group message
   * that does not mention it). Rejects with the WebexApiError of a read that failed after retries.
   */
  read(envelope: unknown): Promise<InboundEvent | null>;
}

export function createEventReader(options: {
  client: WebexClient;
  token: string;
  identity: BotIdentity;
  /** The names people mention the bot by (stripped from the start of a group message). */
  names: readonly string[];
  roomTypes: RoomTypes;
  /** True when the clicker's email is needed (allowed domains are configured). */
  needClickerEmail: boolean;
}): EventReader {
  const { client, token, identity, names, roomTypes } = options;
  const enc = encodeURIComponent;
  const get = async <T>(path: string, route: string): Promise<T> => (await client.request<T>({ method: 'GET', path, route, token })).body;

  async function roomTypeOf(roomId: string): Promise<RoomType> {
    const known = roomTypes.get(roomId);
    if (known) return known;
    const room = await get<Room>(`/rooms/${enc(roomId)}`, '/rooms/{id}');
    const type: RoomType = room.type === 'group' ? 'group' : 'direct';
    roomTypes.set(roomId, type);
    return type;
  }

  async function readMessage(id: string): Promise<InboundEvent | null> {
    const message = await get<Message>(`/messages/${enc(id)}`, '/messages/{id}');
    if (sameId(message.personId, identity.personId)) return null;
    const roomType: RoomType = message.roomType === 'group' ? 'group' : 'direct';
    roomTypes.set(message.roomId, roomType);
    // Webex shows a bot only the group messages that mention it; anything else is not for it.
    if (roomType === 'group' && !(message.mentionedPeople ?? []).some((p) => sameId(p, identity.personId))) return null;
    const raw = message.text ?? '';
    return {
      kind: 'message',
      messageId: message.id,
      personId: message.personId,
      personEmail: (message.personEmail ?? '').toLowerCase(),
      roomId: message.roomId,
      roomType,
      text: (roomType === 'group' ? stripLeadingMention(raw, names) : raw.trim()).replace(/\s+/g, ' '),
    };
  }

  async function readClick(id: string, hint: { roomId?: string; personId?: string }): Promise<InboundEvent | null> {
    const actionRead = get<AttachmentAction>(`/attachment/actions/${enc(id)}`, '/attachment/actions/{id}');
    // Started beside the action read from what the envelope says; checked against the action.
    const typeRead = hint.roomId ? roomTypeOf(hint.roomId) : null;
    const emailRead = options.needClickerEmail && hint.personId ? get<Person>(`/people/${enc(hint.personId)}`, '/people/{id}') : null;
    typeRead?.catch(() => undefined);
    emailRead?.catch(() => undefined);
    const action = await actionRead;
    const roomType = typeRead && hint.roomId === action.roomId ? await typeRead : await roomTypeOf(action.roomId);
    let personEmail = '';
    if (options.needClickerEmail) {
      const person = emailRead && hint.personId === action.personId ? await emailRead : await get<Person>(`/people/${enc(action.personId)}`, '/people/{id}');
      personEmail = (person.emails?.[0] ?? '').toLowerCase();
    }
    return {
      kind: 'click',
      actionId: action.id,
      cardMessageId: action.messageId,
      personId: action.personId,
      personEmail,
      roomId: action.roomId,
      roomType,
      inputs: action.inputs && typeof action.inputs === 'object' ? action.inputs : {},
    };
  }

  return {
    async read(value) {
      const envelope = readEnvelope(value);
      if (!envelope || envelope.event !== 'created') return null;
      const { data } = envelope;
      if (envelope.resource === 'messages') {
        if (sameId(data.personId, identity.personId)) return null;
        return readMessage(data.id);
      }
      if (envelope.resource === 'attachmentActions') {
        return readClick(data.id, {
          ...(typeof data.roomId === 'string' ? { roomId: data.roomId } : {}),
          ...(typeof data.personId === 'string' ? { personId: data.personId } : {}),
        });
      }
      return null;
    },
  };
}

/** True for the envelopes the bot acts on: a new message, a card click. */
export function isActionable(value: unknown): boolean {
  const envelope = readEnvelope(value);
  return envelope !== null && envelope.event === 'created' && (envelope.resource === 'messages' || envelope.resource === 'attachmentActions');
}
