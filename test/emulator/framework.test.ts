/**
 * The real webex-node-bot-framework (webhook mode) against the emulator: start-up calls, a 1:1
 * message, a group @mention, a threaded reply and a card click.
 */
import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startEmulator, type Emulator } from '../../dev/sandbox/emulator';
import { DEADLINE_MS } from '../support/waiting';

describe('emulator: with webex-node-bot-framework', () => {
  let emu: Emulator;
  let server: Server;
  let framework: any;
  let bot: { person: { id: string }; token: string };
  let alice: { id: string };

  beforeAll(async () => {
    for (const level of ['debug', 'info', 'log', 'warn', 'error'] as const) jest.spyOn(console, level).mockImplementation(() => undefined);
    emu = await startEmulator();
    bot = emu.createBot({ displayName: 'RecBot', email: 'recbot@webex.bot' });
    alice = emu.addPerson({ email: 'alice@example.com', displayName: 'Alice' });
    emu.createDirectRoom(alice.id, bot.person.id);
    // The bundled Webex SDK reads these when it is first required.
    process.env.HYDRA_SERVICE_URL = emu.apiUrl;
    process.env.U2C_SERVICE_URL = `${emu.url}/u2c/api/v1`;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Framework = require('webex-node-bot-framework');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const webhook = require('webex-node-bot-framework/webhook');
    const app = express();
    app.use(express.json());
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const port = (server.address() as AddressInfo).port;
    framework = new Framework({ token: bot.token, webhookUrl: `http://127.0.0.1:${port}/hook`, webhookSecret: 'fw-secret', logger: { log() {}, error() {}, debug() {}, info() {} } });
    app.post('/hook', webhook(framework));
    framework.hears(/recording/i, (b: any, trigger: any) => b.reply(trigger.message, `got: ${trigger.text}`));
    framework.on('attachmentAction', (b: any, trigger: any) =>
      b.say(`clicked ${JSON.stringify(trigger.attachmentAction.inputs)} by ${trigger.person.displayName}`),
    );
    const initialized = new Promise((resolve) => framework.on('initialized', resolve));
    await framework.start();
    await initialized;
    // start() resolves before its webhooks exist.
    const deadline = Date.now() + DEADLINE_MS;
    while (emu.calls.filter((c) => c.method === 'POST' && c.path === '/v1/webhooks' && c.status === 200).length < 2 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
  });

  afterAll(async () => {
    await framework?.stop();
    await new Promise((resolve) => server?.close(resolve));
    await emu.close();
  });

  it('starts with the calls the framework makes and nothing failing', () => {
    const paths = emu.calls.map((c) => `${c.method} ${c.path.split('?')[0]}`);
    expect(paths).toEqual(expect.arrayContaining(['GET /v1/people/me', 'GET /v1/webhooks', 'POST /v1/webhooks', 'GET /v1/memberships']));
    expect(emu.calls.filter((c) => c.status >= 400)).toEqual([]);
    // The SDK reads the U2C catalog in webhook mode too (the bot token names its org).
    expect(paths).toContain('GET /u2c/api/v1/limited/catalog');
  });

  it('answers a 1:1 message and a group @mention, threaded', async () => {
    const direct = emu.directRoomOf(alice.id, bot.person.id)!;
    emu.say({ as: alice.id, roomId: direct.id, text: 'recording abc' });
    const reply = await emu.waitForMessage((m) => m.personId === bot.person.id && m.roomId === direct.id, DEADLINE_MS);
    expect(reply.text).toBe('got: recording abc');

    const group = emu.createGroupRoom('Team', [alice.id, bot.person.id]);
    // The framework drops messages that arrive while it is still spawning its bot for a new space.
    const deadline = Date.now() + DEADLINE_MS;
    while (!framework.getBotByRoomId(group.id) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    emu.say({ as: alice.id, roomId: group.id, text: 'not for the bot' });
    const ask = emu.say({ as: alice.id, roomId: group.id, text: 'recording xyz', mentionBot: true });
    const groupReply = await emu.waitForMessage((m) => m.personId === bot.person.id && m.roomId === group.id, DEADLINE_MS);
    expect(groupReply).toMatchObject({ text: 'got: RecBot recording xyz', parentId: ask.id });
  });

  it('delivers card clicks to the framework', async () => {
    const direct = emu.directRoomOf(alice.id, bot.person.id)!;
    const fwBot = framework.getBotByRoomId(direct.id);
    const card = await fwBot.sendCard({ type: 'AdaptiveCard', version: '1.3', body: [], actions: [{ type: 'Action.Submit', title: 'Go' }] }, 'fallback');
    emu.click({ as: alice.id, messageId: card.id, inputs: { go: true } });
    const answer = await emu.waitForMessage((m) => /^clicked/.test(m.text ?? ''), DEADLINE_MS);
    expect(answer.text).toBe('clicked {"go":true} by Alice');
  });
});
