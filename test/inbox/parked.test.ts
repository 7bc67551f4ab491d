import { randomBytes } from 'node:crypto';
import { createEventInbox, type EventInbox } from '../../src/inbox';
import { runAdmin } from '../../src/inbox/admin';
import { silentLogger } from '../../src/log';
import type { Messenger } from '../../src/replies/messenger';
import { createStore, type Store } from '../../src/store';
import type { Message } from '../../src/webex/types';

const PERSON = 'person-owner';
const RECORDING = 'rec-1';
const KEY = `convergedRecordings:created:webhook-1:${RECORDING}`;
const ENVELOPE = { id: 'webhook-1', resource: 'convergedRecordings', event: 'created', data: { id: RECORDING } };

describe('parked events come back', () => {
  let store: Store;
  let inbox: EventInbox;
  let clock: number;
  let serving: boolean;
  const announced: string[] = [];
  const settled: string[] = [];
  let onSettled: () => void = () => undefined;
  const next = () => new Promise<void>((resolve) => (onSettled = resolve));
  const messenger: Messenger = { post: async () => ({ id: 'm' }), remove: async () => undefined, get: async (id) => ({ id }) as Message };

  beforeEach(async () => {
    clock = Date.parse('2026-03-01T08:00:00.000Z');
    serving = false;
    announced.length = 0;
    settled.length = 0;
    store = createStore({ url: 'sqlite::memory:', encryptionKey: randomBytes(32), logger: silentLogger() });
    await store.init();
    inbox = createEventInbox({
      store,
      events: { isOwnEvent: () => false, handle: async () => undefined },
      messenger,
      logger: silentLogger(),
      now: () => new Date(clock),
      botPersonId: () => 'bot',
      started: Promise.resolve(),
      maxAttempts: 1,
      pollMs: 5,
      onSettled: (result) => {
        settled.push(result);
        onSettled();
      },
      // What the notifications do: claim the recording for the person, then fetch and announce it.
      async onRecordingEvent(event) {
        if (!(await store.claimRecordingDelivery(PERSON, RECORDING, new Date(clock), event.key))) return;
        if (!serving) throw new Error('the new recording could not be fetched yet');
        announced.push(event.key);
      },
    });
    inbox.start();
  });
  afterEach(async () => {
    await inbox.stop();
    await store.close();
  });

  it('a new recording parked unannounced is announced when Webex delivers it again (its claim was released)', async () => {
    let done = next();
    await expect(inbox.acceptRecording(KEY, ENVELOPE, PERSON)).resolves.toBe(true);
    await done;
    expect(settled).toEqual(['parked']);
    serving = true;
    done = next();
    await expect(inbox.acceptRecording(KEY, ENVELOPE, PERSON)).resolves.toBe(true);
    await done;
    expect(settled).toEqual(['parked', 'done']);
    expect(announced).toEqual([KEY]);
  });

  it('a later poll of the same recording (another key) announces it', async () => {
    let done = next();
    await inbox.acceptRecording(KEY, ENVELOPE, PERSON);
    await done;
    serving = true;
    done = next();
    const polled = `convergedRecordings:polled:${PERSON}:${RECORDING}`;
    await inbox.acceptRecording(polled, { resource: 'convergedRecordings', event: 'polled', personId: PERSON, data: { id: RECORDING } }, PERSON);
    await done;
    expect(announced).toEqual([polled]);
  });

  it('an operator lists parked events and replays one; the running bot takes it again', async () => {
    let done = next();
    await inbox.acceptRecording(KEY, ENVELOPE, PERSON);
    await done;
    const lines: string[] = [];
    await expect(runAdmin(['parked'], store, () => new Date(clock), (l) => lines.push(l))).resolves.toBe(0);
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({ key: KEY, attempts: 1, lastError: 'Error: the new recording could not be fetched yet', replayable: true }),
    ]);
    serving = true;
    done = next();
    await expect(runAdmin(['replay', KEY], store, () => new Date(clock), () => undefined)).resolves.toBe(0);
    await done;
    expect(announced).toEqual([KEY]);
    await expect(runAdmin(['replay', KEY], store, () => new Date(clock), () => undefined)).resolves.toBe(1);
    await expect(runAdmin(['nonsense'], store, () => new Date(clock), () => undefined)).resolves.toBe(2);
  });
});
