import type { BotProcess } from './harness';
import { startWorld, type BotWorld } from './world';
import { ReplyTracker, runBounded } from './scale-traffic';

/**
 * The read of each event (the message; no author lookup any more) fails now and then. It goes
 * through the bot's Webex client: retried like every other call, logged as JSON, never able to
 * end the process. (The bundled SDK's batched people lookup, on the framework's path before the
 * bot read its events itself, used to end it with an unhandled rejection after a 503 or 429.)
 */
describe('the reads of each event under faults (e2e)', () => {
  let world: BotWorld;
  let bot: BotProcess;

  beforeAll(async () => {
    world = await startWorld({ env: { COMMANDS_PER_MINUTE: '0', LOG_LEVEL: 'info' } });
    bot = world.bot;
  });

  afterAll(async () => {
    await world?.close();
  });

  it('answers 30 commands after 503s and 429s on the message read, and keeps running', async () => {
    const { emulator } = world;
    const people = [world.alice.id, world.bob.id];
    emulator.faults.add({ method: 'GET', path: /^\/v1\/messages\/[^/]+$/, status: 503, times: 2 });
    emulator.faults.add({ method: 'GET', path: /^\/v1\/messages\/[^/]+$/, status: 429, retryAfter: 1, times: 2 });
    const tracker = new ReplyTracker(emulator, world.botPerson.id);
    const asked: string[] = [];
    await runBounded(30, 10, async (i) => {
      const message = emulator.say({ as: people[i % 2]!, roomId: world.group, text: 'help', mentionBot: true });
      asked.push(message.id);
      await tracker.first(message.id);
    });
    await emulator.idle();
    tracker.stop();

    const faulted = emulator.calls.filter((c) => c.method === 'GET' && /^\/v1\/(people|messages)(\/|$|\?)/.test(c.path) && c.status >= 429);
    expect(faulted.length).toBeGreaterThanOrEqual(4);
    expect(asked.map((id) => tracker.replies(id).length)).toEqual(asked.map(() => 1));
    expect(bot.child.exitCode).toBeNull();
    // Retries are logged with their tracking ID, as JSON like every other line.
    const retried = bot.logs().filter((l) => l.msg === 'Webex call failed; retrying' && /^\/(people|messages)\//.test(String(l.path)));
    expect(retried.length).toBeGreaterThanOrEqual(4);
    expect(retried.every((l) => typeof l.trackingId === 'string' && l.trackingId !== '')).toBe(true);
    expect(bot.lines.filter((l) => !l.startsWith('{'))).toEqual([]);
  });

  it('counts uncaught errors in /metrics', async () => {
    const metrics = await fetch(`${bot.url}/metrics`).then((r) => r.text());
    expect(metrics).toContain('recbot_process_faults_total{kind="unhandledRejection"} 0');
    expect(metrics).toContain('recbot_process_faults_total{kind="uncaughtException"} 0');
  });
});
