import type { RoomType } from '../webex/types';
import type { Messenger, Outgoing } from './messenger';

/**
 * Where a handler answers: the person who asked and the space they asked in. In a group space
 * replies are threaded under the request; a reply to a card click is threaded under the same
 * request as the card (Webex refuses a reply to a reply).
 */
export interface Context {
  readonly personId: string;
  readonly personEmail: string;
  readonly roomId: string;
  readonly roomType: RoomType;
  /** When the event arrived at the bot (its progress notes are timed from then); absent when unknown. */
  readonly receivedAt?: Date;
  /** Answer in the space (threaded in a group space). */
  reply(message: Outgoing): Promise<{ id: string }>;
  /** Answer the person in their 1:1 space with the bot. */
  direct(message: Outgoing): Promise<{ id: string }>;
}

export function createContext(
  messenger: Messenger,
  who: { personId: string; personEmail: string; roomId: string; roomType: RoomType; receivedAt?: Date },
  thread: { parentId?: string; parentOf?: () => Promise<string | undefined> },
): Context {
  let parent: Promise<string | undefined> | null = null;
  const parentId = () => {
    if (!parent) parent = thread.parentId !== undefined ? Promise.resolve(thread.parentId) : (thread.parentOf?.() ?? Promise.resolve(undefined));
    return parent;
  };
  return {
    ...who,
    async reply(message) {
      if (who.roomType !== 'group') return messenger.post(who.roomId ? { roomId: who.roomId } : { toPersonId: who.personId }, message);
      const id = await parentId();
      return messenger.post(id ? { roomId: who.roomId, parentId: id } : { roomId: who.roomId }, message);
    },
    direct(message) {
      if (who.roomType === 'direct' && who.roomId) return messenger.post({ roomId: who.roomId }, message);
      return messenger.post({ toPersonId: who.personId }, message);
    },
  };
}
