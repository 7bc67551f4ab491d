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

export interface CallParty {
  /** Display name of the other party, when Webex names a person. */
  name?: string;
  /** Their phone number, when Webex gives one. */
  number?: string;
  /** From the owner's point of view; absent when the metadata does not say. */
  direction?: 'incoming' | 'outgoing';
}

/** Display names by Webex person ID, kept for an hour, at most `max` of them (oldest dropped). */
export class PersonNameCache {
  private readonly names = new Map<string, { name: string | null; at: number }>();

  constructor(
    private readonly ttlMs = 60 * 60 * 1000,
    private readonly max = 5000,
    private readonly now: () => number = Date.now,
  ) {}

  get(id: string): string | null | undefined {
    const hit = this.names.get(id);
    if (!hit) return undefined;
    if (this.now() - hit.at > this.ttlMs) {
      this.names.delete(id);
      return undefined;
    }
    return hit.name;
  }

  set(id: string, name: string | null): void {
    this.names.delete(id);
    this.names.set(id, { name, at: this.now() });
    if (this.names.size > this.max) this.names.delete(this.names.keys().next().value as string);
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

async function nameOf(client: WebexClient, token: string, party: RecordingParty, cache: PersonNameCache): Promise<string | undefined> {
  const actor = party.actor;
  if (actor?.type !== 'person' || typeof actor.id !== 'string' || !actor.id) return undefined;
  const cached = cache.get(actor.id);
  if (cached !== undefined) return cached ?? undefined;
  try {
    const person = await getPerson(client, token, actor.id);
    const name = typeof person.displayName === 'string' && person.displayName.trim() ? person.displayName.trim().slice(0, MAX_NAME_CHARS) : null;
    cache.set(actor.id, name);
    return name ?? undefined;
  } catch {
    return undefined;
  }
}

/** The other party of the call, or undefined when the metadata is refused, fails or names nobody. */
export async function fetchCallParty(
  client: WebexClient,
  token: string,
  recordingId: string,
  deps: { cache: PersonNameCache; logger: Logger },
): Promise<CallParty | undefined> {
  let metadata: RecordingMetadata;
  try {
    metadata = await getRecordingMetadata(client, token, recordingId);
  } catch (err) {
    deps.logger.debug({ recordingId, status: (err as { status?: unknown }).status }, 'recording metadata unavailable');
    return undefined;
  }
  const { party, direction } = otherSide(metadata);
  if (!party) return undefined;
  const number = cleanNumber(party.number);
  const name = await nameOf(client, token, party, deps.cache);
  if (!name && !number) return undefined;
  return { ...(name ? { name } : {}), ...(number ? { number } : {}), ...(direction ? { direction } : {}) };
}
