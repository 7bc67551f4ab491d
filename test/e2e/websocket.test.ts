/**
 * Websocket mode end to end: the built bot with no PUBLIC_URL, against the emulator's U2C
 * catalog, WDM devices and Mercury socket. Every event goes through the inbox (one key per
 * event however it came), gaps are caught up from the REST API, the socket comes back whatever
 * closes it, and stopping closes it and deletes the device.
 */
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { idCore } from '../../src/transport/envelope';
import { DEADLINE_MS } from '../support/waiting';
import { createWorld, freePort, startBotProcess, type BotProcess, type World } from './harness';
import { createTestDatabase, ReplyTracker, waitUntil } from './scale-traffic';

describe('websocket mode (e2e)', () => {
  let world: World;
  const bots: BotProcess[] = [];
  const start = async (env: Record<string, string> = {}, dataDir?: string) => {
    const bot = await startBotProcess(world.emulator, world.botToken, { COMMANDS_PER_MINUTE: '0', ...env }, { transport: 'websocket', ...(dataDir ? { dataDir } : {}) });
    bots.push(bot);
    return bot;
  };
  const mercury = () => world.emulator.mercury;
  const liveDevices = () => mercury().devices({ personId: world.botPerson.id }).filter((d) => !d.deletedAt);
  const openSockets = () => mercury().openSockets().filter((s) => s.personId === world.botPerson.id && s.authorizedAt);
  const mention = (text = 'help') => world.emulator.say({ as: world.bob.id, roomId: world.group, text, mentionBot: true }).id;
  /** Resolves once a socket opened after `after` sockets is authorised (the bot is back). */
  const reconnected = async (after: number) => {
    await waitUntil(() => mercury().sockets().filter((s) => s.personId === world.botPerson.id && s.authorizedAt).length > after && openSockets().length > 0, DEADLINE_MS);
  };
  const socketsSoFar = () => mercury().sockets().filter((s) => s.personId === world.botPerson.id && s.authorizedAt).length;

  beforeAll(async () => {
    world = await createWorld();
  });
  afterEach(async () => {
    for (const bot of bots.splice(0)) await bot.stop('SIGKILL');
    mercury().clearFaults();
    world.emulator.faults.clear();
  });
  afterAll(async () => {
    await world?.emulator.close();
  });

  it('answers a group mention over the socket with one read of the message', async () => {
    await start();
    const tracker = new ReplyTracker(world.emulator, world.botPerson.id);
    const asked = mention();
    await tracker.first(asked, DEADLINE_MS);
    const reads = world.emulator.calls.filter((c) => c.method === 'GET' && c.path.includes(asked));
    expect(reads.map((c) => c.path)).toEqual([`/v1/messages/${asked}`]);
    tracker.stop();
  });

  it('if the socket carries every group message, only those mentioning the bot are answered', async () => {
    await start();
    mercury().setGroupMessages('all');
    const tracker = new ReplyTracker(world.emulator, world.botPerson.id);
    const plain = world.emulator.say({ as: world.alice.id, roomId: world.group, text: 'help' }).id;
    const asked = mention();
    await tracker.first(asked, DEADLINE_MS);
    // The plain one was delivered (before the mention) and is not answered, not even with an apology.
    expect(mercury().frames.some((f) => f.activityId && idCore(plain) === f.activityId.toLowerCase())).toBe(true);
    const marker = mention();
    await tracker.first(marker, DEADLINE_MS);
    tracker.stop();
    expect(tracker.replies(plain)).toEqual([]);
    expect(world.emulator.messages(world.group).filter((m) => m.personId === world.botPerson.id && /couldn't answer/.test(m.markdown ?? ''))).toEqual([]);
  });

  it('200 commands while the socket is dropped 5 times, closed for good (1000 Done, 4000) and replays its buffer: each answered exactly once', async () => {
    const bot = await start();
    const tracker = new ReplyTracker(world.emulator, world.botPerson.id);
    const asked: string[] = [];
    const faults: Array<() => void> = [
      () => mercury().drop(),
      () => mercury().close(1000, 'Done'),
      () => mercury().drop(),
      () => mercury().close(4000, 'replaced'),
      () => mercury().drop(),
      () => {
        mercury().replayOnNextConnect();
        mercury().drop();
      },
      () => mercury().drop(),
      () => mercury().drop(),
    ];
    for (const fault of faults) {
      for (let i = 0; i < 20; i += 1) asked.push(mention());
      const before = socketsSoFar();
      fault();
      // Sent while the socket is down: only the catch-up can find these.
      for (let i = 0; i < 5; i += 1) asked.push(mention());
      await reconnected(before);
    }
    while (asked.length < 200) asked.push(mention());
    await waitUntil(() => asked.every((id) => tracker.replies(id).length > 0), 2 * DEADLINE_MS, () => `(${asked.filter((id) => tracker.replies(id).length > 0).length} of ${asked.length} answered)`);
    // Positive sign that the catch-up after the last reconnect is over: one started after it has finished.
    const lastBack = () => Math.max(...bot.logs().filter((l) => l.msg === 'websocket connected again').map((l) => Date.parse(String(l.time))));
    const caughtUp = () => bot.logs().some((l) => l.msg === 'catch-up done' && Date.parse(String(l.startedAt)) >= lastBack());
    await waitUntil(caughtUp, DEADLINE_MS, () => JSON.stringify(bot.logs().filter((l) => /websocket|catch-up/.test(String(l.msg)))));
    const last = mention();
    await tracker.first(last, DEADLINE_MS);
    tracker.stop();
    expect(asked).toHaveLength(200);
    expect(asked.filter((id) => tracker.replies(id).length !== 1)).toEqual([]);
    expect(mercury().frames.some((f) => f.replayed)).toBe(true);
    const metrics = await (await fetch(`${bot.url}/metrics`)).text();
    expect(metrics).toMatch(/recbot_socket_connected 1/);
    expect(Number(/recbot_socket_disconnects_total\{kind="transient"\} (\d+)/.exec(metrics)?.[1])).toBeGreaterThanOrEqual(5);
    expect(metrics).toMatch(/recbot_socket_disconnects_total\{kind="permanent"\} [1-9]/);
    expect(metrics).toMatch(/recbot_socket_disconnects_total\{kind="replaced"\} [1-9]/);
  }, 4 * DEADLINE_MS);

  it('SIGKILL with 30 in flight and 10 sent while down: after a restart all 40 answered, none twice', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'recbot-ws-kill-'));
    const port = String(await freePort());
    let bot = await start({ PORT: port }, dataDir);
    const tracker = new ReplyTracker(world.emulator, world.botPerson.id);
    const warm = mention();
    await tracker.first(warm, DEADLINE_MS);
    // Webex is slow to answer the bot's reads: the 30 are stored, none answered, at the kill.
    world.emulator.faults.add({ method: 'GET', path: /^\/v1\/messages\/[^/?]+$/, delayMs: 30_000 });
    const inFlight = Array.from({ length: 30 }, () => mention());
    const keys = inFlight.map((id) => `messages:created:${idCore(id)}`);
    const stored = () => {
      const db = new Database(join(dataDir, 'bot.sqlite'), { readonly: true, fileMustExist: true });
      try {
        return new Set((db.prepare('SELECT event_key FROM inbox_events').all() as Array<{ event_key: string }>).map((r) => r.event_key));
      } finally {
        db.close();
      }
    };
    await waitUntil(() => keys.every((k) => stored().has(k)), DEADLINE_MS);
    expect(await bot.stop('SIGKILL')).toBeNull();
    world.emulator.faults.clear();
    const whileDown = Array.from({ length: 10 }, () => mention());
    bot = await start({ PORT: port }, dataDir);
    const all = [...inFlight, ...whileDown];
    await waitUntil(() => all.every((id) => tracker.replies(id).length > 0), 2 * DEADLINE_MS, () => `(${all.filter((id) => tracker.replies(id).length > 0).length} of 40)`);
    await bot.waitForLog((l) => l.msg === 'catch-up done', DEADLINE_MS);
    const last = mention();
    await tracker.first(last, DEADLINE_MS);
    tracker.stop();
    expect(all.filter((id) => tracker.replies(id).length !== 1)).toEqual([]);
  }, 4 * DEADLINE_MS);

  it('a card click made while the socket is down is not read back; the same card answers the next click', async () => {
    const bot = await start();
    const clicks = async () => {
      const text = await fetch(`${bot.url}/metrics`).then((r) => r.text());
      return [...text.matchAll(/^recbot_commands_total\{command="click",outcome="[^"]*"\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
    };
    const card = world.emulator.waitForMessage((m) => m.roomId === world.aliceDirect && m.personId === world.botPerson.id && Boolean(m.attachments?.length), DEADLINE_MS);
    world.emulator.say({ as: world.alice.id, roomId: world.aliceDirect, text: 'help' });
    const cardId = (await card).id;
    const before = socketsSoFar();
    mercury().refuseSockets();
    mercury().drop();
    await waitUntil(async () => (await fetch(`${bot.url}/readyz`)).status === 503, DEADLINE_MS);
    world.emulator.click({ as: world.alice.id, messageId: cardId, inputs: { action: 'help' } });
    mercury().clearFaults();
    await reconnected(before);
    await bot.waitForLog((l) => l.msg === 'catch-up done', DEADLINE_MS);
    expect(await clicks()).toBe(0);
    world.emulator.click({ as: world.alice.id, messageId: cardId, inputs: { action: 'help' } });
    await waitUntil(async () => (await clicks()) === 1, DEADLINE_MS);
  });

  it('10 messages in 10 spaces the bot has never seen, at once: 10 answers', async () => {
    await start();
    const rooms = Array.from({ length: 10 }, (_, i) => {
      const person = world.emulator.addPerson({ email: `new${i}@example.com`, displayName: `New ${i}` });
      return { person, room: world.emulator.createDirectRoom(person.id, world.botPerson.id).id };
    });
    const answered = rooms.map(({ room }) => world.emulator.waitForMessage((m) => m.roomId === room && m.personId === world.botPerson.id, DEADLINE_MS));
    for (const { person, room } of rooms) world.emulator.say({ as: person.id, roomId: room, text: 'help' });
    await expect(Promise.all(answered)).resolves.toHaveLength(10);
  });

  it('two instances on Postgres, each with its own device and both receiving every message: each answered once', async () => {
    const db = await createTestDatabase('recbot_ws');
    try {
      const env = { DATABASE_URL: db.url, TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') };
      await Promise.all([start(env), start(env)]);
      await waitUntil(() => openSockets().length === 2, DEADLINE_MS);
      expect(new Set(openSockets().map((s) => s.deviceId)).size).toBe(2);
      const tracker = new ReplyTracker(world.emulator, world.botPerson.id);
      const asked = Array.from({ length: 20 }, () => mention());
      await waitUntil(() => asked.every((id) => tracker.replies(id).length > 0), DEADLINE_MS);
      // Every frame went to both devices.
      for (const id of asked.slice(0, 3)) {
        expect(new Set(mercury().frames.filter((f) => f.activityId && idCore(id) === f.activityId.toLowerCase()).map((f) => f.deviceId)).size).toBe(2);
      }
      const last = mention();
      await tracker.first(last, DEADLINE_MS);
      tracker.stop();
      expect(asked.filter((id) => tracker.replies(id).length !== 1)).toEqual([]);
    } finally {
      for (const bot of bots.splice(0)) await bot.stop('SIGKILL');
      await db.drop();
    }
  }, 4 * DEADLINE_MS);

  it('/readyz answers 503 and the metric says 0 while the socket is down; a long outage exits 1', async () => {
    const bot = await start({ WEBSOCKET_GIVE_UP_MINUTES: '0.1' });
    expect((await fetch(`${bot.url}/readyz`)).status).toBe(200);
    mercury().refuseSockets();
    mercury().drop();
    await waitUntil(async () => (await fetch(`${bot.url}/readyz`)).status === 503, DEADLINE_MS);
    expect(await (await fetch(`${bot.url}/metrics`)).text()).toMatch(/recbot_socket_connected 0/);
    expect(bot.logs().some((l) => l.msg === 'websocket closed')).toBe(true);
    await waitUntil(() => bot.child.exitCode !== null, DEADLINE_MS);
    expect(bot.child.exitCode).toBe(1);
    expect(bot.logs().some((l) => l.msg === 'websocket could not reconnect; giving up')).toBe(true);
  }, 4 * DEADLINE_MS);

  it('SIGTERM: exit 0, the socket closed by the bot and its device deleted', async () => {
    const bot = await start();
    const socket = openSockets()[0]!;
    expect(await bot.stop('SIGTERM')).toBe(0);
    const record = mercury().sockets().find((s) => s.id === socket.id)!;
    expect(record).toMatchObject({ closedBy: 'client' });
    expect(mercury().devices({ personId: world.botPerson.id }).find((d) => d.id === socket.deviceId)?.deletedAt).toBeDefined();
  });

  it('devices left by a killed process are deleted at the next start', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'recbot-ws-devices-'));
    const killed = await start({}, dataDir);
    const leftover = openSockets()[0]!.deviceId;
    expect(await killed.stop('SIGKILL')).toBeNull();
    expect(liveDevices().map((d) => d.id)).toContain(leftover);
    // As if the process had been killed several minutes ago: its heartbeat is old.
    const db = new Database(join(dataDir, 'bot.sqlite'));
    db.prepare("UPDATE marks SET at = at - 600000 WHERE name LIKE 'device:%'").run();
    db.close();
    const bot = await start({}, dataDir);
    await bot.waitForLog((l) => l.msg === 'leftover websocket devices deleted', DEADLINE_MS);
    expect(liveDevices().map((d) => d.id)).not.toContain(leftover);
    expect(liveDevices().map((d) => d.id)).toContain(openSockets()[0]!.deviceId);
  });
});
