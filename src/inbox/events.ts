import { idCore } from '../transport/envelope';
import type { InboundEvent } from '../transport/types';

/** Events are kept (and duplicates recognised) at least this long; older ones are replays. */
export const REPLAY_WINDOW_MS = 24 * 60 * 60 * 1000;
/** Events stamped further ahead than this (clock skew allowed for) are ignored too. */
export const FUTURE_SKEW_MS = 5 * 60 * 1000;
/** Finished inbox events are pruned once older than this: longer than any event still accepted. */
export const INBOX_RETENTION_MS = REPLAY_WINDOW_MS + FUTURE_SKEW_MS + 60 * 60 * 1000;

interface Envelope {
  resource?: unknown;
  event?: unknown;
  data?: { id?: unknown; created?: unknown; roomId?: unknown; roomType?: unknown; personId?: unknown };
}

/**
 * One key per Webex event (resource:event:<UUID inside data.id>, see transport/envelope.ts): a
 * duplicate delivery has the same key, whether it came by webhook, websocket or catch-up.
 */
export function eventKey(envelope: unknown): string {
  const e = (envelope ?? {}) as Envelope;
  const id = e.data?.id;
  return `${String(e.resource)}:${String(e.event)}:${typeof id === 'string' ? idCore(id) : String(id)}`;
}

/**
 * New-recording events (a person's `convergedRecordings` webhook, or a poll that found a
 * recording) are keyed under this prefix by the notifications; the bot's own webhook never
 * carries that resource, so no event it delivers gets such a key.
 */
export const RECORDING_EVENT_PREFIX = 'convergedRecordings:';

export function isRecordingEventKey(key: string): boolean {
  return key.startsWith(RECORDING_EVENT_PREFIX);
}

/** Who sent the event, as Webex says (kept with it until it is finished). */
export function eventPersonId(envelope: unknown): string | null {
  const id = (envelope as Envelope | null)?.data?.personId;
  return typeof id === 'string' ? id : null;
}

/** The key of the webhook event an InboundEvent was read from. */
export function inboundEventKey(event: InboundEvent): string {
  return event.kind === 'message' ? `messages:created:${idCore(event.messageId)}` : `attachmentActions:created:${idCore(event.actionId)}`;
}

/** The message a `messages` event is about (the person's request), from the event's key. */
export function requestMessageOf(key: string): string | null {
  const prefix = 'messages:created:';
  return key.startsWith(prefix) && key.length > prefix.length ? key.slice(prefix.length) : null;
}

/**
 * Why a verified event is not acted on: its `data.created` is older than the replay window
 * (a captured webhook sent again) or too far in the future. Null when it is in the window, or
 * carries no time.
 */
export function outsideReplayWindow(envelope: unknown, now: Date): 'too old' | 'in the future' | null {
  const created = (envelope as Envelope | null)?.data?.created;
  if (typeof created !== 'string') return null;
  const at = Date.parse(created);
  if (Number.isNaN(at)) return null;
  if (now.getTime() - at > REPLAY_WINDOW_MS) return 'too old';
  if (at - now.getTime() > FUTURE_SKEW_MS) return 'in the future';
  return null;
}

/** Where to tell the person that their event could not be answered, from the event itself. */
export function apologyDestination(envelope: unknown): { roomId: string; parentId?: string } | { toPersonId: string } | null {
  const e = (envelope ?? {}) as Envelope;
  const data = e.data ?? {};
  if (e.resource === 'messages' && typeof data.roomId === 'string') {
    return data.roomType === 'group' && typeof data.id === 'string' ? { roomId: data.roomId, parentId: data.id } : { roomId: data.roomId };
  }
  if (e.resource === 'attachmentActions' && typeof data.personId === 'string') return { toPersonId: data.personId };
  return null;
}
