import Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Message, Person } from '../../src/webex/types';
import { CLIENT_SECRET, cardOf, nextBotMessage, openUrlsOf, type BotProcess } from './harness';
import { startWorld, type BotWorld } from './world';
import { escapeMarkdown } from '../../src/format';
import { seedRecording } from './fixtures';

/**
 * Account linking end to end: connect card → consent → callback, whoami,
 * refused callbacks, refresh, disconnect; what lands in the database and in the logs.
 */
describe('account linking (e2e)', () => {
  let world: BotWorld;
  let bot: BotProcess;

  beforeAll(async () => {
    // The refresh of an expired token is tested in-process (test/in-process/account.test.ts), on a clock the test moves.
    world = await startWorld({
      env: { LOG_LEVEL: 'trace' },
      prepare: (w) => w.emulator.addRecording(seedRecording({ ownerId: w.alice.id, ownerEmail: w.alice.emails[0]! })),
    });
    bot = world.bot;
  });

  afterAll(async () => {
    await world?.close();
  });

  async function askForConnectCard(person: Person, roomId: string): Promise<string> {
    const reply = nextBotMessage(world, roomId, (m) => Boolean(m.attachments?.length));
    world.emulator.say({ as: person.id, roomId, text: 'connect' });
    const urls = openUrlsOf(cardOf(await reply));
    const authorize = urls.find((u) => u.startsWith(`${world.emulator.apiUrl}/authorize`));
    if (!authorize) throw new Error(`no sign-in button in ${JSON.stringify(urls)}`);
    return authorize;
  }

  async function whoami(person: Person, roomId: string): Promise<Message> {
    const reply = nextBotMessage(world, roomId);
    world.emulator.say({ as: person.id, roomId, text: 'whoami' });
    return reply;
  }

  function rowsMentioning(value: string): number {
    const db = new Database(join(bot.dataDir, 'bot.sqlite'), { readonly: true, fileMustExist: true });
    try {
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>;
      let count = 0;
      for (const { name } of tables) {
        const rows = db.prepare(`SELECT * FROM "${name}"`).all() as Array<Record<string, unknown>>;
        count += rows.filter((row) => JSON.stringify(row).includes(value)).length;
      }
      return count;
    } finally {
      db.close();
    }
  }

  function databaseBytes(): string {
    const base = join(bot.dataDir, 'bot.sqlite');
    return [base, `${base}-wal`, `${base}-journal`].filter(existsSync).map((f) => readFileSync(f).toString('latin1')).join('');
  }

  it('links an account through the consent page; whoami shows email and scopes', async () => {
    const authorize = await askForConnectCard(world.alice, world.aliceDirect);
    const redirect = world.emulator.authorizeAs(authorize, world.alice.id);
    const code = new URL(redirect).searchParams.get('code')!;
    const connected = nextBotMessage(world, world.aliceDirect, (m) => /connected/i.test(m.markdown ?? m.text ?? ''));
    const page = await fetch(redirect);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('alice@example.com');
    await connected;

    const me = await whoami(world.alice, world.aliceDirect);
    expect(me.markdown).toContain(escapeMarkdown('alice@example.com'));
    expect(me.markdown).toContain('spark:recordings_read');
    expect(me.markdown).toContain('Asia/Singapore');

    // Reusing the same callback (state and code) is refused and changes nothing.
    const again = await fetch(redirect);
    expect(again.status).toBe(400);

    // No token, code or secret in the database file or in the logs.
    const issued = world.emulator.issuedTokens(world.alice.id);
    expect(issued.length).toBeGreaterThanOrEqual(2);
    const bytes = databaseBytes();
    const logs = bot.lines.join('\n');
    for (const secret of [...issued, code, CLIENT_SECRET, world.botToken]) {
      expect(bytes.includes(secret)).toBe(false);
      expect(logs.includes(secret)).toBe(false);
    }
    expect(logs).not.toMatch(/bearer\s+\S{8,}/i);
    expect(logs).not.toMatch(/authorization/i);
  });

  it('refuses a sign-in completed by a different person, and stores nothing', async () => {
    const authorize = await askForConnectCard(world.bob, world.bobDirect);
    const redirect = world.emulator.authorizeAs(authorize, world.alice.id);
    const page = await fetch(redirect);
    expect(page.status).toBe(403);
    expect(await page.text()).toMatch(/different Webex account/);
    expect(rowsMentioning(world.bob.id)).toBe(0);
    const me = await whoami(world.bob, world.bobDirect);
    expect(me.markdown).toMatch(/not linked/);
  });

  it('refuses an unknown state and a declined consent', async () => {
    const unknown = await fetch(`${bot.url}/oauth/callback?code=abc&state=never-issued`);
    expect(unknown.status).toBe(400);
    const authorize = await askForConnectCard(world.bob, world.bobDirect);
    const declined = await fetch(world.emulator.authorizeAs(authorize, world.bob.id, 'decline'));
    expect(declined.status).toBe(400);
    expect(rowsMentioning(world.bob.id)).toBe(0);
  });

  it('asks to connect again when the refresh is refused', async () => {
    world.emulator.revokeRefreshTokens(world.alice.id);
    world.emulator.expireAccessTokens(world.alice.id);
    const reply = nextBotMessage(world, world.aliceDirect, (m) => Boolean(m.attachments?.length));
    world.emulator.say({ as: world.alice.id, roomId: world.aliceDirect, text: 'recording 62807eaf-0c89-492e-a3c3-c4751812603b' });
    const urls = openUrlsOf(cardOf(await reply));
    expect(urls.some((u) => u.startsWith(`${world.emulator.apiUrl}/authorize`))).toBe(true);
    const me = await whoami(world.alice, world.aliceDirect);
    expect(me.markdown).toMatch(/not linked/);
  });

  it('disconnect removes every trace of the person', async () => {
    const authorize = await askForConnectCard(world.alice, world.aliceDirect);
    // The pending request from the previous test is answered once Alice is back.
    const answered = nextBotMessage(world, world.aliceDirect, (m) => JSON.stringify(m.attachments ?? []).includes('call with default'));
    await fetch(world.emulator.authorizeAs(authorize, world.alice.id));
    await answered;
    const tz = nextBotMessage(world, world.aliceDirect);
    world.emulator.say({ as: world.alice.id, roomId: world.aliceDirect, text: 'timezone Europe/Berlin' });
    await tz;
    expect(rowsMentioning(world.alice.id)).toBeGreaterThan(0);

    const reply = nextBotMessage(world, world.aliceDirect);
    world.emulator.say({ as: world.alice.id, roomId: world.aliceDirect, text: 'disconnect' });
    expect((await reply).markdown).toMatch(/deleted/);
    expect(rowsMentioning(world.alice.id)).toBe(0);
  });
});
