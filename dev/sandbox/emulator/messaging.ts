/**
 * Messages and card clicks as Webex handles them: validation and limits, direct-space creation
 * for toPersonId/toPersonEmail, one-level threads, mentions, files, and the webhook events with
 * Webex's visibility rules (a bot sees a group-space message only when it is @mentioned).
 */
import type { AttachmentAction, Message } from '../../../src/webex/types';
import { CARD_CONTENT_TYPE, MAX_CARD_BYTES, MAX_TEXT_BYTES, cardWarnings } from './card-checks';
import { ApiError } from './errors';
import { randomUUID, webexId } from './ids';
import { mentionsIn, plainTextOf } from './mentions';
import type { RoomService } from './rooms';
import type { EmulatorState, RoomRecord, StoredFile, StoredMessage } from './state';
import type { EmulatorMessage } from './types';
import type { WebhookDispatcher } from './webhooks';

export interface UploadedFile {
  filename: string;
  contentType: string;
  bytes: Buffer;
}

export interface PostMessageInput {
  roomId?: string;
  toPersonId?: string;
  toPersonEmail?: string;
  text?: string;
  markdown?: string;
  html?: string;
  parentId?: string;
  attachments?: unknown;
  files?: UploadedFile[];
  /** URLs given in a JSON `files` field; kept as they are. */
  fileUrls?: string[];
  /** Mentions set by the control API (in addition to those in markdown). */
  mentionedPeople?: string[];
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ApiError(400, `${name} must be a string.`);
  return value;
}

export class MessagingService {
  constructor(
    private readonly state: EmulatorState,
    private readonly rooms: RoomService,
    private readonly dispatcher: WebhookDispatcher,
  ) {}

  /** The message as POST /messages returns it (no emulator-only fields). */
  apiMessage(stored: StoredMessage): Message {
    const { warnings: _warnings, ...message } = stored.message;
    return message;
  }

  /** The message as GET, list and PUT return it: Webex's ListMessage has no recipient fields. */
  readMessage(stored: StoredMessage): Message {
    const { toPersonId: _toPersonId, toPersonEmail: _toPersonEmail, ...message } = this.apiMessage(stored);
    return message;
  }

  /** Webex visibility: room members; a bot in a group space only sees its own messages and those mentioning it. */
  canSeeMessage(personId: string, message: Message): boolean {
    if (!this.state.isMember(message.roomId, personId)) return false;
    const viewer = this.state.people.get(personId);
    if (!viewer?.isBot || message.roomType === 'direct') return true;
    return message.personId === personId || (message.mentionedPeople ?? []).includes(personId);
  }

  requireVisibleMessage(personId: string, messageId: string): StoredMessage {
    const stored = this.state.messages.get(messageId);
    if (!stored || !this.canSeeMessage(personId, stored.message)) throw new ApiError(404, 'Unable to find the message.');
    return stored;
  }

  postMessage(authorId: string, input: PostMessageInput): EmulatorMessage {
    const author = this.state.requirePerson(authorId);
    const text = optionalString(input.text, 'text');
    const markdown = optionalString(input.markdown, 'markdown');
    for (const [name, value] of [['text', text], ['markdown', markdown]] as const) {
      if (value !== undefined && Buffer.byteLength(value) > MAX_TEXT_BYTES) {
        throw new ApiError(400, `The ${name} of the message exceeds the maximum length of ${MAX_TEXT_BYTES} bytes.`);
      }
    }
    const attachments = this.validateAttachments(input.attachments);
    const files = input.files ?? [];
    const fileUrls = input.fileUrls ?? [];
    if (!text && !markdown && files.length === 0 && fileUrls.length === 0 && attachments.length === 0) {
      throw new ApiError(400, 'Message must contain text, markdown, files or attachments.');
    }
    const room = this.resolveRoom(author.person.id, input);
    const parentId = optionalString(input.parentId, 'parentId');
    if (parentId) this.checkParent(room, parentId);

    const mentions = mentionsIn(markdown ?? '', this.state);
    const mentionedPeople = [...new Set([...(input.mentionedPeople ?? []), ...mentions.people])];
    const id = webexId('MESSAGE');
    const now = this.state.now();
    const storedFiles = files.map((file) => this.storeFile(file, room.id));
    const direct = input.toPersonId
      ? this.state.findPerson(input.toPersonId)
      : input.toPersonEmail
        ? this.state.findPersonByEmail(input.toPersonEmail)
        : undefined;
    const plainText = text ?? (markdown !== undefined ? plainTextOf(markdown, this.state) : undefined);
    const message: EmulatorMessage = {
      id,
      roomId: room.id,
      roomType: room.type,
      ...(parentId ? { parentId } : {}),
      ...(direct ? { toPersonId: direct.person.id, toPersonEmail: direct.person.emails[0] } : {}),
      ...(plainText !== undefined ? { text: plainText } : {}),
      ...(markdown !== undefined ? { markdown } : {}),
      ...(input.html !== undefined ? { html: input.html } : {}),
      ...(storedFiles.length || fileUrls.length ? { files: [...storedFiles.map((f) => f.url), ...fileUrls] } : {}),
      personId: author.person.id,
      personEmail: author.person.emails[0] ?? '',
      ...(mentionedPeople.length ? { mentionedPeople } : {}),
      ...(mentions.groups.length ? { mentionedGroups: mentions.groups } : {}),
      ...(attachments.length ? { attachments } : {}),
      created: this.state.iso(now),
      warnings: attachments.length ? cardWarnings(attachments[0]!.content, Boolean(text || markdown)) : [],
    };
    const stored: StoredMessage = { seq: this.state.nextMessageSeq(), message, files: storedFiles };
    this.state.addMessage(stored);
    room.lastActivity = now;
    this.state.events.emit('message', message);
    this.dispatchMessageEvent('created', stored, author.person.id);
    return message;
  }

