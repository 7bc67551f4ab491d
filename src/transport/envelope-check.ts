/**
 * What a Webex event envelope must look like before the bot keeps it (README, "Webhooks"): an
 * object with `resource` and `event` words, and a `data` object whose `id` is a string, the key of
 * the event. The data fields the bot reads (`roomId`, `personId`, `personEmail`, `roomType`,
 * `created`, `messageId`, `parentId`, `mentionedPeople`, …) must have Webex's types when present;
 * other fields are left alone (memberships, rooms and card clicks carry their own).
 *
 * The resource and event are checked for their form, not against today's list: a new resource
 * Webex adds is no malformed body, and answering it 400 would count towards the failed deliveries
 * after which Webex disables the webhook.
 *
 * Pure, with no recursion (a value nested 100,000 levels deep is refused, not walked), so both
 * the webhook route and the websocket path can run it on whatever reaches them.
 */

/** Deeper than any envelope Webex sends (a card click's inputs are the deepest, a few levels). */
export const MAX_ENVELOPE_DEPTH = 32;
/** Webex IDs are base64 strings of about 80 characters. */
const MAX_ID_LENGTH = 1024;
const WORD = /^[A-Za-z][A-Za-z_]{0,63}$/;
/** No whitespace or control characters: an ID is one opaque token. */
const ID = /^[\x21-\x7e]+$/;

export interface WebexEnvelope {
  resource: string;
  event: string;
  data: { id: string; [key: string]: unknown };
  [key: string]: unknown;
}

export type EnvelopeCheck = { ok: true; envelope: WebexEnvelope } | { ok: false; reason: string };

/** Envelope fields that are strings when present. */
const ENVELOPE_STRINGS = ['id', 'name', 'targetUrl', 'filter', 'orgId', 'createdBy', 'appId', 'ownedBy', 'status', 'actorId', 'created'] as const;
/** Data fields the bot reads, strings when present. */
const DATA_STRINGS = ['roomId', 'personId', 'personEmail', 'created', 'messageId', 'parentId', 'type'] as const;
/** Data fields that are lists of IDs when present. */
const DATA_ID_LISTS = ['mentionedPeople', 'mentionedGroups', 'files'] as const;
const ROOM_TYPES: ReadonlySet<string> = new Set(['direct', 'group']);

type Plain = Record<string, unknown>;

function isPlainObject(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object's own value for `key` (never an inherited one such as a prototype's). */
function own(object: Plain, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
}

export function checkEnvelope(value: unknown): EnvelopeCheck {
  const refuse = (reason: string): EnvelopeCheck => ({ ok: false, reason });
  if (!isPlainObject(value)) return refuse('not a JSON object');
  const resource = own(value, 'resource');
  const event = own(value, 'event');
  if (typeof resource !== 'string' || !WORD.test(resource)) return refuse('resource is not a word');
  if (typeof event !== 'string' || !WORD.test(event)) return refuse('event is not a word');
  for (const key of ENVELOPE_STRINGS) {
    const field = own(value, key);
    if (field !== undefined && typeof field !== 'string') return refuse(`${key} is not a string`);
  }
  const data = own(value, 'data');
  if (!isPlainObject(data)) return refuse('data is not an object');
  const id = own(data, 'id');
  if (typeof id !== 'string' || id.length > MAX_ID_LENGTH || !ID.test(id)) return refuse('data.id is not an ID');
  for (const key of DATA_STRINGS) {
    const field = own(data, key);
    if (field !== undefined && typeof field !== 'string') return refuse(`data.${key} is not a string`);
  }
  const roomType = own(data, 'roomType');
  if (roomType !== undefined && (typeof roomType !== 'string' || !ROOM_TYPES.has(roomType))) return refuse('data.roomType is not direct or group');
  for (const key of DATA_ID_LISTS) {
    const field = own(data, key);
    if (field !== undefined && (!Array.isArray(field) || !field.every((item) => typeof item === 'string'))) return refuse(`data.${key} is not a list of IDs`);
  }
  if (!valueWithinDepth(value, MAX_ENVELOPE_DEPTH)) return refuse(`nested deeper than ${MAX_ENVELOPE_DEPTH} levels`);
  return { ok: true, envelope: value as WebexEnvelope };
}

/** True when no object or array in `value` lies more than `max` levels deep (walked with a stack). */
function valueWithinDepth(value: unknown, max: number): boolean {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 1 }];
  while (stack.length > 0) {
    const { value: next, depth } = stack.pop()!;
    if (typeof next !== 'object' || next === null) continue;
    if (depth > max) return false;
    for (const child of Object.values(next)) {
      if (typeof child === 'object' && child !== null) stack.push({ value: child, depth: depth + 1 });
    }
  }
  return true;
}

/**
 * True when the JSON text in `raw` opens no more than `max` objects or arrays inside each other,
 * brackets inside strings not counted. One pass over the bytes, before `JSON.parse` builds (and
 * the store later serialises, recursively) a value of that depth.
 */
export function withinNestingDepth(raw: Uint8Array, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i]!;
    if (inString) {
      if (byte === 0x5c) i++; // backslash: the next byte is escaped
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) inString = true;
    else if (byte === 0x7b || byte === 0x5b) {
      if (++depth > max) return false;
    } else if (byte === 0x7d || byte === 0x5d) depth--;
  }
  return true;
}
