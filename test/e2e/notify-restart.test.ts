import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allTextOf, connectPerson, createWorld, freePort, nextBotMessage, startBotProcess, type BotProcess, type World } from './harness';
import { DEADLINE_MS } from '../support/waiting';

/** Registration survives a restart: the same one webhook, checked at start, still delivering. */
describe('new-recording notifications across a restart (e2e)', () => {
  let world: World;
  let bot: BotProcess | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    world = await createWorld();
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'recbot-restart-'));
    env = {
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      DATABASE_URL: `sqlite:${join(dir, 'bot.sqlite')}`,
      TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      COMMANDS_PER_MINUTE: '100',
    };
    bot = await startBotProcess(world.emulator, world.botToken, env);
    await connectPerson(world, world.alice, world.aliceDirect);
  });

  afterAll(async () => {
    await bot?.stop();
    await world?.emulator.close();
  });

  it('keeps one webhook per person after a restart, checks it at start, and still announces', async () => {
    const done = nextBotMessage(world, world.aliceDirect, (m) => (m.markdown ?? '').includes('by direct message'));
    world.emulator.say({ as: world.alice.id, roomId: world.aliceDirect, text: 'notify on' });
    await done;
    const [hook] = world.emulator.webhooksOf(world.alice.id);
    expect(hook).toBeDefined();
    expect(await bot!.stop()).toBe(0);
    const seq = world.emulator.calls.at(-1)?.seq ?? 0;
    bot = await startBotProcess(world.emulator, world.botToken, env);
    // At start the bot checks the person's webhook with their token.
    const deadline = Date.now() + DEADLINE_MS;
    while (!world.emulator.calls.some((c) => c.seq > seq && c.path.startsWith('/v1/webhooks') && c.caller.personId === world.alice.id)) {
      if (Date.now() > deadline) throw new Error('the restarted bot never checked the recording webhook');
      await new Promise((r) => setTimeout(r, 25));
    }
    await bot.waitForLog((l) => l.msg === 'bot started');
    expect(world.emulator.webhooksOf(world.alice.id).map((w) => w.id)).toEqual([hook!.id]);
    const card = nextBotMessage(world, world.aliceDirect, (m) => allTextOf(m).includes('After the restart'));
    world.emulator.newRecording({ owner: world.alice.id, topic: 'After the restart' });
    expect(allTextOf(await card)).toContain('Download audio');
    expect(world.emulator.calls.filter((c) => c.seq > seq && c.method === 'POST' && c.path === '/v1/webhooks' && c.caller.personId === world.alice.id)).toEqual([]);
  });
});
