import { sqliteInboxStatuses } from '../support/inbox-rows';
import { DEADLINE_MS } from '../support/waiting';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, rmdirSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWorld, startBotProcess, type BotProcess, type World } from './harness';
import { ReplyTracker, waitUntil, expectEachAnsweredOnce } from './scale-traffic';

/** A small tmpfs of the test's own, when this machine lets it mount one (root in CI); else null. */
function mountSmallTmpfs(): string | null {
  const dir = mkdtempSync(join(tmpdir(), 'recbot-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', dir], { stdio: 'ignore' });
    return dir;
  } catch {
    rmdirSync(dir);
    return null;
  }
}

const mounted = mountSmallTmpfs();
const describeIfMounted = mounted ? describe : describe.skip;
if (!mounted) process.stdout.write('outage-disk-full: skipped, a tmpfs cannot be mounted here (needs root, or CAP_SYS_ADMIN)\n');

/** Fills the file system with one file until it is full. */
function fill(dir: string): string {
  const filler = join(dir, 'filler');
  const fd = openSync(filler, 'w');
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (;;) writeSync(fd, chunk);
  } catch {
    // ENOSPC: full.
  } finally {
    closeSync(fd);
  }
  return filler;
}

describeIfMounted('disk full under the SQLite file (e2e, on a small tmpfs)', () => {
  const dir = mounted!;
  let world: World;
  let bot: BotProcess;

  beforeAll(async () => {
    world = await createWorld();
    bot = await startBotProcess(world.emulator, world.botToken, {
      COMMANDS_PER_MINUTE: '0',
      DATABASE_URL: `sqlite:${join(dir, 'bot.sqlite')}`,
      TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    });
  });

  afterAll(async () => {
    await bot?.stop('SIGKILL');
    await world?.emulator.close();
    try {
      execFileSync('umount', [dir], { stdio: 'ignore' });
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // Left for the machine's cleanup.
    }
  });

  it('no reply on top of an answer, nothing acknowledged that is not stored, the refused ones read back once there is room: each command answered once', async () => {
    const tracker = new ReplyTracker(world.emulator, world.botPerson.id);
    const say = () => world.emulator.say({ as: world.alice.id, roomId: world.group, text: 'help', mentionBot: true }).id;
    const deliveredOf = (ids: string[]) => world.emulator.deliveries.filter((d) => d.resource === 'messages' && ids.includes(d.dataId));
    const asked = Array.from({ length: 10 }, say);
    await waitUntil(() => asked.every((id) => tracker.replies(id).length > 0), DEADLINE_MS);

    // Commands on their way (some stored, some being answered) when the disk fills up.
    asked.push(...Array.from({ length: 10 }, say));
    await waitUntil(() => deliveredOf(asked).length >= 13, DEADLINE_MS);
    const filler = fill(dir);
    const underFull = Array.from({ length: 10 }, say);
    asked.push(...underFull);
    await waitUntil(() => deliveredOf(underFull).length === underFull.length, DEADLINE_MS);
    unlinkSync(filler);

    const after = Array.from({ length: 10 }, say);
    asked.push(...after);
    await waitUntil(() => after.every((id) => tracker.replies(id).length > 0), DEADLINE_MS);
    await waitUntil(() => deliveredOf(asked).length === asked.length, DEADLINE_MS);
    await waitUntil(() => asked.every((id) => tracker.replies(id).length > 0), 2 * DEADLINE_MS, () => `(${asked.filter((id) => tracker.replies(id).length > 0).length} of ${asked.length} answered)`);
    const answered2xx = new Set(deliveredOf(asked).filter((d) => d.status >= 200 && d.status < 300).map((d) => d.dataId));
    const statusOf = () => sqliteInboxStatuses(join(dir, 'bot.sqlite'), asked);
    await waitUntil(() => [...statusOf().values()].every((s) => s === 'done'), DEADLINE_MS);
    const stored = new Set(statusOf().keys());
    const replies = asked.reduce((n, id) => n + tracker.replies(id).length, 0);
    process.stdout.write(`disk full e2e: ${JSON.stringify({ asked: asked.length, answered2xx: answered2xx.size, stored: stored.size, replies })}\n`);
    expect(bot.child.exitCode).toBeNull();
    expectEachAnsweredOnce(asked, answered2xx, stored, tracker);
    tracker.stop();
  }, 180_000);
});
