import { REFRESHED_REPLACING } from '../../src/commands/clicks';
import { DEADLINE_MS } from '../support/waiting';
import { PROGRESS_NOTE_PREFIX } from '../../src/replies/progress';
import type { Person } from '../../src/webex/types';
import { seedRecording } from './fixtures';
import {
  addComplianceOfficer, allTextOf, cardOf, connectPerson, createWorld, nextBotMessage, openUrlsOf, sleep, startBotProcess, TRANSPORTS, submitDataOf,
  type BotProcess, type World,
} from './harness';

const SEED = '62807eaf-0c89-492e-a3c3-c4751812603b';

/** The recording command end to end: parsing, fetching, the card, group spaces. */
describe.each(TRANSPORTS)('recording details (e2e, %s mode)', (transport) => {
  let world: World;
  let bot: BotProcess;
  let carla: Person;
  let carlaDirect: string;
  let dave: Person;
  let daveDirect: string;
  /** A group space with Alice, Bob, Carla, Dave and the bot. */
  let team: string;

  beforeAll(async () => {
    world = await createWorld();
    ({ carla, carlaDirect } = addComplianceOfficer(world));
    dave = world.emulator.addPerson({ email: 'dave@example.com', displayName: 'Dave New', timezone: 'UTC' });
    daveDirect = world.emulator.createDirectRoom(dave.id, world.botPerson.id).id;
    team = world.emulator.createGroupRoom('Recordings team', [world.alice.id, world.bob.id, carla.id, dave.id, world.botPerson.id]).id;
    world.emulator.addRecording(seedRecording({ ownerId: world.alice.id, ownerEmail: 'alice@example.com', links: ['audio', 'transcript', 'suggestedNotes', 'shortNotes', 'actionItems'] }));
    // Alice sends more than the default 20 commands a minute in this suite.
    bot = await startBotProcess(world.emulator, world.botToken, { COMMANDS_PER_MINUTE: '200' }, { transport });
    await connectPerson(world, world.alice, world.aliceDirect);
    await connectPerson(world, world.bob, world.bobDirect);
    await connectPerson(world, carla, carlaDirect);
  });

  afterAll(async () => {
    await bot?.stop();
    await world?.emulator.close();
  });

  function recordingCalls(id: string) {
    return world.emulator.calls.filter((c) => c.method === 'GET' && c.path === `/v1/convergedRecordings/${id}`);
  }

  it('answers in a 1:1 space with the full card in the person\'s zone', async () => {
    const reply = nextBotMessage(world, world.aliceDirect);
    world.emulator.say({ as: world.alice.id, roomId: world.aliceDirect, text: `recording ${SEED}` });
    const message = await reply;
    const text = allTextOf(message);
    expect(text).toContain('call with default');
    expect(text).toContain('15:27');
    expect(text).toMatch(/GMT\+8|Singapore/);
    expect(text).toContain('4 min 58 s');
    const urls = openUrlsOf(cardOf(message));
    expect(urls.some((u) => u.includes('/downloads/audio/'))).toBe(true);
    expect(urls.some((u) => u.includes('/downloads/transcript/'))).toBe(true);
    const audio = await fetch(urls.find((u) => u.includes('/downloads/audio/'))!);
    expect(audio.status).toBe(200);
    expect(audio.headers.get('content-type')).toContain('audio/mpeg');
  });

  it('accepts a bare ID and a pasted URL', async () => {
    const reply = nextBotMessage(world, world.aliceDirect);
    world.emulator.say({ as: world.alice.id, roomId: world.aliceDirect, text: `https://example.webex.com/recordings/${SEED}` });
    expect(allTextOf(await reply)).toContain('call with default');
  });

  it('keeps links out of a group space and gives them by DM to those who may fetch them', async () => {
    const reply = nextBotMessage(world, team);
    const asked = world.emulator.say({ as: world.alice.id, roomId: team, text: `recording ${SEED}`, mentionBot: true });
    const groupCard = await reply;
    expect(groupCard.parentId).toBe(asked.id);
    const text = allTextOf(groupCard);
    expect(text).toContain('call with default');
    expect(openUrlsOf(cardOf(groupCard))).toEqual([]);
    expect(text).not.toMatch(/downloads\/|ticket=|expire/i);
    const sendLinks = submitDataOf(cardOf(groupCard)).find((d) => d.action === 'sendLinks');
    expect(sendLinks).toBeDefined();

    // Bob has no access: he is told so, by DM, and nothing lands in the group.
    const groupBefore = world.emulator.messages(team).length;
    const refusal = nextBotMessage(world, world.bobDirect);
    world.emulator.click({ as: world.bob.id, messageId: groupCard.id, inputs: sendLinks! });
    const refused = await refusal;
    expect(refused.markdown).toMatch(/can't access/);
    expect(openUrlsOf(refused.attachments ?? [])).toEqual([]);

    // Carla, a compliance officer, gets the links, fetched with her own token.
    const callsBefore = recordingCalls(SEED).length;
    const links = nextBotMessage(world, carlaDirect);
    world.emulator.click({ as: carla.id, messageId: groupCard.id, inputs: sendLinks! });
    const dm = await links;
    expect(openUrlsOf(cardOf(dm)).some((u) => u.includes('/downloads/audio/'))).toBe(true);
    expect(allTextOf(dm)).toMatch(/GMT-[45]|New_York|EST|EDT/);
    const carlaCalls = recordingCalls(SEED).slice(callsBefore);
    expect(carlaCalls.map((c) => c.caller.personId)).toContain(carla.id);
    expect(carlaCalls.map((c) => c.caller.personId)).not.toContain(world.alice.id);
    // A question asked in the space after the clicks is answered there, and is all the space got.
    const later = nextBotMessage(world, team);
    const question = world.emulator.say({ as: world.alice.id, roomId: team, text: 'help', mentionBot: true });
    expect((await later).parentId).toBe(question.id);
    expect(world.emulator.messages(team).length).toBe(groupBefore + 2);
  });

  it('asks a person who is not connected to sign in: a note in the group, the card by DM, then answers', async () => {
    world.emulator.addRecording(seedRecording({ id: 'dave-recording-1', topic: 'Dave sync', ownerId: dave.id, ownerEmail: 'dave@example.com' }));
    const note = nextBotMessage(world, team);
    const card = nextBotMessage(world, daveDirect, (m) => Boolean(m.attachments?.length));
    world.emulator.say({ as: dave.id, roomId: team, text: 'recording dave-recording-1', mentionBot: true });
    expect((await note).markdown).toMatch(/sign in/i);
    const authorize = openUrlsOf(cardOf(await card)).find((u) => u.includes('/authorize'))!;
    const answer = nextBotMessage(world, team, (m) => allTextOf(m).includes('Dave sync'));
    await fetch(world.emulator.authorizeAs(authorize, dave.id));
    const answered = await answer;
    expect(openUrlsOf(cardOf(answered))).toEqual([]);
  });

  it('refreshes links: a new card, and the old one deleted when its requester clicks', async () => {
    const reply = nextBotMessage(world, world.aliceDirect);
    world.emulator.say({ as: world.alice.id, roomId: world.aliceDirect, text: `rec ${SEED}` });
    const first = await reply;
    const refresh = submitDataOf(cardOf(first)).find((d) => d.action === 'refresh');
    expect(refresh).toBeDefined();
    const lead = nextBotMessage(world, world.aliceDirect, (m) => !m.attachments?.length);
    const next = nextBotMessage(world, world.aliceDirect, (m) => Boolean(m.attachments?.length));
    world.emulator.click({ as: world.alice.id, messageId: first.id, inputs: refresh! });
    const second = await next;
    // It says what happened: the card was posted again below, the old one removed.
    expect((await lead).markdown).toBe(REFRESHED_REPLACING);
    expect(world.emulator.messages(world.aliceDirect).map((m) => m.id).slice(-2)).toEqual([(await lead).id, second.id]);
    expect(openUrlsOf(cardOf(second)).length).toBeGreaterThan(0);
    const deadline = Date.now() + DEADLINE_MS;
    while (world.emulator.messages(world.aliceDirect).some((m) => m.id === first.id) && Date.now() < deadline) await sleep(50);
    expect(world.emulator.messages(world.aliceDirect).some((m) => m.id === first.id)).toBe(false);
  });

  it('fetches notes and action items with the clicker\'s token and posts them', async () => {
    const reply = nextBotMessage(world, world.aliceDirect);
    world.emulator.say({ as: world.alice.id, roomId: world.aliceDirect, text: `recording ${SEED}` });
    const card = cardOf(await reply);
    const notes = submitDataOf(card).find((d) => d.action === 'notes');
    expect(notes).toBeDefined();
    const seen = new Set(world.emulator.messages(world.aliceDirect).map((m) => m.id));
    world.emulator.click({ as: world.alice.id, messageId: (await reply).id, inputs: notes! });
    const deadline = Date.now() + DEADLINE_MS;
    const posted = () => world.emulator.messages(world.aliceDirect).filter((m) => !seen.has(m.id) && m.personId === world.botPerson.id);
    while (posted().length < 3 && Date.now() < deadline) await sleep(50);
    expect(posted().map((m) => m.markdown)).toEqual([
      expect.stringContaining('Suggested notes'),
      expect.stringContaining('Short notes'),
      expect.stringContaining('Action items'),
    ]);
    expect(posted().every((m) => (m.files?.length ?? 0) === 1)).toBe(true);
  });

  describe('every Webex answer of the error table', () => {
    // [status, what the answer says, Retry-After seconds (0: none)]
    const rows: Array<[number, RegExp, number]> = [
      [400, /rejected the request as invalid/, 0],
      [403, /only its owner, an admin or a compliance officer/, 0],
      [404, /No recording with that ID is visible/, 0],
      [405, /No recording with that ID is visible/, 0],
      [410, /no longer available/, 0],
      [423, /locked for now\. Try again in 45 s/, 45],
      [428, /could not scan .* malware/, 0],
      [429, /rate-limiting.*Try again in 60 s/, 60],
      [500, /having trouble/, 0],
      [502, /having trouble/, 0],
      [503, /having trouble/, 0],
      [504, /having trouble/, 0],
    ];
    it.each(rows)('%i', async (status, expected, retryAfter) => {
      const id = `error-${status}`;
      world.emulator.addRecording(seedRecording({ id, ownerId: world.alice.id, ownerEmail: 'alice@example.com', respond: { status, ...(retryAfter ? { retryAfter } : {}) } }));
      // Retried statuses take seconds: the answer may follow a progress note.
      const reply = nextBotMessage(world, world.aliceDirect, (m) => !(m.markdown ?? '').startsWith(PROGRESS_NOTE_PREFIX), DEADLINE_MS);
      world.emulator.say({ as: world.alice.id, roomId: world.aliceDirect, text: `recording ${id}` });
      const message = await reply;
      expect(message.markdown).toMatch(expected);
      expect(message.markdown).toMatch(/tracking ID: `EMU_/i);
      expect(message.attachments ?? []).toEqual([]);
    });

    it('retries after 429 with Retry-After and then answers with the card', async () => {
      world.emulator.addRecording(seedRecording({ id: 'busy-once', ownerId: world.alice.id, ownerEmail: 'alice@example.com', respond: { status: 429, retryAfter: 1, times: 1 } }));
      const reply = nextBotMessage(world, world.aliceDirect, (m) => !(m.markdown ?? '').startsWith(PROGRESS_NOTE_PREFIX));
      world.emulator.say({ as: world.alice.id, roomId: world.aliceDirect, text: 'recording busy-once' });
      const message = await reply;
      expect(cardOf(message)).toBeDefined();
      const calls = recordingCalls('busy-once');
      expect(calls.map((c) => c.status)).toEqual([429, 200]);
      expect(Date.parse(calls[1]!.at) - Date.parse(calls[0]!.at)).toBeGreaterThanOrEqual(950);
    });
  });
});
