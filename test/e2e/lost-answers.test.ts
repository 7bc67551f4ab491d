import { idCore } from '../../src/transport/envelope';
import { DEADLINE_MS } from '../support/waiting';
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Message } from '../../src/webex/types';
import { seedRecording } from './fixtures';
import { allTextOf, connectPerson, createWorld, freePort, startBotProcess, type BotProcess, type World } from './harness';
import { waitUntil } from './scale-traffic';

/**
 * A reply whose POST answer is lost: Webex posted it, then a 502 reached the bot. The event is
 * retried; in a 1:1 space the retry finds the reply among the bot's messages there and posts
 * nothing more. In a group space Webex lets a bot list only messages that mention it, so the
 * retry cannot look: the reply comes twice (README, "Operating properties"), and the bot never
 * asks Webex for a listing it refuses.
 */
describe('lost POST answers (e2e, webhook mode, the emulator with Webex\'s listing rule)', () => {
  let world: World;
  let bot: BotProcess;
  const file = join(mkdtempSync(join(tmpdir(), 'recbot-lost-')), 'bot.sqlite');

  beforeAll(async () => {
    world = await createWorld();
    world.emulator.addRecording(seedRecording({ id: 'lost-card', topic: 'Lost card topic', ownerId: world.alice.id, ownerEmail: 'alice@example.com' }));
    world.emulator.addRecording(seedRecording({ id: 'lost-group', topic: 'Lost group topic', ownerId: world.alice.id, ownerEmail: 'alice@example.com' }));
    bot = await startBotProcess(world.emulator, world.botToken, {
      DATABASE_URL: `sqlite:${file}`,
      PORT: String(await freePort()),
      TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      COMMANDS_PER_MINUTE: '0',
    });
    await connectPerson(world, world.alice, world.aliceDirect);
  });

  afterAll(async () => {
    await bot?.stop('SIGKILL');
    await world?.emulator.close();
  });

  afterEach(() => world.emulator.faults.clear());

  /** The inbox row of a message's event, read from the bot's database file. */
  function eventOf(messageId: string): { status: string; attempts: number } | undefined {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return db.prepare('SELECT status, attempts FROM inbox_events WHERE event_key = ?').get(`messages:created:${idCore(messageId)}`) as { status: string; attempts: number } | undefined;
    } finally {
      db.close();
    }
  }
  const finished = (messageId: string) => waitUntil(() => eventOf(messageId)?.status === 'done', DEADLINE_MS, () => `(event: ${JSON.stringify(eventOf(messageId))})`);
  const botPosts = (roomId: string, after: string): Message[] => {
    const all = world.emulator.messages(roomId);
    const from = all.findIndex((m) => m.id === after);
    return all.slice(from + 1).filter((m) => m.personId === world.botPerson.id);
  };
  const loseNextPost = () => world.emulator.faults.add({ method: 'POST', path: '/messages', status: 502, afterHandling: true, times: 1 });

  it('1:1, a card: posted once, the retry finds it', async () => {
    loseNextPost();
    const asked = world.emulator.say({ as: world.alice.id, roomId: world.aliceDirect, text: 'recording lost-card' });
    await finished(asked.id);
    expect(eventOf(asked.id)!.attempts).toBe(2);
    const cards = botPosts(world.aliceDirect, asked.id).filter((m) => (m.attachments?.length ?? 0) > 0);
    expect(cards).toHaveLength(1);
    expect(allTextOf(cards[0]!)).toContain('Lost card topic');
  });

  it('1:1, a text answer: posted once, the retry finds it', async () => {
    loseNextPost();
    const asked = world.emulator.say({ as: world.alice.id, roomId: world.aliceDirect, text: 'timezone Europe/Paris' });
    await finished(asked.id);
    expect(eventOf(asked.id)!.attempts).toBe(2);
    expect(botPosts(world.aliceDirect, asked.id).map((m) => m.markdown ?? m.text)).toEqual([expect.stringContaining('Europe/Paris')]);
  });

  it('group thread: the reply comes twice (README, "Operating properties"), nothing else, and no listing Webex refuses', async () => {
    loseNextPost();
    const asked = world.emulator.say({ as: world.alice.id, roomId: world.group, text: 'recording lost-group', mentionBot: true });
    await finished(asked.id);
    expect(eventOf(asked.id)!.attempts).toBe(2);
    const replies = botPosts(world.group, asked.id);
    expect(replies).toHaveLength(2);
    for (const reply of replies) {
      expect(reply.parentId).toBe(asked.id);
      expect(allTextOf(reply)).toContain('Lost group topic');
    }
    const refused = world.emulator.calls.filter((c) => c.method === 'GET' && c.path.startsWith('/v1/messages?') && c.status === 403);
    expect(refused).toEqual([]);
  });
});
