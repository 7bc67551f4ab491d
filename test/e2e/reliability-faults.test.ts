import type { Person } from '../../src/webex/types';
import { seedRecording } from './fixtures';
import { allTextOf, connectPerson, createWorld, startBotProcess, type BotProcess, type World } from './harness';
import { ReplyTracker, runBounded } from './scale-traffic';

/**
 * Retries and error messages under faults: 1,000 commands while Webex misbehaves. Each must get
 * exactly one reply: the card, or the error message that matches what Webex last answered.
 *
 * Where the faults go, and why:
 * - GET /convergedRecordings/{id} (the bot's own call with the person's token): 10 % 503, 5 %
 *   429 with `Retry-After: 1`, 1 % two-second delays. The bot retries; a command whose every
 *   attempt failed gets the message for the last answer.
 * - POST /messages (the bot's replies): 3 % 429 with `Retry-After: 1`. Webex did not post the
 *   message, so the bot may and does post it again; a 503 without Retry-After is not repeated
 *   (the message may already be posted) and is left out here.
 * - Not on the framework's own GET /messages/{id} and GET /people: when those fail,
 *   webex-node-bot-framework drops the event without telling anyone. That is the framework's
 *   behaviour, not the bot's, and a test of it would measure the framework.
 */
/** What the person reads for the statuses the faults below inject, written out rather than built by the code under test. */
const ERROR_TEXT: Record<number, string> = {
  503: 'Webex is having trouble right now. Please try again later.',
  429: 'Webex is rate-limiting requests. Try again in 1 s.',
};

describe('1,000 commands under Webex faults (e2e)', () => {
  const COMMANDS = 1000;
  const CONCURRENCY = 50;
  let world: World;
  let bot: BotProcess;
  let people: Person[];
  let team: string;

  beforeAll(async () => {
    world = await createWorld();
    const carla = world.emulator.addPerson({ email: 'carla@example.com', displayName: 'Carla Third' });
    const carlaDirect = world.emulator.createDirectRoom(carla.id, world.botPerson.id).id;
    people = [world.alice, world.bob, carla];
    team = world.emulator.createGroupRoom('Faults space', [...people.map((p) => p.id), world.botPerson.id]).id;
    for (let i = 0; i < COMMANDS; i++) {
      const owner = people[i % people.length]!;
      world.emulator.addRecording(seedRecording({ id: recordingIdOf(i), topic: `Fault topic ${i}`, ownerId: owner.id, ownerEmail: owner.emails[0]! }));
    }
    bot = await startBotProcess(world.emulator, world.botToken, { COMMANDS_PER_MINUTE: '0', LOG_LEVEL: 'warn' });
    await connectPerson(world, world.alice, world.aliceDirect);
    await connectPerson(world, world.bob, world.bobDirect);
    await connectPerson(world, carla, carlaDirect);
  }, 60_000);

  afterAll(async () => {
    await bot?.stop();
    await world?.emulator.close();
  });

  /** Most recordings only see the random faults; one in 50 is always down or always busy, so
   * that the error replies are exercised for certain, not only by chance. */
  function recordingIdOf(i: number): string {
    if (i % 100 === 7) return `fault-rec-${i}-down`;
    if (i % 100 === 57) return `fault-rec-${i}-busy`;
    return `fault-rec-${i}`;
  }

  function recordingCalls(id: string) {
    const path = `/v1/convergedRecordings/${id}`;
    return world.emulator.calls.filter((c) => c.method === 'GET' && (c.path === path || c.path.startsWith(`${path}?`)));
  }

  it('answers every command exactly once: a card, or the message for what Webex last said', async () => {
    // The injector tries faults in order, each with its own chance, so later chances are
    // conditional: 10 % 503, then 5 % of all calls 429, then 1 % of all calls delayed.
    const recordings = /^\/v1\/convergedRecordings\/fault-rec-/;
    world.emulator.faults.add({ method: 'GET', path: /^\/v1\/convergedRecordings\/fault-rec-\d+-down$/, status: 503 });
    world.emulator.faults.add({ method: 'GET', path: /^\/v1\/convergedRecordings\/fault-rec-\d+-busy$/, status: 429, retryAfter: 1 });
    world.emulator.faults.add({ method: 'GET', path: recordings, status: 503, probability: 0.1 });
    world.emulator.faults.add({ method: 'GET', path: recordings, status: 429, retryAfter: 1, probability: 0.05 / 0.9 });
    world.emulator.faults.add({ method: 'GET', path: recordings, delayMs: 2000, probability: 0.01 / 0.85 });
    world.emulator.faults.add({ method: 'POST', path: '/messages', status: 429, retryAfter: 1, probability: 0.03 });

    const tracker = new ReplyTracker(world.emulator, world.botPerson.id);
    const sent: Array<{ id: string; index: number }> = [];
    await runBounded(COMMANDS, CONCURRENCY, async (index) => {
      const asked = world.emulator.say({ as: people[index % people.length]!.id, roomId: team, text: `recording ${recordingIdOf(index)}`, mentionBot: true });
      sent.push({ id: asked.id, index });
      await tracker.first(asked.id, 90_000);
    });
    world.emulator.faults.clear();
    // Anything a doubled event would post comes after its first reply: wait until a command sent
    // after all of them has been answered.
    await world.emulator.idle();
    const marker = world.emulator.say({ as: people[0]!.id, roomId: team, text: 'help', mentionBot: true });
    await tracker.first(marker.id, 30_000);
    tracker.stop();

    const statuses = (pattern: RegExp, method: string) =>
      world.emulator.calls.filter((c) => c.method === method && pattern.test(c.path)).map((c) => c.status);
    const recordingStatuses = statuses(/^\/v1\/convergedRecordings\/fault-rec-/, 'GET');
    // The faults really happened.
    expect(recordingStatuses.filter((s) => s === 503).length).toBeGreaterThan(50);
    expect(recordingStatuses.filter((s) => s === 429).length).toBeGreaterThan(20);
    expect(statuses(/^\/v1\/messages$/, 'POST').filter((s) => s === 429).length).toBeGreaterThan(10);

    const wrong: string[] = [];
    let cards = 0;
    let errors = 0;
    for (const { id, index } of sent) {
      const replies = tracker.replies(id);
      if (replies.length !== 1) {
        wrong.push(`command ${index}: ${replies.length} replies`);
        continue;
      }
      const reply = replies[0]!;
      const calls = recordingCalls(recordingIdOf(index));
      if (calls.some((c) => c.status === 200)) {
        cards++;
        if (!reply.attachments?.length || !allTextOf(reply).includes(`Fault topic ${index}`)) wrong.push(`command ${index}: expected its card, got ${reply.markdown}`);
        continue;
      }
      errors++;
      const last = calls[calls.length - 1]!;
      const expected = `Recording \`${recordingIdOf(index)}\`: ${ERROR_TEXT[last.status] ?? `(no answer expected for status ${last.status})`} (Webex tracking ID: \`${last.trackingId}\`)`;
      if (reply.markdown !== expected) wrong.push(`command ${index}: expected "${expected}", got "${reply.markdown}"`);
    }
    expect(wrong).toEqual([]);
    expect(cards + errors).toBe(COMMANDS);
    expect(errors).toBeGreaterThanOrEqual(20);
    expect(cards).toBeGreaterThan(COMMANDS * 0.9);
    // One reply per command, plus the marker's.
    expect(world.emulator.messages(team).filter((m) => m.personId === world.botPerson.id)).toHaveLength(COMMANDS + 1);
  }, 180_000);
});