  editMessage(callerId: string, messageId: string, body: { roomId?: unknown; text?: unknown; markdown?: unknown }): EmulatorMessage {
    const stored = this.requireVisibleMessage(callerId, messageId);
    const message = stored.message;
    if (message.personId !== callerId) throw new ApiError(403, 'Only the author of a message can edit it.');
    if (message.attachments?.length) throw new ApiError(400, 'Messages with attachments cannot be edited.');
    if (body.roomId !== message.roomId) throw new ApiError(400, 'roomId is required and must be the room of the message.');
    const text = optionalString(body.text, 'text');
    const markdown = optionalString(body.markdown, 'markdown');
    if (!text && !markdown) throw new ApiError(400, 'text or markdown is required.');
    for (const value of [text, markdown]) {
      if (value !== undefined && Buffer.byteLength(value) > MAX_TEXT_BYTES) throw new ApiError(400, `Message exceeds ${MAX_TEXT_BYTES} bytes.`);
    }
    message.text = text ?? plainTextOf(markdown ?? '', this.state);
    if (markdown !== undefined) message.markdown = markdown;
    else delete message.markdown;
    message.updated = this.state.iso();
    this.dispatchMessageEvent('updated', stored, callerId);
    return message;
  }

  deleteMessage(callerId: string, messageId: string): void {
    const stored = this.requireVisibleMessage(callerId, messageId);
    if (stored.message.personId !== callerId) throw new ApiError(403, 'Only the author of a message can delete it.');
    this.dispatchMessageEvent('deleted', stored, callerId);
    this.state.deleteMessage(messageId);
    for (const file of stored.files) this.state.contents.delete(file.contentId);
  }

