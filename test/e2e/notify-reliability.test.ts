import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Message } from '../../src/webex/types';
import { allTextOf, connectPerson, createWorld, freePort, nextBotMessage, startBotProcess, type BotProcess, type World } from './harness';
import { DEADLINE_MS, TEST_TIMEOUT_MS } from '../support/waiting';
import { waitUntil } from './scale-traffic';

/**
 * Nothing lost for new recordings either: a person's `convergedRecordings` event is kept in the
 * bot's inbox before Webex gets its 200, and worked on like every event: a post that failed is
 * posted on a retry, a post whose answer was lost is not posted twice, and a bot killed before
 * the card is out announces it after the restart. Each is announced exactly once.
 */
describe('new-recording notifications: nothing lost, nothing twice (e2e, webhook mode)', () => {
  let world: World;
  let bot: BotProcess;
  const file = join(mkdtempSync(join(tmpdir(), 'recbot-notify-')), 'bot.sqlite');
  const key = randomBytes(32).toString('base64');
  let port: number;

  const start = () =>
    startBotProcess(world.emulator, world.botToken, {
      DATABASE_URL: `sqlite:${file}`,
      PORT: String(port),
      TOKEN_ENCRYPTION_KEY: key,
      COMMANDS_PER_MINUTE: '0',
    });

  beforeAll(async () => {
    world = await createWorld();
    port = await freePort();
    bot = await start();
    await connectPerson(world, world.alice, world.aliceDirect);
    const on = nextBotMessage(world, world.aliceDirect, (m) => allTextOf(m).includes('by direct message'));
    world.emulator.say({ as: world.alice.id, roomId: world.aliceDirect, text: 'notify on' });
    await on;
  }, TEST_TIMEOUT_MS);

  afterAll(async () => {
    await bot?.stop('SIGKILL');
    await world?.emulator.close();
  });

  afterEach(() => world.emulator.faults.clear());

  const cardsAbout = (recordingId: string): Message[] =>
    world.emulator.messages(world.aliceDirect).filter((m) => m.personId === world.botPerson.id && (m.attachments?.length ?? 0) > 0 && allTextOf(m).includes(recordingId));

  /** The inbox row of the recording's event, read from the bot's database file. */
  function eventOf(recordingId: string): { status: string; attempts: number } | undefined {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return db.prepare("SELECT status, attempts FROM inbox_events WHERE event_key LIKE 'convergedRecordings:%' AND event_key LIKE ?").get(`%:${recordingId}`) as
        | { status: string; attempts: number }
        | undefined;
    } finally {
      db.close();
    }
  }

  /** The positive sign that the bot is done with the recording's event. */
  const finished = (recordingId: string, timeoutMs = DEADLINE_MS) =>
    waitUntil(() => eventOf(recordingId)?.status === 'done', timeoutMs, () => `(event: ${JSON.stringify(eventOf(recordingId))})`);

  it('Webex refuses the card twice (503): the event is retried and the card comes once', async () => {
    world.emulator.faults.add({ method: 'POST', path: '/messages', status: 503, times: 2 });
    const fixture = world.emulator.newRecording({ owner: world.alice.id, topic: 'Refused twice' });
    await finished(fixture.id);
    expect(eventOf(fixture.id)!.attempts).toBe(3);
    expect(cardsAbout(fixture.id)).toHaveLength(1);
  }, TEST_TIMEOUT_MS);

  it('the answer to the card\'s POST is lost (it was posted): the retry finds it and posts nothing more', async () => {
    world.emulator.faults.add({ method: 'POST', path: '/messages', loseAnswer: true, times: 1 });
    const fixture = world.emulator.newRecording({ owner: world.alice.id, topic: 'Answer lost' });
    await finished(fixture.id);
    expect(eventOf(fixture.id)!.attempts).toBe(2);
    // The retry looked at the 1:1 space before posting, and took the card it found.
    expect(world.emulator.calls.some((c) => c.method === 'GET' && c.path.startsWith('/v1/messages/direct?') && c.caller.personId === world.botPerson.id)).toBe(true);
    expect(cardsAbout(fixture.id)).toHaveLength(1);
  }, TEST_TIMEOUT_MS);

  it('killed (SIGKILL) after Webex had its 200 and before the card: the restarted bot announces it once', async () => {
    // Webex holds the details, so the bot dies with the event accepted and the card not out.
    const held = world.emulator.faults.add({ method: 'GET', path: /^\/v1\/convergedRecordings\/[^/]+$/, hold: true, times: 1 });
    const fixture = world.emulator.newRecording({ owner: world.alice.id, topic: 'Killed before the card' });
    await waitUntil(() => world.emulator.deliveries.some((d) => d.dataId === fixture.id && d.status === 200));
    await waitUntil(() => world.emulator.faults.held(held) === 1);
    expect(eventOf(fixture.id)?.status).toBe('pending');
    await bot.stop('SIGKILL');
    world.emulator.faults.clear();
    bot = await start();
    await finished(fixture.id);
    expect(cardsAbout(fixture.id)).toHaveLength(1);
    expect(allTextOf(cardsAbout(fixture.id)[0]!)).toContain('Killed before the card');
  }, TEST_TIMEOUT_MS);
});
