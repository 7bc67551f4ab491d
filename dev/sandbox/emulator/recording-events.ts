/**
 * A recording that appears now: stored like any fixture, then announced to the
 * `convergedRecordings`/`created` webhooks that may see it (its owner's own ones, and org-wide
 * ones created by admins and compliance officers).
 */
import type { EmulatorContext } from './context';
import { randomUUID } from './ids';
import type { NewRecordingInput, RecordingFixture } from './types';

export function createNewRecording(ctx: EmulatorContext, input: NewRecordingInput): RecordingFixture {
  const { state, recordings, dispatcher } = ctx;
  const owner = state.findPerson(input.owner) ?? state.findPersonByEmail(input.owner);
  if (!owner || owner.isBot) throw new Error(`Emulator: no person ${input.owner} to own a new recording`);
  const id = input.id ?? randomUUID();
  if (recordings.recordings.has(id)) throw new Error(`Emulator: recording ${id} already exists`);
  const durationSeconds = input.durationSeconds ?? 240;
  const now = state.now();
  const recordedMs = now - durationSeconds * 1000 - 60_000;
  const fixture: RecordingFixture = {
    id,
    topic: input.topic ?? `Call recorded ${state.iso(recordedMs).slice(0, 16).replace('T', ' ')} UTC`,
    createTime: state.iso(now),
    timeRecorded: state.iso(recordedMs),
    format: 'MP3',
    serviceType: 'calling',
    durationSeconds,
    sizeBytes: durationSeconds * 8000 + 4096,
    status: 'available',
    ownerId: owner.uuid,
    ownerEmail: owner.person.emails[0] ?? '',
    ownerType: 'user',
    storageRegion: 'US',
    serviceData: { callSessionId: randomUUID() },
    links: input.links ?? ['audio', 'transcript'],
    ...(input.call ? { call: input.call } : {}),
    ...(input.metadataRespond ? { metadataRespond: input.metadataRespond } : {}),
  };
  recordings.add(fixture);
  const ownerId = owner.person.id;
  dispatcher.dispatch({
    resource: 'convergedRecordings',
    event: 'created',
    actorId: ownerId,
    data: {
      id,
      ownerId: owner.uuid,
      ownerEmail: fixture.ownerEmail,
      ownerType: fixture.ownerType,
      serviceType: fixture.serviceType,
      createTime: fixture.createTime,
      timeRecorded: fixture.timeRecorded,
    },
    visibleTo: (personId) => personId === ownerId,
    visibleToOrgHookOf: (personId) => {
      const role = state.people.get(personId)?.role;
      return role === 'admin' || role === 'compliance';
    },
  });
  return fixture;
}
