import { idCore } from '../../src/transport/envelope';
import { DEADLINE_MS } from '../support/waiting';
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedRecording } from './fixtures';
import { allTextOf, connectPerson, createWorld, freePort, startBotProcess, TRANSPORTS, type BotProcess, type World } from './harness';
import { ReplyTracker, waitUntil } from './scale-traffic';

/**
 * Nothing accepted is lost: every verified webhook is in the inbox (SQLite here) before the bot
 * answers 200, so a bot killed mid-command, or stopped while events keep arriving, answers them
 * all after a restart on the same database file, each once. Captured events replayed after the
 * replay window get nothing.
 *
 * Commands are @mentions in a group space: every reply is threaded under its command.
 */
describe.each(TRANSPORTS)('crash recovery and the replay window on one SQLite file (e2e, %s mode)', (transport) => {
  const webhookOnly = transport === 'webhook' ? it : it.skip;
  let world: World;
  let clockOffsetMs = 0;
  const running: BotProcess[] = [];
  const key = randomBytes(32).toString('base64');

  /** A bot on the given database file and port; the same pair again is a restart. */
  async function startOn(file: string, port: number): Promise<BotProcess> {
    const bot = await startBotProcess(
      world.emulator,
      world.botToken,
      {
        DATABASE_URL: `sqlite:${file}`,
        PORT: String(port),
        ...(transport === 'webhook' ? { PUBLIC_URL: `http://127.0.0.1:${port}` } : {}),
        TOKEN_ENCRYPTION_KEY: key,
        COMMANDS_PER_MINUTE: '0',
      },
      { transport },
    );
    running.push(bot);
    return bot;
  }

  function inboxRows(file: string, table: 'inbox_events' | 'inbox_steps'): Array<Record<string, unknown>> {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return db.prepare(`SELECT * FROM ${table}`).all() as Array<Record<string, unknown>>;
    } finally {
      db.close();
    }
  }

  const keyOf = (messageId: string) => `messages:created:${idCore(messageId)}`;
  const newDatabase = () => join(mkdtempSync(join(tmpdir(), 'recbot-recovery-')), 'bot.sqlite');

  beforeAll(async () => {
    world = await createWorld({ now: () => Date.now() + clockOffsetMs });
    world.emulator.addRecording(seedRecording({ id: 'crash-a', topic: 'Crash topic A', ownerId: world.alice.id, ownerEmail: 'alice@example.com' }));
    world.emulator.addRecording(seedRecording({ id: 'crash-b', topic: 'Crash topic B', ownerId: world.alice.id, ownerEmail: 'alice@example.com' }));
  });

  afterAll(async () => {
    await Promise.all(running.map((b) => b.stop('SIGKILL')));
    await world?.emulator.close();
  });

  afterEach(() => {
    world.emulator.faults.clear();
    clockOffsetMs = 0;
  });

  it('SIGKILL with 30 commands in flight, restart on the same file: all 30 answered, no reply twice', async () => {
    const file = newDatabase();
    const port = await freePort();
    let bot = await startOn(file, port);
    await connectPerson(world, world.alice, world.aliceDirect);
    const tracker = new ReplyTracker(world.emulator, world.botPerson.id);
    const warmUp = world.emulator.say({ as: world.alice.id, roomId: world.group, text: 'help', mentionBot: true });
    await tracker.first(warmUp.id, DEADLINE_MS);

    // Each command posts two cards; Webex is slow to answer for the second recording, so at
    // the kill every command has posted its first card and waits for the second.
    world.emulator.faults.add({ method: 'GET', path: '/convergedRecordings/crash-b', delayMs: 20_000 });
    const asked = Array.from({ length: 30 }, () =>
      world.emulator.say({ as: world.alice.id, roomId: world.group, text: 'recording crash-a crash-b', mentionBot: true }).id,
    );
    await waitUntil(() => asked.every((id) => tracker.replies(id).length === 1), DEADLINE_MS, () => `(${asked.filter((id) => tracker.replies(id).length > 0).length} first cards)`);
    // The bot has recorded each first card as done (what a restart relies on).
    const recorded = () => new Set(inboxRows(file, 'inbox_steps').map((r) => r.event_key));
    await waitUntil(() => asked.every((id) => recorded().has(keyOf(id))), DEADLINE_MS);

    expect(await bot.stop('SIGKILL')).toBeNull();
    world.emulator.faults.clear();
    bot = await startOn(file, port);

    await waitUntil(() => asked.every((id) => tracker.replies(id).length >= 2), DEADLINE_MS, () => `(${asked.filter((id) => tracker.replies(id).length >= 2).length} of 30 complete)`);
    // Positive sign that the resumed work is over: every event is done in the inbox.
    const done = () => inboxRows(file, 'inbox_events').filter((r) => asked.map(keyOf).includes(String(r.event_key)) && r.status === 'done').length;
    await waitUntil(() => done() === asked.length, DEADLINE_MS, () => `(${done()} done)`);
    tracker.stop();
    for (const id of asked) {
      const replies = tracker.replies(id).map(allTextOf);
      expect(replies).toHaveLength(2);
      expect(replies[0]).toContain('Crash topic A');
      expect(replies[1]).toContain('Crash topic B');
    }
    expect(bot.logs().some((l) => l.msg === 'resuming events from the inbox')).toBe(true);
    await bot.stop('SIGTERM');
  }, 120_000);

  it('messages sent while no bot was running (Webex could not deliver them) are answered after the start, each once', async () => {
    const file = newDatabase();
    const port = await freePort();
    let bot = await startOn(file, port);
    const tracker = new ReplyTracker(world.emulator, world.botPerson.id);
    const warmUp = world.emulator.say({ as: world.bob.id, roomId: world.group, text: 'help', mentionBot: true });
    await tracker.first(warmUp.id, DEADLINE_MS);
    expect(await bot.stop('SIGTERM')).toBe(0);

    const whileDown = Array.from({ length: 5 }, () => world.emulator.say({ as: world.bob.id, roomId: world.group, text: 'help', mentionBot: true }).id);
    bot = await startOn(file, port);
    await waitUntil(() => whileDown.every((id) => tracker.replies(id).length > 0), DEADLINE_MS, () => `(${whileDown.filter((id) => tracker.replies(id).length > 0).length} of 5 answered)`);
    const done = () => inboxRows(file, 'inbox_events').filter((r) => whileDown.map(keyOf).includes(String(r.event_key)) && r.status === 'done').length;
    await waitUntil(() => done() === whileDown.length, DEADLINE_MS, () => `(${done()} done)`);
    tracker.stop();
    expect(whileDown.map((id) => tracker.replies(id).length)).toEqual([1, 1, 1, 1, 1]);
    expect(tracker.replies(warmUp.id)).toHaveLength(1);
    await bot.stop('SIGTERM');
  }, 120_000);

  it('SIGTERM with 50 in flight while 20 more arrive during the drain: the 50 answered, the 20 stored and answered after a restart', async () => {
    const file = newDatabase();
    const port = await freePort();
    let bot = await startOn(file, port);
    await connectPerson(world, world.alice, world.aliceDirect);
    const tracker = new ReplyTracker(world.emulator, world.botPerson.id);
    const warmUp = world.emulator.say({ as: world.alice.id, roomId: world.group, text: 'help', mentionBot: true });
    await tracker.first(warmUp.id, DEADLINE_MS);
    // Webex is slow to hand the framework each message and to answer each recording request,
    // so the drain lasts a few seconds.
    world.emulator.faults.add({ method: 'GET', path: /^\/v1\/messages\/[^/]+$/, delayMs: 500 });
    world.emulator.faults.add({ method: 'GET', path: '/convergedRecordings/crash-a', delayMs: 3000 });
    const say = () => world.emulator.say({ as: world.alice.id, roomId: world.group, text: 'recording crash-a', mentionBot: true }).id;
    // Deliveries to this bot (earlier tests' bots, on other ports, have webhooks of their own);
    // in websocket mode, what the bot has stored from its socket.
    const storedKeys = () => new Set(inboxRows(file, 'inbox_events').map((r) => String(r.event_key)));
    const deliveries = (ids: string[]) =>
      transport === 'webhook' ? world.emulator.deliveries.filter((d) => d.targetUrl.startsWith(bot.url) && ids.includes(d.dataId)) : ids.filter((id) => storedKeys().has(keyOf(id)));
    const accepted = (ids: string[]) => (transport === 'webhook' ? deliveries(ids).filter((d) => typeof d === 'object' && d.status === 200).length : deliveries(ids).length);
    const inFlight = Array.from({ length: 50 }, say);
    await waitUntil(() => accepted(inFlight) === 50, DEADLINE_MS, () => `(${accepted(inFlight)} accepted)`);
    expect(inFlight.every((id) => tracker.replies(id).length === 0)).toBe(true);

    const exited = bot.stop('SIGTERM');
    await bot.waitForLog((l) => l.msg === 'signal received');
    expect((await fetch(`${bot.url}/readyz`)).status).toBe(503);
    const duringDrain = Array.from({ length: 20 }, say);
    await waitUntil(() => deliveries(duringDrain).length === 20, DEADLINE_MS, () => `(${deliveries(duringDrain).length} delivered)`);
    // Taken into the inbox (200, not 503), and not started.
    expect(accepted(duringDrain)).toBe(20);
    expect(await exited).toBe(0);
    expect(inFlight.filter((id) => tracker.replies(id).length !== 1)).toEqual([]);
    expect(duringDrain.filter((id) => tracker.replies(id).length > 0)).toEqual([]);
    const stored = inboxRows(file, 'inbox_events').filter((r) => duringDrain.map(keyOf).includes(String(r.event_key)));
    expect(stored.map((r) => r.status)).toEqual(Array(20).fill('pending'));

    world.emulator.faults.clear();
    bot = await startOn(file, port);
    await waitUntil(() => duringDrain.every((id) => tracker.replies(id).length >= 1), DEADLINE_MS);
    const done = () => inboxRows(file, 'inbox_events').filter((r) => [...inFlight, ...duringDrain].map(keyOf).includes(String(r.event_key)) && r.status === 'done').length;
    await waitUntil(() => done() === 70, DEADLINE_MS, () => `(${done()} done)`);
    tracker.stop();
    for (const id of [...inFlight, ...duringDrain]) {
      expect(tracker.replies(id)).toHaveLength(1);
      expect(allTextOf(tracker.replies(id)[0]!)).toContain('Crash topic A');
    }
    await bot.stop('SIGTERM');
  }, 120_000);

  webhookOnly('ignores a validly signed event 25 h old (or 10 min ahead): no reply, no Webex call', async () => {
    const file = newDatabase();
    const bot = await startOn(file, await freePort());
    const tracker = new ReplyTracker(world.emulator, world.botPerson.id);
    // The emulator's clock stamps `data.created`; it signs what it sends as Webex does.
    clockOffsetMs = -25 * 3600_000;
    const old = world.emulator.say({ as: world.bob.id, roomId: world.group, text: 'help', mentionBot: true });
    clockOffsetMs = 10 * 60_000;
    const ahead = world.emulator.say({ as: world.bob.id, roomId: world.group, text: 'help', mentionBot: true });
    clockOffsetMs = 0;
    const accepted = () => world.emulator.deliveries.filter((d) => d.targetUrl.startsWith(bot.url) && [old.id, ahead.id].includes(d.dataId) && d.status === 200);
    await waitUntil(() => accepted().length === 2, DEADLINE_MS);
    // A fresh event after them is answered: the bot has handled what came before it.
    const fresh = world.emulator.say({ as: world.bob.id, roomId: world.group, text: 'help', mentionBot: true });
    await tracker.first(fresh.id, DEADLINE_MS);
    await bot.waitForLog((l) => l.msg === 'event outside the replay window ignored' && l.key === keyOf(ahead.id));
    tracker.stop();
    for (const ignored of [old, ahead]) {
      expect(tracker.replies(ignored.id)).toEqual([]);
      expect(world.emulator.calls.filter((c) => c.path.includes(ignored.id))).toEqual([]);
    }
    const reasons = bot.logs().filter((l) => l.msg === 'event outside the replay window ignored').map((l) => [l.key, l.reason]);
    expect(reasons).toEqual([
      [keyOf(old.id), 'too old'],
      [keyOf(ahead.id), 'in the future'],
    ]);
    expect(inboxRows(file, 'inbox_events').map((r) => r.event_key)).not.toContain(keyOf(old.id));
    await bot.stop('SIGTERM');
  });
});
