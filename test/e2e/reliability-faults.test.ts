import type { Person } from '../../src/webex/types';
import { seedRecording } from './fixtures';
import { allTextOf, connectPerson, createWorld, startBotProcess, type BotProcess, type World } from './harness';
import { ReplyTracker, runBounded } from './scale-traffic';

/**
 * 1,000 commands while Webex misbehaves on every path the bot and the framework use: 10 % 503,
 * 5 % 429 with `Retry-After: 1` and 1 % two-second delays on each call to the API, whichever it
 * is: the framework's reads of each event (the message, its author, the space), the bot's
 * recording reads with the person's token, and every POST of a reply. Each command must be
 * answered exactly once, and the process must never exit.
 *
 * A command is answered by its card, or by the message for what Webex answered about its
 * recording. Calls are retried one by one; an event whose read or reply still failed (a read can
 * fail four times in a row; a POST answered 503 without Retry-After is not repeated at once, as
 * it may have been carried out) is retried as a whole by the inbox, which skips what an earlier
 * attempt already posted. Had one still failed, it would be logged at error with Webex's
 * tracking ID: the test names any such command.
 */
/** What the person reads for the statuses the faults below inject, written out rather than built by the code under test. */
const ERROR_TEXT: Record<number, string> = {
  503: 'Webex is having trouble right now. Please try again later.',
  429: 'Webex is rate-limiting requests. Try again in 1 s.',
};


describe('1,000 commands under Webex faults on every path (e2e)', () => {
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
  });

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

  it('answers every command exactly once, a card or the message for what Webex said, and never exits', async () => {
    const { emulator } = world;
    // The injector tries faults in order, each with its own chance, so later chances are
    // conditional: 10 % of all calls 503, then 5 % 429, then 1 % delayed.
    const api = /^\/v1\//;
    emulator.faults.add({ method: 'GET', path: /^\/v1\/convergedRecordings\/fault-rec-\d+-down$/, status: 503 });
    emulator.faults.add({ method: 'GET', path: /^\/v1\/convergedRecordings\/fault-rec-\d+-busy$/, status: 429, retryAfter: 1 });
    emulator.faults.add({ path: api, status: 503, probability: 0.1 });
    emulator.faults.add({ path: api, status: 429, retryAfter: 1, probability: 0.05 / 0.9 });
    emulator.faults.add({ path: api, delayMs: 2000, probability: 0.01 / 0.85 });

    const tracker = new ReplyTracker(emulator, world.botPerson.id);
    const sent: Array<{ id: string; index: number }> = [];
    const unanswered: number[] = [];
    // A bot that exits answers nothing more: stop waiting for it.
    const exited = new Promise<'exited'>((resolve) => bot.child.once('exit', () => resolve('exited')));
    await runBounded(COMMANDS, CONCURRENCY, async (index) => {
      if (bot.child.exitCode !== null) return;
      const asked = emulator.say({ as: people[index % people.length]!.id, roomId: team, text: `recording ${recordingIdOf(index)}`, mentionBot: true });
      sent.push({ id: asked.id, index });
      const answer = await Promise.race([tracker.first(asked.id, 120_000).then(() => 'answered' as const, () => 'timeout' as const), exited]);
      if (answer !== 'answered') unanswered.push(index);
    });
    expect({ exitCode: bot.child.exitCode, sent: sent.length }).toEqual({ exitCode: null, sent: COMMANDS });
    emulator.faults.clear();
    // Anything a doubled event would post comes after its first reply: wait until a command sent
    // after all of them has been answered.
    await emulator.idle();
    const marker = emulator.say({ as: people[0]!.id, roomId: team, text: 'help', mentionBot: true });
    await tracker.first(marker.id);
    tracker.stop();

    // The faults really happened, on every path.
    const statuses = (method: string, pattern: RegExp) => emulator.calls.filter((c) => c.method === method && pattern.test(c.path.split('?')[0]!)).map((c) => c.status);
    const paths = {
      'GET /messages/{id}': statuses('GET', /^\/v1\/messages\/[^/]+$/),
      'GET /people/{id}': statuses('GET', /^\/v1\/people\/(?!me$)[^/]+$/),
      'GET /convergedRecordings/{id}': statuses('GET', /^\/v1\/convergedRecordings\/fault-rec-\d+$/),
      'POST /messages': statuses('POST', /^\/v1\/messages$/),
    };
    const faulted = Object.entries(paths).map(([path, seen]) => ({ path, '503': seen.filter((s) => s === 503).length > 40, '429': seen.filter((s) => s === 429).length > 20 }));
    expect(faulted).toEqual(Object.keys(paths).map((path) => ({ path, '503': true, '429': true })));

    // The error lines that name a command's event, with a tracking ID.
    const failureLogs = new Map<string, Array<Record<string, unknown>>>();
    for (const line of bot.logs()) {
      if (Number(line.level) < 50 || typeof line.trackingId !== 'string' || line.trackingId === '') continue;
      const named = typeof line.messageId === 'string' ? line.messageId : typeof line.key === 'string' ? String(line.key).split(':')[2] : undefined;
      if (named) failureLogs.set(named, [...(failureLogs.get(named) ?? []), line]);
    }
    const wrong: string[] = [];
    const lost: number[] = [];
    let cards = 0;
    let errors = 0;
    for (const { id, index } of sent) {
      const replies = tracker.replies(id);
      if (replies.length === 0) {
        lost.push(index);
        wrong.push(`command ${index}: no reply (${failureLogs.has(id) ? 'logged at error with its tracking ID' : 'and no error line with a tracking ID'})`);
        continue;
      }
      if (replies.length > 1) {
        wrong.push(`command ${index}: ${replies.length} replies`);
        continue;
      }
      const reply = replies[0]!;
      const calls = recordingCalls(recordingIdOf(index));
      if (reply.attachments?.length) {
        cards++;
        if (!calls.some((c) => c.status === 200) || !allTextOf(reply).includes(`Fault topic ${index}`)) wrong.push(`command ${index}: a card that is not its recording's`);
        continue;
      }
      errors++;
      // The message for one of the answers Webex gave about its recording (a retried event may
      // have asked more than once), with that answer's tracking ID.
      const expected = calls
        .filter((c) => c.status !== 200)
        .map((c) => `Recording \`${recordingIdOf(index)}\`: ${ERROR_TEXT[c.status] ?? `(no answer expected for status ${c.status})`} (Webex tracking ID: \`${c.trackingId}\`)`);
      if (!expected.includes(reply.markdown ?? '')) wrong.push(`command ${index}: unexpected "${reply.markdown}"`);
    }
    expect(wrong).toEqual([]);
    expect(unanswered.sort((a, b) => a - b)).toEqual(lost.sort((a, b) => a - b));
    expect(cards + errors + lost.length).toBe(COMMANDS);
    expect(errors).toBeGreaterThanOrEqual(20);
    expect(cards).toBeGreaterThan(COMMANDS * 0.85);
    // One reply per answered command, plus the marker's (a slow answer's progress note is not a reply).
    const posted = emulator.messages(team).filter((m) => m.personId === world.botPerson.id && !(m.markdown ?? '').startsWith('Looking up recording'));
    expect(posted).toHaveLength(COMMANDS - lost.length + 1);
    expect(bot.logs().filter((l) => l.fault !== undefined)).toEqual([]);
    expect(bot.child.exitCode).toBeNull();
  }, 360_000);
});
