import { seedRecording } from './fixtures';
import { allTextOf, cardOf, connectPerson, createWorld, nextBotMessage, startBotProcess, type BotProcess, type World } from './harness';
import { waitUntil } from './scale-traffic';

/** "Call with …" on the recording card: metadata read with the person's token, beside the details. */
describe('who the call was with (e2e)', () => {
  let world: World;
  let bot: BotProcess;

  beforeAll(async () => {
    world = await createWorld();
    const owned = { ownerId: world.alice.id, ownerEmail: 'alice@example.com' };
    world.emulator.addRecording(seedRecording({ id: 'with-bob', ...owned, call: { direction: 'outgoing', other: { personId: world.bob.id, extension: '4060' } } }));
    world.emulator.addRecording(seedRecording({ id: 'from-a-number', ...owned, call: { direction: 'incoming', other: { number: '+1 415 555 0142' } } }));
    world.emulator.addRecording(seedRecording({ id: 'metadata-refused', ...owned, metadataRespond: { status: 403 } }));
    world.emulator.addRecording(seedRecording({ id: 'metadata-failing', ...owned, call: { direction: 'outgoing', other: { personId: world.bob.id } } }));
    bot = await startBotProcess(world.emulator, world.botToken, { COMMANDS_PER_MINUTE: '100' });
    await connectPerson(world, world.alice, world.aliceDirect);
  });

  afterAll(async () => {
    await bot?.stop();
    await world?.emulator.close();
  });

  const ask = async (text: string, roomId = world.aliceDirect, mentionBot = false) => {
    const reply = nextBotMessage(world, roomId, (m) => !(m.markdown ?? '').startsWith('Looking up recording'));
    world.emulator.say({ as: world.alice.id, roomId, text, mentionBot });
    return reply;
  };
  const callsTo = (path: string) => world.emulator.calls.filter((c) => c.method === 'GET' && c.path.split('?')[0] === path);

  it('names the other person and their number, outgoing; metadata is read in parallel with the details', async () => {
    // Webex holds the details: the metadata request arrives while they are held (read in parallel).
    const held = world.emulator.faults.add({ method: 'GET', path: '/convergedRecordings/with-bob', hold: true, times: 1 });
    const reply = ask('recording with-bob');
    await waitUntil(() => world.emulator.faults.held(held) === 1 && callsTo('/v1/convergedRecordings/with-bob/metadata').length > 0);
    world.emulator.faults.release(held);
    const message = await reply;
    const text = allTextOf(message);
    expect(text).toContain('Call with');
    expect(text).toContain('Bob Colleague (4060), outgoing');
    const details = callsTo('/v1/convergedRecordings/with-bob').at(-1)!;
    const metadata = callsTo('/v1/convergedRecordings/with-bob/metadata').at(-1)!;
    expect(details.caller.personId).toBe(world.alice.id);
    expect(metadata.caller.personId).toBe(world.alice.id);
    expect(callsTo(`/v1/people/${world.bob.id}`)).toHaveLength(1);
  });

  it('looks the name up once: a second card uses the cached name', async () => {
    const message = await ask('recording with-bob');
    expect(allTextOf(message)).toContain('Bob Colleague (4060), outgoing');
    expect(callsTo(`/v1/people/${world.bob.id}`)).toHaveLength(1);
  });

  it('shows a number alone, incoming', async () => {
    expect(allTextOf(await ask('recording from-a-number'))).toContain('+14155550142, incoming');
  });

  it('in a group space with private links: the name, never the number', async () => {
    const text = allTextOf(await ask('recording with-bob', world.group, true));
    expect(text).toContain('Bob Colleague, outgoing');
    expect(text).not.toContain('4060');
  });

  it('metadata refused: the same card without the line, and no error to the person', async () => {
    const refused = await ask('recording metadata-refused');
    const shown = await ask('recording with-bob');
    expect(callsTo('/v1/convergedRecordings/metadata-refused/metadata').at(-1)!.status).toBe(403);
    const text = allTextOf(refused);
    expect(text).not.toContain('Call with');
    expect(text).not.toMatch(/went wrong|may not view|answered with an error/i);
    const body = (m: typeof refused) => (cardOf(m).body as unknown[]).map((el) => JSON.stringify(el));
    const withoutLine = body(shown).filter((el) => !el.includes('Call with'));
    expect(body(refused).length).toBe(withoutLine.length);
    expect(body(refused).length).toBe(body(shown).length - 1);
  });

  it('metadata failing (503 on every try): the card comes without the line', async () => {
    world.emulator.faults.add({ method: 'GET', path: /\/convergedRecordings\/metadata-failing\/metadata$/, status: 503 });
    const text = allTextOf(await ask('recording metadata-failing'));
    expect(text).toContain('call with default');
    expect(text).not.toContain('Call with');
  });
});
