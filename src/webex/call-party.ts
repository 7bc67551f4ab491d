/**
 * Who a recorded call was with, from the recording's metadata: the other party's name (looked up
 * with `GET /people/{id}` when Webex names a person by UUID, and cached; a place or queue by the
 * name Webex gives) and number as a person writes it, and whether the owner placed or received
 * the call. Any failure means "unknown": the card then has no such line.
 */
import type { Logger } from '../log';
import type { WebexClient } from './client';
import { getPerson } from './people';
import { getRecordingMetadata } from './recording-metadata';
import type { RecordingMetadata, RecordingParty } from './types';
import { systemClock, type Clock } from '../clock';

export interface CallParty {
  /** Display name of the other party, when Webex names a person. */
  name?: string;
  /** Their phone number, when Webex gives one. */
  number?: string;
  /** From the owner's point of view; absent when the metadata does not say. */
  direction?: 'incoming' | 'outgoing';
}

/** Values by key, each kept for an hour, at most `max` of them (the oldest dropped first). */
export class ExpiringCache<V> {
  private readonly entries = new Map<string, { value: V; at: number }>();

  constructor(
    private readonly ttlMs = 60 * 60 * 1000,
    private readonly max = 5000,
    private readonly now: Clock = systemClock,
  ) {}

  get(key: string): V | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (this.now().getTime() - hit.at > this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return hit.value;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, { value, at: this.now().getTime() });
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as string);
  }
}

/**
 * What the bot remembers of recorded calls. A call's parties never change, so the answer for one
 * viewer and recording is kept (per viewer: what one sign-in may read says nothing of another's);
 * `null` is "the metadata names nobody". Failures are not kept: the next card asks again.
 */
export class CallPartyCache {
  /** Display names by Webex person ID (`null`: the person has none). */
  readonly names: ExpiringCache<string | null>;
  /** The other party by viewer and recording. */
  readonly parties: ExpiringCache<CallParty | null>;

  constructor(now: Clock = systemClock) {
    this.names = new ExpiringCache(undefined, undefined, now);
    this.parties = new ExpiringCache(undefined, undefined, now);
  }
}

/** A Webex person ID is the base64 (no padding) of `ciscospark://us/PEOPLE/<uuid>`. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The UUID an ID stands for: metadata names people by bare UUID, the rest of the API (and the
 * recording details' `ownerId`) by Webex ID. Anything else is compared as it is.
 */
export function uuidOf(id: string): string {
  if (UUID.test(id)) return id.toLowerCase();
  if (/^[A-Za-z0-9+/_-]{20,}=*$/.test(id)) {
    const text = Buffer.from(id.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
    const match = /^ciscospark:\/\/[a-z0-9]+\/PEOPLE\/([0-9a-f-]{36})$/i.exec(text);
    if (match && UUID.test(match[1]!)) return match[1]!.toLowerCase();
  }
  return id;
}

/** The Webex person ID for a person the metadata names by UUID (a Webex ID is kept as it is). */
export function personIdOf(id: string): string {
  return UUID.test(id) ? Buffer.from(`ciscospark://us/PEOPLE/${id.toLowerCase()}`).toString('base64').replace(/=+$/, '') : id;
}

function otherSide(metadata: RecordingMetadata): { party: RecordingParty | undefined; direction?: CallParty['direction'] } {
  const data = metadata.serviceData ?? {};
  const personality = typeof data.personality === 'string' ? data.personality.toLowerCase() : undefined;
  if (personality === 'originator') return { party: data.calledParty, direction: 'outgoing' };
  if (personality === 'terminator') return { party: data.callingParty, direction: 'incoming' };
  // No personality: the side whose actor is the owner is the owner's (UUID or Webex ID alike).
  const owner = typeof metadata.ownerId === 'string' && metadata.ownerId ? uuidOf(metadata.ownerId) : undefined;
  const isOwner = (party: RecordingParty | undefined) => typeof party?.actor?.id === 'string' && uuidOf(party.actor.id) === owner;
  if (owner && isOwner(data.callingParty)) return { party: data.calledParty, direction: 'outgoing' };
  if (owner && isOwner(data.calledParty)) return { party: data.callingParty, direction: 'incoming' };
  return { party: undefined };
}

const MAX_NAME_CHARS = 120;
/** What a person dials: an extension, or a number with an optional leading + (E.164). */
const DIALLED = /^\+?[0-9]{2,20}$/;
const WRITTEN = /^[+0-9][0-9 ()./-]{1,30}$/;

/**
 * The number as a person writes it: Webex gives an E.164 number (`+14085550123`), or a SIP URI
 * whose user part is the extension or number (`sip:4060@10.0.0.1;user=phone`); `tel:` URIs too.
 * Anything else (a SIP address with a name, a host alone) is not shown.
 */
export function displayNumber(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  const uri = /^(?:sips?|tel):([^@;?]+)(?:[@;?].*)?$/i.exec(trimmed);
  if (uri) {
    const user = uri[1]!.replace(/[-. ()]/g, '');
    return DIALLED.test(user) ? user : undefined;
  }
  return WRITTEN.test(trimmed) ? trimmed : undefined;
}

/** A person named by the metadata (`USER`, any case; older answers said `person`). */
function isPerson(type: unknown): boolean {
  return typeof type === 'string' && ['user', 'person', 'people'].includes(type.toLowerCase());
}

/** The party's display name (null: none); undefined when the lookup failed. */
async function nameOf(client: WebexClient, token: string, party: RecordingParty, cache: ExpiringCache<string | null>): Promise<string | null | undefined> {
  const actor = party.actor;
  const given = typeof party.name === 'string' && party.name.trim() ? party.name.trim().slice(0, MAX_NAME_CHARS) : null;
  // A place, a virtual line or a call queue: by the name Webex gives, if any.
  if (!isPerson(actor?.type) || typeof actor?.id !== 'string' || !actor.id) return given;
  const personId = personIdOf(actor.id);
  const cached = cache.get(personId);
  if (cached !== undefined) return cached ?? given;
  try {
    const person = await getPerson(client, token, personId);
    const name = typeof person.displayName === 'string' && person.displayName.trim() ? person.displayName.trim().slice(0, MAX_NAME_CHARS) : null;
    cache.set(personId, name);
    return name ?? given;
  } catch {
    return undefined;
  }
}

/**
 * The other party of the call, or undefined when the metadata is refused, fails or names nobody.
 * `viewer` names the sign-in whose token is used (the answer is kept for that sign-in only).
 */
export async function fetchCallParty(
  client: WebexClient,
  token: string,
  recordingId: string,
  deps: { cache: CallPartyCache; viewer: string; logger: Logger },
): Promise<CallParty | undefined> {
  const key = `${deps.viewer}\n${recordingId}`;
  const known = deps.cache.parties.get(key);
  if (known !== undefined) return known ?? undefined;
  let metadata: RecordingMetadata;
  try {
    metadata = await getRecordingMetadata(client, token, recordingId);
  } catch (err) {
    deps.logger.debug({ recordingId, status: (err as { status?: unknown }).status }, 'recording metadata unavailable');
    return undefined;
  }
  const { party, direction } = otherSide(metadata);
  if (!party) {
    deps.cache.parties.set(key, null);
    return undefined;
  }
  const number = displayNumber(party.number);
  const name = await nameOf(client, token, party, deps.cache.names);
  const found = name || number ? { ...(name ? { name } : {}), ...(number ? { number } : {}), ...(direction ? { direction } : {}) } : undefined;
  // A failed name lookup is not kept: the next card asks again.
  if (name !== undefined) deps.cache.parties.set(key, found ?? null);
  return found;
}
