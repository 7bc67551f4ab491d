/**
 * Websocket mode end to end: the built bot with no PUBLIC_URL, against the emulator's U2C
 * catalog, WDM devices and Mercury socket. Every event goes through the inbox (one key per
 * event however it came), gaps are caught up from the REST API, the socket comes back whatever
 * closes it, and stopping closes it and deletes the device.
 */
import { idCore } from '../../src/transport/envelope';
import { createWorld, startBotProcess, type BotProcess, type World } from './harness';
import { ReplyTracker, waitUntil } from './scale-traffic';

describe('websocket mode (e2e)', () => {
  let world: World;
  const bots: BotProcess[] = [];
  const start = async (env: Record<string, string> = {}, dataDir?: string) => {
    const bot = await startBotProcess(world.emulator, world.botToken, { COMMANDS_PER_MINUTE: '0', ...env }, { transport: 'websocket', ...(dataDir ? { dataDir } : {}) });
    bots.push(bot);
    return bot;
  };
  const devicesOfBot = () => world.emulator.mercury.devices({ personId: world.botPerson.id });

  beforeAll(async () => {
    world = await createWorld();
  });
  afterEach(async () => {
    for (const bot of bots.splice(0)) await bot.stop('SIGKILL');
    world.emulator.mercury.clearFaults();
  });
  afterAll(async () => {
    await world?.emulator.close();
  });

  it('answers a 1:1 message and a group mention over the socket, with one read of the message each', async () => {
    const bot = await start();
    await world.emulator.mercury.waitForSocket((s) => s.personId === world.botPerson.id);
    const tracker = new ReplyTracker(world.emulator, world.botPerson.id);
    const asked = world.emulator.say({ as: world.bob.id, roomId: world.group, text: 'help', mentionBot: true });
    await tracker.first(asked.id, 20_000);
    const reads = world.emulator.calls.filter((c) => c.method === 'GET' && c.path.includes(asked.id));
    expect(reads.map((c) => c.path)).toEqual([`/v1/messages/${asked.id}`]);
    const key = `messages:created:${idCore(asked.id)}`;
    await bot.waitForLog((l) => l.msg === 'bot started' && l.mode === 'websocket');
    expect(bot.logs().some((l) => l.key === key && /ignored/.test(String(l.msg)))).toBe(false);
    tracker.stop();
  });
});
