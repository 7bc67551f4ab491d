import { createWorld, startBotProcess, type BotProcess, type World } from './harness';
import { ReplyTracker, runBounded } from './scale-traffic';

/**
 * A bot that keeps few spaces in memory (SPACES_IN_MEMORY at its least, 10) under traffic from
 * four times as many spaces at once: spaces are forgotten while others' events are being read,
 * and read again when they speak. Every command is answered exactly once (group @mentions, so
 * each reply is threaded under its command).
 */
describe('a bot that keeps 10 spaces in memory, 40 spaces speaking at once (e2e)', () => {
  const SPACES = 40;
  const ROUNDS = 3;
  let world: World;
  let bot: BotProcess;
  let rooms: string[];

  beforeAll(async () => {
    world = await createWorld();
    rooms = Array.from({ length: SPACES }, (_, i) => world.emulator.createGroupRoom(`Space ${i}`, [world.alice.id, world.bob.id, world.botPerson.id]).id);
    bot = await startBotProcess(world.emulator, world.botToken, { SPACES_IN_MEMORY: '10', COMMANDS_PER_MINUTE: '0' });
  });

  afterAll(async () => {
    await bot?.stop();
    await world?.emulator.close();
  });

  it('answers every command exactly once, its space forgotten or not', async () => {
    const tracker = new ReplyTracker(world.emulator, world.botPerson.id);
    const sent: string[] = [];
    await runBounded(SPACES * ROUNDS, SPACES, async (i) => {
      const asked = world.emulator.say({ as: i % 2 ? world.alice.id : world.bob.id, roomId: rooms[i % SPACES]!, text: 'help', mentionBot: true });
      sent.push(asked.id);
      await tracker.first(asked.id);
    });
    // Anything still in flight (a second reply would be) lands before counting.
    await world.emulator.idle();
    const marker = world.emulator.say({ as: world.alice.id, roomId: rooms[0]!, text: 'help', mentionBot: true });
    await tracker.first(marker.id);
    await world.emulator.idle();
    tracker.stop();
    expect(sent).toHaveLength(SPACES * ROUNDS);
    expect(sent.filter((id) => tracker.replies(id).length !== 1)).toEqual([]);
    // The spaces were forgotten and read again: more room reads than spaces.
    const roomReads = world.emulator.calls.filter((c) => c.method === 'GET' && /^\/v1\/rooms\/[^/?]+$/.test(c.path.split('?')[0]!)).length;
    expect(roomReads).toBeGreaterThan(SPACES);
  });
});
