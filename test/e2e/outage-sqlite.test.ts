import { sqliteInboxStatuses } from '../support/inbox-rows';
import { DEADLINE_MS } from '../support/waiting';
import { join } from 'node:path';
import { lockHolder } from '../support/sqlite-lock';
import { createWorld, startBotProcess, type BotProcess, type World } from './harness';
import { ReplyTracker, waitUntil, expectEachAnsweredOnce } from './scale-traffic';

/**
 * The built bot on SQLite while another process holds the file's write lock (`BEGIN EXCLUSIVE`):
 * health and metrics keep answering, webhooks that cannot be stored are not acknowledged, and
 * work resumes by itself once the lock is gone. OUTAGE_LOCK_MS holds the lock at least that long
 * (for the figures in the README); by default it is released as soon as the commands sent under
 * it have been answered by the bot.
 */
describe('SQLite locked by another process (e2e)', () => {
  let world: World;
  let bot: BotProcess;

  beforeAll(async () => {
    world = await createWorld();
    bot = await startBotProcess(world.emulator, world.botToken, { COMMANDS_PER_MINUTE: '0' });
  });

  afterAll(async () => {
    await bot?.stop('SIGKILL');
    await world?.emulator.close();
  });

  it('health and metrics answer during the lock; every webhook answered 2xx is stored, the refused ones are read back: each command answered once', async () => {
    const file = join(bot.dataDir, 'bot.sqlite');
    const tracker = new ReplyTracker(world.emulator, world.botPerson.id);
    const say = () => world.emulator.say({ as: world.alice.id, roomId: world.group, text: 'help', mentionBot: true }).id;
    const deliveredOf = (ids: string[]) => world.emulator.deliveries.filter((d) => d.resource === 'messages' && ids.includes(d.dataId));
    const asked = Array.from({ length: 10 }, say);
    await waitUntil(() => asked.every((id) => tracker.replies(id).length > 0), DEADLINE_MS);

    const holder = lockHolder(file);
    await holder.locked;
    const lockedAt = Date.now();
    const under = Array.from({ length: 5 }, say);
    asked.push(...under);
    // Health answers while the lock is held (the holder has not been told to let go).
    const health: number[] = [];
    const minimum = Number(process.env.OUTAGE_LOCK_MS ?? 0);
    while (deliveredOf(under).length < under.length || Date.now() - lockedAt < minimum) {
      const started = Date.now();
      const [h, m] = await Promise.all([fetch(`${bot.url}/healthz`), fetch(`${bot.url}/metrics`)]);
      health.push(Date.now() - started);
      expect([h.status, m.status]).toEqual([200, 200]);
      await new Promise((r) => setTimeout(r, 50));
    }
    const readyUnderLock = (await fetch(`${bot.url}/readyz`)).status;
    await holder.release();
    const heldMs = Date.now() - lockedAt;

    const after = Array.from({ length: 10 }, say);
    asked.push(...after);
    await waitUntil(() => after.every((id) => tracker.replies(id).length > 0), DEADLINE_MS);
    await waitUntil(() => deliveredOf(asked).length === asked.length, DEADLINE_MS);
    await waitUntil(() => asked.every((id) => tracker.replies(id).length > 0), 2 * DEADLINE_MS, () => `(${asked.filter((id) => tracker.replies(id).length > 0).length} of ${asked.length} answered)`);
    const answered2xx = new Set(deliveredOf(asked).filter((d) => d.status >= 200 && d.status < 300).map((d) => d.dataId));
    const statusOf = () => sqliteInboxStatuses(file, asked);
    await waitUntil(() => [...statusOf().values()].every((s) => s === 'done'), DEADLINE_MS);
    const stored = new Set(statusOf().keys());
    const replies = asked.reduce((n, id) => n + tracker.replies(id).length, 0);
    const sorted = [...health].sort((a, b) => a - b);
    process.stdout.write(
      `sqlite lock e2e: ${JSON.stringify({ heldMs, asked: asked.length, answered2xx: answered2xx.size, stored: stored.size, replies, healthChecks: health.length, healthMaxMs: sorted.at(-1), healthP50Ms: sorted[Math.floor(sorted.length / 2)], readyUnderLock })}\n`,
    );
    expect(readyUnderLock).toBe(503);
    expect(bot.child.exitCode).toBeNull();
    expectEachAnsweredOnce(asked, answered2xx, stored, tracker);
    tracker.stop();
  }, 180_000);
});
