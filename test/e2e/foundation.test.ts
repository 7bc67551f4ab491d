import { spawnSync } from 'node:child_process';
import { DEADLINE_MS } from '../support/waiting';
import { BOT_ENTRY, cardOf, createWorld, nextBotMessage, startBotProcess, TRANSPORTS, WEBHOOK_SECRET, type BotProcess, type World } from './harness';
import { signBody } from '../../src/transport/signature';

/**
 * The foundation end to end: the built bot with the real framework, in both modes (webhooks,
 * and the websocket), against the local Webex emulator. Signatures and webhook registration
 * are webhook mode's alone.
 */
describe.each(TRANSPORTS)('foundation (e2e, %s mode)', (transport) => {
  let world: World;
  let bot: BotProcess;
  const webhookOnly = transport === 'webhook' ? it : it.skip;

  beforeAll(async () => {
    world = await createWorld();
    bot = await startBotProcess(world.emulator, world.botToken, {}, { transport });
  });

  afterAll(async () => {
    await bot?.stop();
    await world?.emulator.close();
  });

  it('answers help in a 1:1 space with the help card', async () => {
    const reply = nextBotMessage(world, world.aliceDirect);
    world.emulator.say({ as: world.alice.id, roomId: world.aliceDirect, text: 'help' });
    const message = await reply;
    const card = cardOf(message);
    expect(card.type).toBe('AdaptiveCard');
    expect(JSON.stringify(card)).toContain('recording');
    expect(message.markdown).toEqual(expect.stringContaining('recording'));
  });

  it('answers unknown text in a 1:1 space politely, with a one-line hint card', async () => {
    const reply = nextBotMessage(world, world.aliceDirect);
    world.emulator.say({ as: world.alice.id, roomId: world.aliceDirect, text: 'what can you do?' });
    const message = await reply;
    expect(message.markdown).toMatch(/didn't understand/i);
    expect(cardOf(message).type).toBe('AdaptiveCard');
  });

  it('ignores a group message that does not mention it, and answers one that does', async () => {
    const botReplies = () => world.emulator.messages(world.group).filter((m) => m.personId === world.botPerson.id);
    const before = botReplies().length;
    const unmentioned = world.emulator.say({ as: world.alice.id, roomId: world.group, text: 'help' });

    // The mentioned message, sent after, is answered; by then nothing reached the bot for the first.
    const reply = nextBotMessage(world, world.group);
    const asked = world.emulator.say({ as: world.alice.id, roomId: world.group, text: 'help', mentionBot: true });
    const message = await reply;
    if (transport === 'webhook') {
      expect(world.emulator.deliveries.some((d) => d.dataId === asked.id)).toBe(true);
      expect(world.emulator.deliveries.some((d) => d.dataId === unmentioned.id)).toBe(false);
    }
    expect(world.emulator.calls.some((c) => c.path.startsWith(`/v1/messages/${unmentioned.id}`))).toBe(false);
    expect(botReplies()).toHaveLength(before + 1);
    expect(cardOf(message).type).toBe('AdaptiveCard');
    expect(message.parentId).toBe(asked.id);
  });

  webhookOnly('refuses a forged or missing signature with 401 and processes nothing', async () => {
    // Pause the bot's webhooks so that Webex does not deliver the next message itself.
    const api = (path: string, init: RequestInit = {}) =>
      fetch(`${world.emulator.apiUrl}${path}`, { ...init, headers: { authorization: `Bearer ${world.botToken}`, 'content-type': 'application/json' } });
    const hooks = ((await (await api('/webhooks')).json()) as { items: Array<{ id: string; name: string; targetUrl: string }> }).items
      .filter((w) => w.targetUrl === `${bot.url}/webhooks/webex`);
    const setStatus = async (status: string) => {
      for (const w of hooks) {
        const answer = await api(`/webhooks/${w.id}`, { method: 'PUT', body: JSON.stringify({ name: w.name, targetUrl: w.targetUrl, status }) });
        expect(answer.status).toBe(200);
      }
    };
    await setStatus('inactive');
    const message = world.emulator.say({ as: world.alice.id, roomId: world.aliceDirect, text: 'help' });
    const later = world.emulator.say({ as: world.alice.id, roomId: world.aliceDirect, text: 'help' });
    await world.emulator.idle();
    await setStatus('active');

    const envelopeOf = (id: string) => JSON.stringify({
      id: 'webhook-id', name: 'webex-recording-bot', resource: 'messages', event: 'created', targetUrl: `${bot.url}/webhooks/webex`,
      data: { id, roomId: world.aliceDirect, roomType: 'direct', personId: world.alice.id },
    });
    const envelope = envelopeOf(message.id);
    const send = (headers: Record<string, string>, body = envelope) =>
      fetch(`${bot.url}/webhooks/webex`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const botMessages = () => world.emulator.messages(world.aliceDirect).filter((m) => m.personId === world.botPerson.id).length;
    const fetched = (id: string) => world.emulator.calls.some((c) => c.method === 'GET' && c.path.startsWith(`/v1/messages/${id}`));
    const before = botMessages();
    expect((await send({})).status).toBe(401);
    expect((await send({ 'x-spark-signature': signBody('wrong-secret', envelope) })).status).toBe(401);
    expect((await send({ 'x-spark-signature': signBody(WEBHOOK_SECRET, `${envelope} `) })).status).toBe(401);

    // A correctly signed event sent after the refusals is answered, and the refused one was never read.
    const laterReply = nextBotMessage(world, world.aliceDirect);
    const laterEnvelope = envelopeOf(later.id);
    expect((await send({ 'x-spark-signature': signBody(WEBHOOK_SECRET, laterEnvelope) }, laterEnvelope)).status).toBe(200);
    expect(cardOf(await laterReply).type).toBe('AdaptiveCard');
    expect(fetched(later.id)).toBe(true);
    expect(fetched(message.id)).toBe(false);
    expect(botMessages()).toBe(before + 1);

    // The refused envelope, correctly signed, is processed (it was not taken as seen): the refusals were the signature's doing.
    const reply = nextBotMessage(world, world.aliceDirect);
    expect((await send({ 'x-spark-signature': signBody(WEBHOOK_SECRET, envelope) })).status).toBe(200);
    expect(cardOf(await reply).type).toBe('AdaptiveCard');
  });

  it('answers every message of a burst in a space it has never seen (three at once: three answers)', async () => {
    const room = world.emulator.createGroupRoom(`Burst ${transport}`, [world.alice.id, world.bob.id, world.botPerson.id]).id;
    const asked = [world.alice.id, world.bob.id, world.alice.id].map((as) => world.emulator.say({ as, roomId: room, text: 'help', mentionBot: true }).id);
    const replies = asked.map((id) => world.emulator.waitForMessage((m) => m.roomId === room && m.personId === world.botPerson.id && m.parentId === id, DEADLINE_MS));
    await expect(Promise.all(replies)).resolves.toHaveLength(3);
  });

  it('serves health and readiness', async () => {
    expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${bot.url}/readyz`)).status).toBe(200);
  });

  webhookOnly('keeps one webhook per resource across restarts and never deletes a foreign one', async () => {
    const foreign = await fetch(`${world.emulator.apiUrl}/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${world.botToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'someone else', targetUrl: 'http://127.0.0.1:9/elsewhere', resource: 'messages', event: 'created' }),
    }).then((r) => r.json() as Promise<{ id: string }>);

    expect(await bot.stop()).toBe(0);
    bot = await startBotProcess(world.emulator, world.botToken, { PUBLIC_URL: bot.url, PORT: String(bot.port) });

    const list = await fetch(`${world.emulator.apiUrl}/webhooks`, { headers: { authorization: `Bearer ${world.botToken}` } })
      .then((r) => r.json() as Promise<{ items: Array<{ id: string; targetUrl: string; resource: string; event: string }> }>);
    const ours = list.items.filter((w) => w.targetUrl === `${bot.url}/webhooks/webex`);
    expect(ours.map((w) => `${w.resource}/${w.event}`).sort()).toEqual(['all/all', 'attachmentActions/created']);
    expect(list.items.map((w) => w.id)).toContain(foreign.id);

    // And the restarted bot still answers.
    const reply = nextBotMessage(world, world.aliceDirect);
    world.emulator.say({ as: world.alice.id, roomId: world.aliceDirect, text: 'help' });
    expect(cardOf(await reply).type).toBe('AdaptiveCard');
  });
});

describe('start-up configuration errors', () => {
  it('stops with exit code 1 and one message listing every problem', () => {
    const run = spawnSync(process.execPath, [BOT_ENTRY], {
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', PORT: 'eighty', GROUP_LINKS: 'everyone' },
      encoding: 'utf8',
      timeout: DEADLINE_MS,
    });
    expect(run.status).toBe(1);
    for (const name of ['WEBEX_BOT_TOKEN', 'WEBEX_CLIENT_ID', 'WEBEX_CLIENT_SECRET', 'PORT', 'GROUP_LINKS']) {
      expect(run.stderr).toContain(name);
    }
  });
});
