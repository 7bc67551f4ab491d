/**
 * Who a recorded call was with, from the recording's metadata: the other party's name (looked up
 * with `GET /people/{id}` when Webex names a person, and cached) and number, and whether the
 * owner placed or received the call. Any failure means "unknown": the card then has no such line.
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

function otherSide(metadata: RecordingMetadata): { party: RecordingParty | undefined; direction?: CallParty['direction'] } {
  const data = metadata.serviceData ?? {};
  if (data.personality === 'originator') return { party: data.calledParty, direction: 'outgoing' };
  if (data.personality === 'terminator') return { party: data.callingParty, direction: 'incoming' };
  // No personality: the side whose actor is the owner is the owner's.
  const owner = metadata.ownerId;
  if (owner && data.callingParty?.actor?.id === owner) return { party: data.calledParty, direction: 'outgoing' };
  if (owner && data.calledParty?.actor?.id === owner) return { party: data.callingParty, direction: 'incoming' };
  return { party: undefined };
}

const MAX_NAME_CHARS = 120;
const NUMBER = /^[+0-9][0-9 ()./-]{1,30}$/;

function cleanNumber(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return NUMBER.test(trimmed) ? trimmed : undefined;
}

/** The party's display name (null: none); undefined when the lookup failed. */
async function nameOf(client: WebexClient, token: string, party: RecordingParty, cache: ExpiringCache<string | null>): Promise<string | null | undefined> {
  const actor = party.actor;
  if (actor?.type !== 'person' || typeof actor.id !== 'string' || !actor.id) return null;
  const cached = cache.get(actor.id);
  if (cached !== undefined) return cached;
  try {
    const person = await getPerson(client, token, actor.id);
    const name = typeof person.displayName === 'string' && person.displayName.trim() ? person.displayName.trim().slice(0, MAX_NAME_CHARS) : null;
    cache.set(actor.id, name);
    return name;
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
  const number = cleanNumber(party.number);
  const name = await nameOf(client, token, party, deps.cache.names);
  const found = name || number ? { ...(name ? { name } : {}), ...(number ? { number } : {}), ...(direction ? { direction } : {}) } : undefined;
  // A failed name lookup is not kept: the next card asks again.
  if (name !== undefined) deps.cache.parties.set(key, found ?? null);
  return found;
}
