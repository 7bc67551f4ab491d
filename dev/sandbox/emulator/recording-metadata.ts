/**
 * GET /convergedRecordings/{id}/metadata: who the call was with (calling and called party,
 * the owner's side first or second by direction), the call's IDs and its session times.
 */
import { createHash } from 'node:crypto';
import type { RecordingMetadata, RecordingParty } from '../../../src/webex/types';
import type { StoredRecording } from './recordings';
import type { EmulatorState } from './state';
import type { CallFixture } from './types';

const DEFAULT_OWNER_NUMBER = '+1 555 0199';

/** A fixture without `call`: an outgoing call to a number that depends only on the recording ID. */
export function defaultCall(recordingId: string): CallFixture {
  const n = parseInt(createHash('sha1').update(recordingId).digest('hex').slice(0, 4), 16) % 100;
  return { direction: 'outgoing', other: { number: `+1 555 01${String(n).padStart(2, '0')}` } };
}

function actorOf(state: EmulatorState, personId: string | undefined): RecordingParty['actor'] | undefined {
  if (!personId) return undefined;
  const person = state.findPerson(personId);
  return person ? { type: 'person', id: person.person.id } : { type: 'person', id: personId };
}

export function recordingMetadata(state: EmulatorState, rec: StoredRecording): RecordingMetadata {
  const f = rec.fixture;
  const call = f.call ?? defaultCall(f.id);
  const owner: RecordingParty = { actor: actorOf(state, f.ownerId), number: call.ownerNumber ?? DEFAULT_OWNER_NUMBER };
  const otherActor = actorOf(state, call.other.personId);
  const other: RecordingParty = { ...(otherActor ? { actor: otherActor } : {}), ...(call.other.number ? { number: call.other.number } : {}) };
  const outgoing = call.direction === 'outgoing';
  const stop = rec.recordedMs + f.durationSeconds * 1000;
  return {
    id: f.id,
    ownerId: f.ownerId,
    ownerEmail: f.ownerEmail,
    ownerType: f.ownerType,
    serviceType: f.serviceType,
    serviceData: {
      ...(f.serviceData?.locationId ? { locationId: f.serviceData.locationId } : {}),
      ...(f.serviceData?.callSessionId ? { callSessionId: f.serviceData.callSessionId } : {}),
      callId: `call-${createHash('sha1').update(`call:${f.id}`).digest('hex').slice(0, 16)}`,
      personality: outgoing ? 'originator' : 'terminator',
      callingParty: outgoing ? owner : other,
      calledParty: outgoing ? other : owner,
      session: { startTime: state.iso(rec.recordedMs), stopTime: state.iso(stop) },
    },
  };
}
