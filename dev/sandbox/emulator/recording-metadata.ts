/**
 * GET /convergedRecordings/{id}/metadata, in the shape Webex publishes (the developer site's
 * "Consolidated Metadata Documentation and Samples Guide" and the API reference's example):
 * `ownerType` and party `actor.type` in upper case (`USER`, `PLACE`, `VIRTUAL_LINE`, `CALL_QUEUE`),
 * `id`, `orgId`, `ownerId` and actors as bare UUIDs (not Webex IDs), numbers as SIP URIs
 * (`sip:4060@10.0.0.1;user=phone`) or E.164 (`+14085550123`); the owner's side is the calling
 * party when the owner placed the call (`personality: originator`), the called party otherwise.
 */
import { createHash } from 'node:crypto';
import { decodeWebexId } from './ids';
import type { StoredRecording } from './recordings';
import type { EmulatorState } from './state';
import type { CallFixture } from './types';

const SIP_HOST = '10.0.0.1';
const DEFAULT_OWNER_EXTENSION = '4001';

export interface MetadataParty {
  actor?: { type: string; id: string };
  number?: string;
  name?: string;
}

export interface PublishedMetadata {
  id: string;
  orgId: string;
  ownerId: string;
  ownerType: string;
  ownerName?: string;
  ownerEmail: string;
  storageRegion: string;
  serviceType: string;
  version: string;
  serviceData: {
    callRecordingId: string;
    locationId?: string;
    callSessionId?: string;
    personality: 'originator' | 'terminator';
    callingParty: MetadataParty;
    calledParty: MetadataParty;
    callId: string;
    session: { startTime: string; stopTime: string };
  };
}

/** A fixture without `call`: an outgoing call to an outside number that depends only on the recording ID. */
export function defaultCall(recordingId: string): CallFixture {
  const n = parseInt(createHash('sha1').update(recordingId).digest('hex').slice(0, 4), 16) % 100;
  return { direction: 'outgoing', other: { number: `+1415555${String(n).padStart(4, '0')}` } };
}

/** A Webex ID's UUID (`ciscospark://us/PEOPLE/<uuid>`); anything else as it is. */
function uuidOf(id: string): string {
  return decodeWebexId(id)?.suffix ?? id;
}

/** A UUID stable for a name (places, queues and recordings without one). */
function stableUuid(seed: string): string {
  const h = createHash('sha1').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const sip = (extension: string) => `sip:${extension}@${SIP_HOST};user=phone`;
const e164 = (number: string) => number.replace(/[^+0-9]/g, '');

/** The published upper-case owner type of the details' `user`, `place`, `virtualLine`, `callQueue`. */
export function publishedOwnerType(ownerType: string): string {
  return ownerType.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
}

function otherParty(state: EmulatorState, other: CallFixture['other']): MetadataParty {
  const number = other.extension ? sip(other.extension) : other.number ? e164(other.number) : undefined;
  let actor: MetadataParty['actor'];
  if (other.personId) {
    const person = state.findPerson(other.personId);
    actor = { type: 'USER', id: person ? person.uuid : uuidOf(other.personId) };
  } else if (other.kind) {
    actor = { type: other.kind, id: other.id ?? stableUuid(`${other.kind}:${other.name ?? number ?? ''}`) };
  }
  return { ...(actor ? { actor } : {}), ...(number ? { number } : {}), ...(other.kind && other.name ? { name: other.name } : {}) };
}

export function recordingMetadata(state: EmulatorState, rec: StoredRecording): PublishedMetadata {
  const f = rec.fixture;
  const call = f.call ?? defaultCall(f.id);
  const owner = state.findPerson(f.ownerId);
  const ownerUuid = owner ? owner.uuid : uuidOf(f.ownerId);
  const ownerSide: MetadataParty = { actor: { type: 'USER', id: ownerUuid }, number: sip(call.ownerExtension ?? DEFAULT_OWNER_EXTENSION) };
  const other = otherParty(state, call.other);
  const outgoing = call.direction === 'outgoing';
  const stop = rec.recordedMs + f.durationSeconds * 1000;
  const callHalf = parseInt(createHash('sha1').update(`call:${f.id}`).digest('hex').slice(0, 6), 16);
  return {
    id: f.id,
    orgId: state.orgUuid,
    ownerId: ownerUuid,
    ownerType: publishedOwnerType(f.ownerType),
    ...(owner ? { ownerName: owner.person.displayName } : {}),
    ownerEmail: f.ownerEmail,
    storageRegion: f.storageRegion,
    serviceType: f.serviceType,
    version: '1.2',
    serviceData: {
      callRecordingId: f.id,
      ...(f.serviceData?.locationId ? { locationId: f.serviceData.locationId } : {}),
      callSessionId: f.serviceData?.callSessionId ?? stableUuid(`session:${f.id}`),
      personality: outgoing ? 'originator' : 'terminator',
      callingParty: outgoing ? ownerSide : other,
      calledParty: outgoing ? other : ownerSide,
      callId: `callhalf-${callHalf}:0`,
      session: { startTime: state.iso(rec.recordedMs), stopTime: state.iso(stop) },
    },
  };
}
