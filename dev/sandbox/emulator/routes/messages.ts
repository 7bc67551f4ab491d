/** /v1/messages (JSON and multipart with files), /v1/contents/{id}, /v1/attachment/actions. */
import { Router, type Request } from 'express';
import { callerOf } from '../auth';
import { ApiError } from '../errors';
import type { MessagingService, PostMessageInput, UploadedFile } from '../messaging';
import { paginate, queryParam } from '../paging';
import type { EmulatorState } from '../state';

function stringField(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Reads a multipart/form-data body (raw bytes) into message fields and uploaded files. */
async function parseMultipart(req: Request): Promise<PostMessageInput> {
  const raw = req.body;
  if (!Buffer.isBuffer(raw)) throw new ApiError(400, 'Could not read the multipart body.');
  let form: FormData;
  try {
    form = await new Response(Uint8Array.from(raw), { headers: { 'content-type': req.headers['content-type'] ?? '' } }).formData();
  } catch {
    throw new ApiError(400, 'Malformed multipart/form-data body.');
  }
  const input: PostMessageInput = {};
  const files: UploadedFile[] = [];
  for (const [name, value] of form.entries()) {
    if (typeof value !== 'string') {
      const blob = value as Blob & { name?: string };
      files.push({ filename: blob.name || 'file', contentType: blob.type || 'application/octet-stream', bytes: Buffer.from(await blob.arrayBuffer()) });
      continue;
    }
    if (name === 'attachments') {
      try {
        input.attachments = JSON.parse(value);
      } catch {
        throw new ApiError(400, 'attachments must be JSON.');
      }
    } else if (['roomId', 'toPersonId', 'toPersonEmail', 'text', 'markdown', 'parentId'].includes(name)) {
      (input as Record<string, unknown>)[name] = value;
    }
  }
  if (files.length) input.files = files;
  return input;
}

function jsonInput(body: unknown): PostMessageInput {
  const b = (body ?? {}) as Record<string, unknown>;
  const input: PostMessageInput = {
    roomId: stringField(b.roomId),
    toPersonId: stringField(b.toPersonId),
    toPersonEmail: stringField(b.toPersonEmail),
    text: b.text as string | undefined,
    markdown: b.markdown as string | undefined,
    parentId: stringField(b.parentId),
    attachments: b.attachments,
  };
  if (Array.isArray(b.files)) input.fileUrls = b.files.filter((f): f is string => typeof f === 'string');
  return input;
}

export function messagesRouter(state: EmulatorState, messaging: MessagingService): Router {
  const router = Router();

  router.post('/messages', async (req, res) => {
    const caller = callerOf(res);
    const input = req.is('multipart/form-data') ? await parseMultipart(req) : jsonInput(req.body);
    const message = messaging.postMessage(caller.personId, input);
    res.json(messaging.apiMessage(state.messages.get(message.id)!));
  });

  router.get('/messages', (req, res) => {
    const caller = callerOf(res);
    const roomId = queryParam(req, 'roomId');
    if (!roomId) throw new ApiError(400, 'roomId is required.');
    if (!state.rooms.has(roomId) || !state.isMember(roomId, caller.personId)) throw new ApiError(404, 'Could not find a room with provided ID.');
    const parentId = queryParam(req, 'parentId');
    const mentioned = queryParam(req, 'mentionedPeople');
    // List Messages: "Only `me` or the person ID of the current user may be specified", and "Bots
    // must include this parameter to list messages in group rooms (spaces)".
    if (mentioned !== undefined && mentioned !== 'me' && state.findPerson(mentioned)?.person.id !== caller.personId) {
      throw new ApiError(400, 'mentionedPeople may only be me or the person ID of the current user.');
    }
    const mentionedId = mentioned === undefined ? undefined : caller.personId;
    if (caller.kind === 'bot' && state.rooms.get(roomId)?.type === 'group' && mentionedId === undefined) {
      throw new ApiError(403, 'Bots must include mentionedPeople=me to list messages in group spaces.');
    }
    const max = queryParam(req, 'max');
    if (mentionedId !== undefined && max !== undefined && Number(max) > 100) throw new ApiError(400, 'max cannot exceed 100 when used with mentionedPeople.');
    const before = queryParam(req, 'before');
    const beforeMs = before ? Date.parse(before) : undefined;
    if (beforeMs !== undefined && Number.isNaN(beforeMs)) throw new ApiError(400, 'before must be an ISO 8601 date and time.');
    const beforeMessage = queryParam(req, 'beforeMessage');
    const beforeSeq = beforeMessage ? state.messages.get(beforeMessage)?.seq : undefined;
    if (beforeMessage && beforeSeq === undefined) throw new ApiError(404, 'beforeMessage not found.');
    const items = state
      .messagesOfRoom(roomId)
      .filter((s) => messaging.canSeeMessage(caller.personId, s.message))
      .filter((s) => !parentId || s.message.parentId === parentId)
      .filter((s) => !mentionedId || (s.message.mentionedPeople ?? []).includes(mentionedId))
      .filter((s) => beforeMs === undefined || Date.parse(s.message.created) < beforeMs)
      .filter((s) => beforeSeq === undefined || s.seq < beforeSeq)
      .reverse();
    const page = paginate(items, req, res, state, { defaultMax: 50, limit: 1000 });
    res.json({ items: page.map((s) => messaging.readMessage(s)) });
  });

  /** List Direct Messages: the caller's 1:1 space with `personId` (or `personEmail`), newest first. */
  router.get('/messages/direct', (req, res) => {
    const caller = callerOf(res);
    const personId = queryParam(req, 'personId');
    const personEmail = queryParam(req, 'personEmail');
    if (!personId && !personEmail) throw new ApiError(400, 'personId or personEmail is required.');
    const other = personId ? state.findPerson(personId) : state.findPersonByEmail(personEmail!);
    if (!other) throw new ApiError(404, 'Could not find the person.');
    const room = state.findDirectRoom(caller.personId, other.person.id);
    const parentId = queryParam(req, 'parentId');
    const items = (room ? state.messagesOfRoom(room.id) : []).filter((s) => !parentId || s.message.parentId === parentId).reverse();
    const page = paginate(items, req, res, state, { defaultMax: 50, limit: 1000 });
    res.json({ items: page.map((s) => messaging.readMessage(s)) });
  });

  router.get('/messages/:id', (req, res) => {
    const caller = callerOf(res);
    res.json(messaging.readMessage(messaging.requireVisibleMessage(caller.personId, String(req.params.id))));
  });

  router.put('/messages/:id', (req, res) => {
    const caller = callerOf(res);
    const message = messaging.editMessage(caller.personId, String(req.params.id), (req.body ?? {}) as Record<string, unknown>);
    res.json(messaging.readMessage(state.messages.get(message.id)!));
  });

  router.delete('/messages/:id', (req, res) => {
    const caller = callerOf(res);
    messaging.deleteMessage(caller.personId, String(req.params.id));
    res.status(204).end();
  });

  router.get('/contents/:id', (req, res) => {
    const caller = callerOf(res);
    const file = state.contents.get(String(req.params.id));
    if (!file || !state.isMember(file.roomId, caller.personId)) throw new ApiError(404, 'Content not found.');
    res.setHeader('Content-Disposition', `attachment; filename="${encodeURIComponent(file.filename)}"`);
    res.type(file.contentType).send(file.bytes);
  });

  router.post('/attachment/actions', (req, res) => {
    const caller = callerOf(res);
    if (caller.kind === 'bot') throw new ApiError(403, 'Bots cannot submit card actions.');
    res.status(202).json(messaging.createAttachmentAction(caller.personId, (req.body ?? {}) as Record<string, unknown>));
  });

  router.get('/attachment/actions/:id', (req, res) => {
    const caller = callerOf(res);
    res.json(messaging.requireVisibleAction(caller.personId, String(req.params.id)));
  });

  return router;
}
