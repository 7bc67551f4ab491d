/**
 * `conversation.activity` payloads of websocket mode (see mercury.ts), made from the world events
 * that make webhooks: what the Webex SDK's messages, memberships and attachment-actions plugins
 * read (IDs as bare UUIDs, the space as `target`, no message text: the SDK reads it over REST).
 */
import { serviceLinks } from './catalog';
import { decodeWebexId, randomUUID } from './ids';
import type { EmulatorState } from './state';
import type { DomainEvent } from './webhooks';

export function activityOf(state: EmulatorState, event: DomainEvent): Record<string, unknown> | undefined {
  const data = event.data as Record<string, unknown>;
  const roomId = String(data.roomId ?? '');
  const room = state.rooms.get(roomId);
  if (!room) return undefined;
  const conversationUrl = `${serviceLinks(state.baseUrl).conversation}/conversations/${room.uuid}`;
  const actor = state.findPerson(event.actorId);
  const common = {
    objectType: 'activity',
    published: state.iso(),
    actor: actor
      ? { id: actor.uuid, objectType: 'person', entryUUID: actor.uuid, emailAddress: actor.person.emails[0], displayName: actor.person.displayName }
      : { objectType: 'person', entryUUID: uuidOf(event.actorId) },
    target: { id: room.uuid, objectType: 'conversation', url: conversationUrl, tags: room.type === 'direct' ? ['ONE_ON_ONE'] : [] },
  };
  const activityUrl = (id: string): string => `${serviceLinks(state.baseUrl).conversation}/activities/${id}`;
  if (event.resource === 'messages' && (event.event === 'created' || event.event === 'deleted')) {
    const messageUuid = uuidOf(String(data.id));
    if (event.event === 'deleted') {
      const id = randomUUID();
      return { ...common, id, url: activityUrl(id), verb: 'delete', object: { id: messageUuid, objectType: 'activity' } };
    }
    const mentioned = Array.isArray(data.mentionedPeople) ? (data.mentionedPeople as string[]) : [];
    const parentId = typeof data.parentId === 'string' ? data.parentId : undefined;
    return {
      ...common,
      id: messageUuid,
      url: activityUrl(messageUuid),
      verb: 'post',
      object: {
        id: messageUuid,
        objectType: 'comment',
        ...(mentioned.length ? { mentions: { items: mentioned.map((p) => ({ id: uuidOf(p), objectType: 'person' })) } } : {}),
      },
      ...(parentId ? { parent: { id: uuidOf(parentId), type: 'reply' } } : {}),
    };
  }
  if (event.resource === 'attachmentActions' && event.event === 'created') {
    const actionUuid = uuidOf(String(data.id));
    return {
      ...common,
      id: actionUuid,
      url: activityUrl(actionUuid),
      verb: 'cardAction',
      object: { objectType: 'submit', inputs: data.inputs ?? {} },
      parent: { id: uuidOf(String(data.messageId)), type: 'cardAction' },
    };
  }
  if (event.resource === 'memberships' && event.event === 'created') {
    const member = state.findPerson(String(data.personId));
    if (!member) return undefined;
    const id = randomUUID();
    return {
      ...common,
      id,
      url: activityUrl(id),
      verb: 'add',
      object: {
        id: member.uuid,
        objectType: 'person',
        entryUUID: member.uuid,
        emailAddress: member.person.emails[0],
        displayName: member.person.displayName,
        orgId: state.orgUuid,
        roomProperties: { isModerator: Boolean(data.isModerator) },
      },
    };
  }
  return undefined;
}

export function uuidOf(webexIdOrUuid: string): string {
  return decodeWebexId(webexIdOrUuid)?.suffix ?? webexIdOrUuid;
}
