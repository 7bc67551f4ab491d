import { seedRecording } from './fixtures';
import { allTextOf, connectPerson, createWorld, startBotProcess, type BotProcess, type World } from './harness';
import { ReplyTracker, waitUntil } from './scale-traffic';

/**
 * Graceful stop: SIGTERM while 50 commands are in flight. The bot stops taking
 * new events (503, `/readyz` 503), finishes the 50, closes the database and exits 0.
 */
describe('SIGTERM with 50 commands in flight (e2e)', () => {
  const IN_FLIGHT = 50;
  let world: World;
  let bot: BotProcess;

  beforeAll(async () => {
    world = await createWorld();
    world.emulator.addRecording(seedRecording({ id: 'shutdown-rec', topic: 'Shutdown topic', ownerId: world.alice.id, ownerEmail: 'alice@example.com' }));
    bot = await startBotProcess(world.emulator, world.botToken, { COMMANDS_PER_MINUTE: '0' });
    await connectPerson(world, world.alice, world.aliceDirect);
  }, 30_000);

  afterAll(async () => {
    await bot?.stop('SIGKILL');
    await world?.emulator.close();
  });

  it('answers all 50, refuses new events and readiness while draining, and exits 0', async () => {
    // The group space is known to the bot before the load (its first events are serialised).
    const tracker = new ReplyTracker(world.emulator, world.botPerson.id);
    const warmUp = world.emulator.say({ as: world.alice.id, roomId: world.group, text: 'help', mentionBot: true });
    await tracker.first(warmUp.id, 10_000);
    // Webex is slow: 0.5 s to hand the framework each message, 1 s to answer each recording
    // request. At the signal, commands are at both stages: still being read by the framework
    // (accepted with 200, not yet a command) and already running.
    world.emulator.faults.add({ method: 'GET', path: /^\/v1\/messages\/[^/]+$/, delayMs: 500 });
    world.emulator.faults.add({ method: 'GET', path: '/convergedRecordings/shutdown-rec', delayMs: 1000 });
    const asked = Array.from({ length: IN_FLIGHT }, () =>
      world.emulator.say({ as: world.alice.id, roomId: world.group, text: 'recording shutdown-rec', mentionBot: true }).id,
    );
    const accepted = () => world.emulator.deliveries.filter((d) => asked.includes(d.dataId) && d.status === 200).length;
    await waitUntil(() => accepted() === IN_FLIGHT, 10_000, () => `(${accepted()} accepted)`);
    expect(asked.every((id) => tracker.replies(id).length === 0)).toBe(true);

    const exited = bot.stop('SIGTERM');
    await bot.waitForLog((l) => l.msg === 'signal received');

    // Draining: not ready, and a new event is refused with 503.
    expect((await fetch(`${bot.url}/readyz`)).status).toBe(503);
    const late = world.emulator.say({ as: world.alice.id, roomId: world.group, text: 'recording shutdown-rec', mentionBot: true });
    await waitUntil(() => world.emulator.deliveries.some((d) => d.dataId === late.id), 5_000);
    expect(world.emulator.deliveries.filter((d) => d.dataId === late.id).map((d) => d.status)).toEqual([503]);

    expect(await exited).toBe(0);
    tracker.stop();
    const unanswered = asked.filter((id) => tracker.replies(id).length !== 1);
    expect(unanswered).toEqual([]);
    for (const id of asked) expect(allTextOf(tracker.replies(id)[0]!)).toContain('Shutdown topic');
    expect(tracker.replies(late.id)).toEqual([]);
    expect(bot.logs().some((l) => l.msg === 'stopped')).toBe(true);
  }, 60_000);
});
