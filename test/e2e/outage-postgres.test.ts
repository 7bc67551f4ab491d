import { idCore } from '../../src/transport/envelope';
import { DEADLINE_MS } from '../support/waiting';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { TcpProxy } from '../support/tcp-proxy';
import { createWorld, startBotProcess, type BotProcess, type World } from './harness';
import { createTestDatabase, ReplyTracker, waitUntil, expectEachAnsweredOnce } from './scale-traffic';

/**
 * Postgres going away under the bot (built, started as in production), through a TCP proxy of
 * the test's own (the shared server is never stopped): connections stalled, then reset, then
 * refused, then back. Commands are @mentions in a group space (every reply is threaded).
 */
describe('Postgres outage (e2e)', () => {
  let world: World;
  let db: { url: string; drop(): Promise<void> };
  let proxy: TcpProxy;
  let bot: BotProcess;

  beforeAll(async () => {
    world = await createWorld();
    db = await createTestDatabase('recbot_outage');
    const target = new URL(db.url);
    proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    const viaProxy = new URL(db.url);
    viaProxy.port = String(await proxy.start());
    bot = await startBotProcess(world.emulator, world.botToken, { DATABASE_URL: viaProxy.toString(), COMMANDS_PER_MINUTE: '0', TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'), ...(process.env.OUTAGE_LOG ? { LOG_LEVEL: 'debug' } : {}) });
  });

  afterAll(async () => {
    if (process.env.OUTAGE_LOG) require('node:fs').writeFileSync(process.env.OUTAGE_LOG, (bot?.lines ?? []).join('\n'));
    await bot?.stop('SIGKILL');
    await proxy?.stop();
    await db?.drop();
    await world?.emulator.close();
  });

  async function storedKeys(keys: string[]): Promise<Record<string, string>> {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ event_key: string; status: string }>('SELECT event_key, status FROM inbox_events WHERE event_key = ANY($1)', [keys]);
      return Object.fromEntries(rows.map((r) => [r.event_key, r.status]));
    } finally {
      await client.end();
    }
  }

  it('stalled, reset and refused for a while: the process stays up, every webhook answered 2xx is stored, the others get 503 and are read back once the store is back: each command answered once', async () => {
    const tracker = new ReplyTracker(world.emulator, world.botPerson.id);
    const say = () => world.emulator.say({ as: world.alice.id, roomId: world.group, text: 'help', mentionBot: true }).id;
    const deliveredOf = (ids: string[]) => world.emulator.deliveries.filter((d) => d.resource === 'messages' && ids.includes(d.dataId));
    const asked: string[] = [];
    const sayMany = (n: number) => Array.from({ length: n }, () => say());

    const before = sayMany(20);
    asked.push(...before);
    await waitUntil(() => before.every((id) => tracker.replies(id).length > 0), DEADLINE_MS);

    // Stalled: the bot's connections are open but nothing answers; commands arrive meanwhile.
    proxy.silence();
    const stalled = sayMany(10);
    asked.push(...stalled);
    // The stalled deliveries are waiting on the bot (none has been answered yet).
    expect(deliveredOf(stalled)).toEqual([]);
    // Then reset, and refused for a while.
    proxy.reset();
    const refused = sayMany(10);
    asked.push(...refused);
    await waitUntil(() => deliveredOf([...stalled, ...refused]).length === 20, DEADLINE_MS, () => `(${deliveredOf([...stalled, ...refused]).length} of 20 delivered)`);
    const ready = await fetch(`${bot.url}/readyz`);
    expect(ready.status).toBe(503);
    proxy.heal();
    // Positive sign that the bot sees the database again.
    await waitUntil(() => fetch(`${bot.url}/readyz`).then((r) => r.status === 200), DEADLINE_MS);

    const after = sayMany(20);
    asked.push(...after);
    await waitUntil(() => after.every((id) => tracker.replies(id).length > 0), DEADLINE_MS, () => `(${after.filter((id) => tracker.replies(id).length > 0).length} of 20 after; deliveries ${JSON.stringify(deliveredOf(after).map((d) => [d.status, d.error]))})`);
    await waitUntil(() => deliveredOf(asked).length === asked.length, DEADLINE_MS);

    const deliveries = deliveredOf(asked);
    const answered2xx = new Set(deliveries.filter((d) => d.status >= 200 && d.status < 300).map((d) => d.dataId));
    const keyOf = (id: string) => `messages:created:${idCore(id)}`;
    // What was answered 503 is read back by the catch-up once the store is back: every command is answered.
    await waitUntil(() => asked.every((id) => tracker.replies(id).length > 0), 2 * DEADLINE_MS, () => `(${asked.filter((id) => tracker.replies(id).length > 0).length} of ${asked.length} answered)`);
    // Every event stored is finished (positive sign that the inbox has caught up).
    await waitUntil(async () => Object.values(await storedKeys(asked.map(keyOf))).every((s) => s === 'done'), DEADLINE_MS);
    const storedNow = await storedKeys(asked.map(keyOf));
    const stored = new Set(asked.filter((id) => keyOf(id) in storedNow));
    const replies = asked.reduce((n, id) => n + tracker.replies(id).length, 0);
    const counts = { asked: asked.length, answered2xx: answered2xx.size, readBack: asked.length - answered2xx.size, stored: stored.size, replies };
    process.stdout.write(`postgres outage e2e: ${JSON.stringify(counts)}\n`);

    expect(bot.child.exitCode).toBeNull();
    expect(bot.logs().filter((l) => l.msg === 'uncaughtException' || String(l.msg ?? '').includes('uncaught'))).toEqual([]);
    expect(answered2xx.size).toBeLessThan(asked.length);
    expectEachAnsweredOnce(asked, answered2xx, stored, tracker);
    await bot.waitForLog((l) => l.msg === 'catch-up done' && Number(l.missed) > 0, DEADLINE_MS);
    // What was not acknowledged was answered "try again later", never as a failure of the bot.
    const statuses = deliveries.filter((d) => d.status >= 300).map((d) => d.status);
    process.stdout.write(`postgres outage e2e, answers not 2xx: ${JSON.stringify(statuses)}; timed out or cut: ${deliveries.filter((d) => !d.status).length}\n`);
    expect(statuses.filter((status) => status !== 503)).toEqual([]);
    await expect(fetch(`${bot.url}/readyz`).then((r) => r.status)).resolves.toBe(200);
    tracker.stop();
  }, 180_000);

  it('silent (a partition, nothing answers) with commands in flight: no apology on top of an answer, every 2xx stored, the rest read back: each command answered once', async () => {
    const tracker = new ReplyTracker(world.emulator, world.botPerson.id);
    const say = () => world.emulator.say({ as: world.bob.id, roomId: world.group, text: 'help', mentionBot: true }).id;
    const deliveredOf = (ids: string[]) => world.emulator.deliveries.filter((d) => d.resource === 'messages' && ids.includes(d.dataId));
    const failedAccepts = () => bot.logs().filter((l) => l.msg === 'webhook not stored: the database is unavailable').length;
    const failedBefore = failedAccepts();
    // In flight: stored and being answered when the database goes silent.
    const asked = Array.from({ length: 20 }, say);
    await waitUntil(() => deliveredOf(asked).length >= 5, DEADLINE_MS);
    proxy.silence();
    const silent = Array.from({ length: 3 }, say);
    asked.push(...silent);
    await waitUntil(() => deliveredOf(asked).length === asked.length, 2 * DEADLINE_MS, () => `(${deliveredOf(asked).length} of ${asked.length} delivered)`);
    // Every webhook the bot could not store has been answered so (its query timed out) before the network comes back.
    const not2xx = deliveredOf(asked).filter((d) => d.status < 200 || d.status >= 300).length;
    await waitUntil(() => failedAccepts() - failedBefore >= not2xx, DEADLINE_MS);
    proxy.heal();
    await waitUntil(() => fetch(`${bot.url}/readyz`).then((r) => r.status === 200), DEADLINE_MS);
    const after = Array.from({ length: 5 }, say);
    asked.push(...after);
    await waitUntil(() => after.every((id) => tracker.replies(id).length > 0), 2 * DEADLINE_MS);
    await waitUntil(() => deliveredOf(asked).length === asked.length, DEADLINE_MS);
    await waitUntil(() => asked.every((id) => tracker.replies(id).length > 0), 2 * DEADLINE_MS, () => `(${asked.filter((id) => tracker.replies(id).length > 0).length} of ${asked.length} answered)`);
    const keyOf = (id: string) => `messages:created:${idCore(id)}`;
    await waitUntil(async () => Object.values(await storedKeys(asked.map(keyOf))).every((s) => s === 'done'), 2 * DEADLINE_MS);
    const answered2xx = new Set(deliveredOf(asked).filter((d) => d.status >= 200 && d.status < 300).map((d) => d.dataId));
    const storedNow = await storedKeys(asked.map(keyOf));
    const stored = new Set(asked.filter((id) => keyOf(id) in storedNow));
    const replies = asked.reduce((n, id) => n + tracker.replies(id).length, 0);
    process.stdout.write(`postgres silent e2e: ${JSON.stringify({ asked: asked.length, answered2xx: answered2xx.size, stored: stored.size, replies })}\n`);
    expect(bot.child.exitCode).toBeNull();
    // (A statement whose answer the silence swallowed may have reached the server before the bot
    // gave up on it: such an event is stored, answered non-2xx, and still answered once.)
    expectEachAnsweredOnce(asked, answered2xx, stored, tracker);
    tracker.stop();
  }, 300_000);
});
