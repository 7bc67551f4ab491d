import type { RecordingFixture } from '../../dev/sandbox/emulator';

/** The sample of the Get Recording Details page, owned by whoever the test says. */
export function seedRecording(overrides: Partial<RecordingFixture> = {}): RecordingFixture {
  return {
    id: '62807eaf-0c89-492e-a3c3-c4751812603b',
    topic: 'call with default',
    createTime: '2023-11-01T23:09:05+08:00',
    timeRecorded: '2023-11-01T15:27:29+08:00',
    ownerId: '24683d6c-5529-4b60-a6c7-91e8b293bbab',
    ownerType: 'user',
    ownerEmail: 'nshtestwebex+crctestuser1@gmail.com',
    format: 'MP3',
    durationSeconds: 298,
    sizeBytes: 299918,
    serviceType: 'calling',
    storageRegion: 'US',
    status: 'available',
    serviceData: {
      locationId: '02a43ee9-17ae-4e0c-9e79-720e3a6503fd',
      callSessionId: 'c61b357e-8f53-4d97-9cd2-ae3202796fb0',
    },
    links: ['audio', 'transcript'],
    ...overrides,
  };
}
