import type { Person } from '../../src/webex/types';
import { seedRecording } from './fixtures';
import { addComplianceOfficer, allTextOf, cardOf, connectPerson, createWorld, nextBotMessage, startBotProcess, submitDataOf, type BotProcess, type World } from './harness';

const HOUR = 3600_000;

/** `recordings [N]` end to end (README, "Commands"). */
describe('recordings list (e2e)', () => {
  let world: World;
  let bot: BotProcess;
  let carla: Person;
  let carlaDirect: string;
  const ids: string[] = [];

  beforeAll(async () => {
    // Pages of at most 9 items: 25 recordings span 3 pages.
    world = await createWorld({ maxPageItems: 9 });
    ({ carla, carlaDirect } = addComplianceOfficer(world));
    world.emulator.addMember(world.group, carla.id);
    const now = Date.now();
    for (let i = 1; i <= 25; i++) {
      const id = `list-rec-${String(i).padStart(2, '0')}`;
      ids.push(id);
      // Recording i was made (26 - i) × 5 hours ago: #25 is the newest.
      const recorded = new Date(now - (26 - i) * 5 * HOUR);
      world.emulator.addRecording(seedRecording({
        id,
        topic: `Weekly sync #${i}`,
        timeRecorded: recorded.toISOString(),
        createTime: new Date(recorded.getTime() + 600_000).toISOString(),
        durationSeconds: 600 + i,
        ownerId: world.alice.id,
        ownerEmail: 'alice@example.com',
      }));
    }
    world.emulator.addRecording(seedRecording({
      id: 'list-old-one',
      topic: 'Quarterly review',
      timeRecorded: new Date(now - 20 * 24 * HOUR).toISOString(),
      createTime: new Date(now - 20 * 24 * HOUR + 600_000).toISOString(),
      ownerId: world.alice.id,
      ownerEmail: 'alice@example.com',
    }));
    bot = await startBotProcess(world.emulator, world.botToken, { COMMANDS_PER_MINUTE: '100' });
    await connectPerson(world, world.alice, world.aliceDirect);
    await connectPerson(world, world.bob, world.bobDirect);
    await connectPerson(world, carla, carlaDirect);
  });

  afterAll(async () => {
    await bot?.stop();
    await world?.emulator.close();
  });

  const listCalls = () => world.emulator.calls.filter((c) => c.method === 'GET' && c.path.split('?')[0] === '/v1/convergedRecordings');

  it('shows the newest 20 of 25, gathered over 3 pages, in the person\'s zone', async () => {
    const callsBefore = listCalls().length;
    const reply = nextBotMessage(world, world.aliceDirect);
    world.emulator.say({ as: world.alice.id, roomId: world.aliceDirect, text: 'recordings 20' });
    const message = await reply;
    const text = allTextOf(message);
    for (let i = 25; i >= 6; i--) expect(text).toContain(`Weekly sync #${i}`);
    for (let i = 5; i >= 1; i--) expect(text).not.toMatch(new RegExp(`Weekly sync #${i}\\b`));
    expect(text).not.toContain('Quarterly review');
    expect(text).toContain('GMT+8');
    expect(listCalls().length - callsBefore).toBe(3);
    const newestFirst = [...text.matchAll(/Weekly sync #(\d+)/g)].map((m) => Number(m[1]));
    expect(newestFirst.slice(0, 3)).toEqual([25, 24, 23]);
  });

  it('"Details" on row 7 posts that recording\'s card', async () => {
    const reply = nextBotMessage(world, world.aliceDirect);
    world.emulator.say({ as: world.alice.id, roomId: world.aliceDirect, text: 'recordings 20' });
    const list = await reply;
    const details = submitDataOf(cardOf(list)).find((d) => d.action === 'details');
    expect(details).toBeDefined();
    // Row 7, newest first, is recording #19.
    const row7 = ids[25 - 7]!;
    const card = nextBotMessage(world, world.aliceDirect);
    world.emulator.click({ as: world.alice.id, messageId: list.id, inputs: { ...details!, recordingId: row7 } });
    const answer = allTextOf(await card);
    expect(answer).toContain('Weekly sync #19');
    expect(answer).toContain('10 min 19 s');
  });

  it('answers a list asked for in a group space by DM; its "Details" click is served there with the asker\'s token', async () => {
    const reply = nextBotMessage(world, world.aliceDirect, (m) => Boolean(m.attachments?.length));
    const note = nextBotMessage(world, world.group);
    world.emulator.say({ as: world.alice.id, roomId: world.group, text: 'recordings 10', mentionBot: true });
    const list = await reply;
    expect((await note).markdown).toMatch(/direct message/);
    const details = submitDataOf(cardOf(list)).find((d) => d.action === 'details')!;
    const target = ids[24]!;

    const before = world.emulator.calls.length;
    const card = nextBotMessage(world, world.aliceDirect);
    world.emulator.click({ as: world.alice.id, messageId: list.id, inputs: { ...details, recordingId: target } });
    const answer = await card;
    expect(allTextOf(answer)).toContain('Weekly sync #25');
    const calls = world.emulator.calls.slice(before).filter((c) => c.path === `/v1/convergedRecordings/${target}`);
    expect(calls.map((c) => c.caller.personId)).toEqual([world.alice.id]);
  });

  it('explains an empty window and how far back it looked; `30d` widens it', async () => {
    const reply = nextBotMessage(world, world.bobDirect);
    world.emulator.say({ as: world.bob.id, roomId: world.bobDirect, text: 'recordings' });
    expect((await reply).markdown).toMatch(/no recordings in the last 7 days.*recordings 30d/);

    const wide = nextBotMessage(world, world.aliceDirect);
    world.emulator.say({ as: world.alice.id, roomId: world.aliceDirect, text: 'recordings 50 30d' });
    const text = allTextOf(await wide);
    expect(text).toContain('Quarterly review');
    expect(text).toContain('Weekly sync #1');
  });
});