  createAttachmentAction(personId: string, body: { type?: unknown; messageId?: unknown; inputs?: unknown }): AttachmentAction {
    if (body.type !== 'submit') throw new ApiError(400, 'type must be "submit".');
    if (typeof body.messageId !== 'string') throw new ApiError(400, 'messageId is required.');
    const stored = this.requireVisibleMessage(personId, body.messageId);
    if (!stored.message.attachments?.length) throw new ApiError(400, 'The message has no card to act on.');
    const inputs = body.inputs ?? {};
    if (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs)) throw new ApiError(400, 'inputs must be an object.');
    const action: AttachmentAction = {
      id: webexId('ATTACHMENT_ACTION'),
      type: 'submit',
      messageId: stored.message.id,
      inputs: inputs as Record<string, unknown>,
      personId,
      roomId: stored.message.roomId,
      created: this.state.iso(),
    };
    this.state.actions.set(action.id, action);
    this.state.events.emit('attachment-action', action);
    const cardAuthor = stored.message.personId;
    this.dispatcher.dispatch({
      resource: 'attachmentActions',
      event: 'created',
      actorId: personId,
      data: { ...action },
      visibleTo: (ownerId) => ownerId === cardAuthor && this.state.isMember(action.roomId, ownerId),
    });
    return action;
  }

  /** The card author and the clicker may read an action. */
  requireVisibleAction(personId: string, actionId: string): AttachmentAction {
    const action = this.state.actions.get(actionId);
    const author = action ? this.state.messages.get(action.messageId)?.message.personId : undefined;
    if (!action || (action.personId !== personId && author !== personId)) throw new ApiError(404, 'Unable to find the attachment action.');
    return action;
  }

  private dispatchMessageEvent(event: 'created' | 'updated' | 'deleted', stored: StoredMessage, actorId: string): void {
    const m = stored.message;
    const data = {
      id: m.id,
      roomId: m.roomId,
      roomType: m.roomType,
      ...(m.parentId ? { parentId: m.parentId } : {}),
      personId: m.personId,
      personEmail: m.personEmail,
      ...(m.mentionedPeople ? { mentionedPeople: m.mentionedPeople } : {}),
      ...(m.mentionedGroups ? { mentionedGroups: m.mentionedGroups } : {}),
      ...(m.files ? { files: m.files } : {}),
      created: m.created,
    };
    const snapshot: Message = { ...m };
    this.dispatcher.dispatch({ resource: 'messages', event, actorId, data, visibleTo: (ownerId) => this.canSeeMessage(ownerId, snapshot) });
  }

  private validateAttachments(raw: unknown): Array<{ contentType: typeof CARD_CONTENT_TYPE; content: Record<string, unknown> }> {
    if (raw === undefined || raw === null) return [];
    if (!Array.isArray(raw)) throw new ApiError(400, 'attachments must be an array.');
    if (raw.length > 1) throw new ApiError(400, 'Only one attachment per message is supported.');
    return raw.map((item: unknown) => {
      const attachment = (item ?? {}) as { contentType?: unknown; content?: unknown };
      if (attachment.contentType !== CARD_CONTENT_TYPE) throw new ApiError(400, `Unsupported attachment contentType; expected ${CARD_CONTENT_TYPE}.`);
      if (typeof attachment.content !== 'object' || attachment.content === null) throw new ApiError(400, 'Attachment content must be an object.');
      if (Buffer.byteLength(JSON.stringify(attachment.content)) > MAX_CARD_BYTES) {
        throw new ApiError(400, `Attachment content exceeds the maximum size of ${MAX_CARD_BYTES} bytes.`);
      }
      return { contentType: CARD_CONTENT_TYPE, content: attachment.content as Record<string, unknown> };
    });
  }

  private resolveRoom(authorId: string, input: PostMessageInput): RoomRecord {
    const roomId = optionalString(input.roomId, 'roomId');
    const toPersonId = optionalString(input.toPersonId, 'toPersonId');
    const toPersonEmail = optionalString(input.toPersonEmail, 'toPersonEmail');
    if (roomId && (toPersonId || toPersonEmail)) throw new ApiError(400, 'Specify either roomId or toPersonId/toPersonEmail, not both.');
    if (roomId) {
      const room = this.state.rooms.get(roomId);
      if (!room || !this.state.isMember(roomId, authorId)) throw new ApiError(404, 'Could not find a room with provided ID.');
      return room;
    }
    if (!toPersonId && !toPersonEmail) throw new ApiError(400, 'roomId, toPersonId or toPersonEmail is required.');
    const target = toPersonId ? this.state.findPerson(toPersonId) : this.state.findPersonByEmail(toPersonEmail!);
    if (!target) throw new ApiError(404, 'Could not find the person to send the message to.');
    if (target.person.id === authorId) throw new ApiError(400, 'Cannot send a direct message to yourself.');
    return this.rooms.ensureDirectRoom(authorId, target.person.id, authorId);
  }

  private checkParent(room: RoomRecord, parentId: string): void {
    const parent = this.state.messages.get(parentId);
    if (!parent || parent.message.roomId !== room.id) throw new ApiError(400, 'The parent message was not found in this room.');
    if (parent.message.parentId) throw new ApiError(400, 'Cannot reply to a reply: threads are one level deep.');
  }

  private storeFile(file: UploadedFile, roomId: string): StoredFile {
    const contentId = webexId('CONTENT', `${randomUUID()}/0`);
    const stored: StoredFile = {
      contentId,
      url: `${this.state.apiUrl}/contents/${contentId}`,
      filename: file.filename,
      contentType: file.contentType,
      bytes: file.bytes,
      roomId,
    };
    this.state.contents.set(contentId, stored);
    return stored;
  }
}
