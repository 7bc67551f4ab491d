import type { BotProcess } from './harness';
import { startWorld, type BotWorld } from './world';
import { ReplyTracker, runBounded } from './scale-traffic';

/**
 * The framework's own reads of each event (the message, its author) fail now and then. They go
 * through the bot's Webex client: retried like every other call, logged as JSON, never able to
 * end the process. (The bundled SDK's batched people lookup used to end it with an unhandled
 * rejection after a single 503 or 429.)
 */
describe("the framework's reads under faults (e2e)", () => {
  let world: BotWorld;
  let bot: BotProcess;

  beforeAll(async () => {
    world = await startWorld({ env: { COMMANDS_PER_MINUTE: '0', LOG_LEVEL: 'info' } });
    bot = world.bot;
  });

  afterAll(async () => {
    await world?.close();
  });

  it('answers 30 commands after a 503 and a 429 on the people lookup, and keeps running', async () => {
    const { emulator } = world;
    const people = [world.alice.id, world.bob.id];
    // The batched lookup and the lookup by ID, whichever the reads use; then the message read.
    emulator.faults.add({ method: 'GET', path: '/v1/people', status: 503, times: 1 });
    emulator.faults.add({ method: 'GET', path: '/v1/people', status: 429, retryAfter: 1, times: 1 });
    emulator.faults.add({ method: 'GET', path: /^\/v1\/people\/(?!me$)[^/]+$/, status: 503, times: 1 });
    emulator.faults.add({ method: 'GET', path: /^\/v1\/people\/(?!me$)[^/]+$/, status: 429, retryAfter: 1, times: 1 });
    emulator.faults.add({ method: 'GET', path: /^\/v1\/messages\/[^/]+$/, status: 503, times: 2 });
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
