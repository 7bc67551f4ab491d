/**
 * Signed bodies that are not Webex events, sent to the built bot (its real store, SQLite): each
 * gets 400 and nothing of it reaches the inbox; one nested 100,000 levels deep is refused before
 * it is parsed (not a 500 from serialising it); the bot keeps answering afterwards.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { signBody } from '../../src/transport/signature';
import { cardOf, createWorld, nextBotMessage, startBotProcess, WEBHOOK_SECRET, type BotProcess, type World } from './harness';

describe('malformed webhook bodies (e2e)', () => {
  let world: World;
  let bot: BotProcess;

  beforeAll(async () => {
    world = await createWorld();
    bot = await startBotProcess(world.emulator, world.botToken);
  });

  afterAll(async () => {
    await bot?.stop();
    await world?.emulator.close();
  });

  const post = (body: string) =>
    fetch(`${bot.url}/webhooks/webex`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-spark-signature': signBody(WEBHOOK_SECRET, body) }, body });

  function storedEvents(): number {
    const db = new Database(join(bot.dataDir, 'bot.sqlite'), { readonly: true, fileMustExist: true });
    try {
      return (db.prepare('SELECT COUNT(*) AS n FROM inbox_events').get() as { n: number }).n;
    } finally {
      db.close();
    }
  }

  it('answers each with 400 and stores none of them; then still answers a real message', async () => {
    const event = { id: 'webhook-id', name: 'webex-recording-bot', resource: 'messages', event: 'created', data: { id: 'm-1', roomId: world.aliceDirect, roomType: 'direct', personId: world.alice.id } };
    const deep = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
    const bodies: Array<[string, string]> = [
      ['an empty object', '{}'],
      ['no data', JSON.stringify({ ...event, data: undefined })],
      ['data without id', JSON.stringify({ ...event, data: { roomId: world.aliceDirect } })],
      ['an object as data.id', JSON.stringify({ ...event, data: { ...event.data, id: { $gt: '' } } })],
      ['a number as data.id', JSON.stringify({ ...event, data: { ...event.data, id: 7 } })],
      ['an array as data.roomId', JSON.stringify({ ...event, data: { ...event.data, roomId: [world.aliceDirect] } })],
      ['objects nested 100,000 levels deep', `{"resource":"messages","event":"created","data":{"id":"m-2","x":${deep}}}`],
    ];
    const before = storedEvents();
    const statuses: string[] = [];
    for (const [name, body] of bodies) statuses.push(`${name}: ${(await post(body)).status}`);
    expect(statuses).toEqual(bodies.map(([name]) => `${name}: 400`));
    expect(storedEvents()).toBe(before);

    const reply = nextBotMessage(world, world.aliceDirect);
    world.emulator.say({ as: world.alice.id, roomId: world.aliceDirect, text: 'help' });
    expect(cardOf(await reply).type).toBe('AdaptiveCard');
    expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
  });
});
