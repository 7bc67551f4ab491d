import type { WebexClient } from '../webex/client';
import { deleteMessage, postFile, postMessage } from '../webex/messages';
import type { Message } from '../webex/types';
import { cardAttachment, type Destination, type Messenger } from './messenger';

/** The reply port over the Webex REST API with the bot's own token. */
export function createRestMessenger(client: WebexClient, botToken: string): Messenger {
  /** Whether a space is a 1:1 space (a space's type never changes; at most 1,000 remembered). */
  const roomTypes = new Map<string, string>();
  async function isDirect(roomId: string): Promise<boolean> {
    let type = roomTypes.get(roomId);
    if (type === undefined) {
      const { body } = await client.request<{ type?: string }>({ method: 'GET', path: `/rooms/${encodeURIComponent(roomId)}`, route: '/rooms/{id}', token: botToken });
      type = String(body.type);
      if (roomTypes.size >= 1000) roomTypes.clear();
      roomTypes.set(roomId, type);
    }
    return type === 'direct';
  }
  return {
    async post(to: Destination, message) {
      if (message.file) {
        const posted = await postFile(client, botToken, { ...to, markdown: message.markdown, fileName: message.file.name, contentType: message.file.contentType, body: message.file.body });
        return { id: posted.id };
      }
      const posted = await postMessage(client, botToken, {
        ...to,
        markdown: message.markdown,
        ...(message.card ? { attachments: [cardAttachment(message.card)] } : {}),
      });
      return { id: posted.id };
    },
    async remove(messageId) {
      await deleteMessage(client, botToken, messageId);
    },
    async get(messageId) {
      const { body } = await client.request<Message>({ method: 'GET', path: `/messages/${encodeURIComponent(messageId)}`, token: botToken });
      return body;
    },
    async recentPosts(to) {
      if ('parentId' in to && to.parentId) return null;
      if ('roomId' in to && !(await isDirect(to.roomId))) return null;
      const { body } = await client.request<{ items?: Message[] }>(
        'toPersonId' in to
          ? { method: 'GET', path: '/messages/direct', query: { personId: to.toPersonId }, token: botToken }
          : { method: 'GET', path: '/messages', query: { roomId: to.roomId, max: 50 }, token: botToken },
      );
      return [...(body.items ?? [])].sort((a, b) => Date.parse(a.created) - Date.parse(b.created));
    },
  };
}
