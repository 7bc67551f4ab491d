/**
 * "Call with …" on the recording card, as the person reads it: metadata read with the person's
 * token beside the details. The in-process bot against the emulator (test/support/in-process-world.ts).
 */
import { seedRecording } from '../e2e/fixtures';
import type { Posted } from '../support/in-process-bot';
import { createInProcessWorld, textOf, type InProcessWorld } from '../support/in-process-world';
import { until } from '../support/waiting';

describe('who the call was with (in-process)', () => {
  let w: InProcessWorld;

  beforeAll(async () => {
    w = await createInProcessWorld();
    const owned = { ownerId: w.alice.id, ownerEmail: 'alice@example.com' };
    w.emulator.addRecording(seedRecording({ id: 'with-bob', ...owned, call: { direction: 'outgoing', other: { personId: w.bob.id, number: '+1 555 0100' } } }));
    w.emulator.addRecording(seedRecording({ id: 'from-a-number', ...owned, call: { direction: 'incoming', other: { number: '+1 555 0142' } } }));
    w.emulator.addRecording(seedRecording({ id: 'metadata-refused', ...owned, metadataRespond: { status: 403 } }));
    w.emulator.addRecording(seedRecording({ id: 'metadata-failing', ...owned, call: { direction: 'outgoing', other: { personId: w.bob.id } } }));
    await w.signIn(w.alice);
  });

  afterAll(async () => {
    await w?.close();
  });

  afterEach(() => w.emulator.faults.clear());

  const callsTo = (path: string) => w.emulator.calls.filter((c) => c.method === 'GET' && c.path.split('?')[0] === path);
  const cardBody = (posted: Posted) => (posted.message.card as { body: unknown[] }).body.map((el) => JSON.stringify(el));

  it('names the other person and their number, outgoing; metadata is read in parallel with the details', async () => {
    // Webex holds the details: the metadata request arrives while they are held (read in parallel).
    const held = w.emulator.faults.add({ method: 'GET', path: '/convergedRecordings/with-bob', hold: true, times: 1 });
    const reply = w.say(w.alice, 'recording with-bob');
    await until(() => w.emulator.faults.held(held) === 1 && callsTo('/v1/convergedRecordings/with-bob/metadata').length > 0, 'the metadata read while the details are held');
    w.emulator.faults.release(held);
    const text = textOf(await reply);
    expect(text).toContain('Call with');
    expect(text).toContain('Bob Colleague (+15550100), outgoing');
    expect(callsTo('/v1/convergedRecordings/with-bob').at(-1)!.caller.personId).toBe(w.alice.id);
    expect(callsTo('/v1/convergedRecordings/with-bob/metadata').at(-1)!.caller.personId).toBe(w.alice.id);
    expect(callsTo(`/v1/people/${w.bob.id}`)).toHaveLength(1);
  });

  it('looks the name up once: a second card uses the cached name', async () => {
    expect(textOf(await w.say(w.alice, 'recording with-bob'))).toContain('Bob Colleague (+15550100), outgoing');
    expect(callsTo(`/v1/people/${w.bob.id}`)).toHaveLength(1);
  });

  it('shows a number alone, incoming', async () => {
    expect(textOf(await w.say(w.alice, 'recording from-a-number'))).toContain('+15550142, incoming');
  });

  it('in a group space with private links: the name, never the number', async () => {
    const text = textOf(await w.say(w.alice, 'recording with-bob', 'team-space'));
    expect(text).toContain('Bob Colleague, outgoing');
    expect(text).not.toContain('555');
  });

  it('metadata refused: the same card without the line, and no error to the person', async () => {
    const [refused] = await w.say(w.alice, 'recording metadata-refused');
    const [shown] = await w.say(w.alice, 'recording with-bob');
    expect(callsTo('/v1/convergedRecordings/metadata-refused/metadata').at(-1)!.status).toBe(403);
    const text = textOf(refused!);
    expect(text).not.toContain('Call with');
    expect(text).not.toMatch(/went wrong|may not view|answered with an error/i);
    const withoutLine = cardBody(shown!).filter((el) => !el.includes('Call with'));
    expect(cardBody(refused!).length).toBe(withoutLine.length);
    expect(cardBody(refused!).length).toBe(cardBody(shown!).length - 1);
  });

  it('metadata failing (503 on every try): the card comes without the line', async () => {
    w.emulator.faults.add({ method: 'GET', path: /\/convergedRecordings\/metadata-failing\/metadata$/, status: 503 });
    const text = textOf(await w.say(w.alice, 'recording metadata-failing'));
    expect(text).toContain('call with default');
    expect(text).not.toContain('Call with');
  });
});
