/**
 * The real webex-node-bot-framework in websocket mode (no webhook URL) against the emulator: the
 * SDK reads the U2C catalog, registers a WDM device, opens the Mercury socket and receives a 1:1
 * message, a group @mention and a card click; then what each socket fault does to it.
 */
import { startEmulator, webexId, type CallRecord, type Emulator } from '../../dev/sandbox/emulator';

/** Resolves once a call matching `test` has been answered (existing or future). */
function callAnswered(emu: Emulator, test: (c: CallRecord) => boolean): Promise<CallRecord> {
  return new Promise((resolve) => {
    const found = emu.calls.find(test);
    if (found) return resolve(found);
    const onCall = (c: CallRecord): void => {
      if (!test(c)) return;
      emu.events.off('call', onCall);
      resolve(c);
    };
    emu.events.on('call', onCall);
  });
}

/** Resolves once the SDK has read every message announced on the socket so far (so none is in flight). */
async function readsSettled(emu: Emulator): Promise<void> {
  const posted = emu.mercury.frames.filter((f) => f.verb === 'post').map((f) => `/v1/messages/${webexId('MESSAGE', f.activityId)}`);
  await Promise.all(posted.map((path) => callAnswered(emu, (c) => c.method === 'GET' && c.path === path)));
}

describe('emulator: websocket mode with webex-node-bot-framework', () => {
  let emu: Emulator;
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
    framework = new Framework({ token: bot.token, logger: { log() {}, error() {}, debug() {}, info() {} } });
    framework.hears(/recording/i, (b: any, trigger: any) => b.reply(trigger.message, `got: ${trigger.text}`));
    framework.on('attachmentAction', (b: any, trigger: any) =>
      b.say(`clicked ${JSON.stringify(trigger.attachmentAction.inputs)} by ${trigger.person.displayName}`),
    );
    const initialized = new Promise((resolve) => framework.on('initialized', resolve));
    await framework.start();
    await initialized;
    await emu.mercury.waitForSocket();
  });

  afterAll(async () => {
    await readsSettled(emu);
    const webex = framework?.webex;
    await framework?.stop();
    // framework.stop() deletes the device but leaves the SDK's socket open: close it here.
    await webex?.internal.mercury.disconnect();
    await emu.mercury.waitForSocketClosed();
    await emu.close();
  });

  it('starts: catalog, one device, one authorised socket, nothing failing', () => {
    const paths = emu.calls.map((c) => `${c.method} ${c.path.split('?')[0]} ${c.status}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        'GET /u2c/api/v1/limited/catalog 200',
        'POST /wdm/api/v1/devices 200',
        expect.stringMatching(/^GET \/mercury\/api\/v1\/apps\/wx2\/registrations\/[0-9a-f-]+\/messages 101$/),
      ]),
    );
    expect(emu.calls.filter((c) => c.status >= 400)).toEqual([]);
    expect(emu.calls.some((c) => c.path.startsWith('/v1/webhooks'))).toBe(false);
    expect(emu.mercury.devices()).toHaveLength(1);
    const [socket] = emu.mercury.sockets();
    expect(socket).toMatchObject({ personId: bot.person.id, deviceId: emu.mercury.devices()[0]!.id });
    expect(socket!.authorizedAt).toBeDefined();
    expect(emu.mercury.frames[0]).toMatchObject({ eventType: 'mercury.buffer_state', sequenceNumber: 1 });
  });

  it('answers a 1:1 message and a group @mention, threaded', async () => {
    const direct = emu.directRoomOf(alice.id, bot.person.id)!;
    emu.say({ as: alice.id, roomId: direct.id, text: 'recording abc' });
    const reply = await emu.waitForMessage((m) => m.personId === bot.person.id && m.roomId === direct.id);
    expect(reply.text).toBe('got: recording abc');

    const spawned = new Promise<string>((resolve) => framework.on('spawn', (b: any) => resolve(b.room.id)));
    const group = emu.createGroupRoom('Team', [alice.id, bot.person.id]);
    // The framework drops a space's events while it is still discovering the space: wait for it.
    expect(await spawned).toBe(group.id);
    emu.say({ as: alice.id, roomId: group.id, text: 'not for the bot' });
    const ask = emu.say({ as: alice.id, roomId: group.id, text: 'recording xyz', mentionBot: true });
    const groupReply = await emu.waitForMessage((m) => m.personId === bot.person.id && m.roomId === group.id);
    expect(groupReply).toMatchObject({ text: 'got: RecBot recording xyz', parentId: ask.id });
  });

  it('delivers card clicks to the framework', async () => {
    const direct = emu.directRoomOf(alice.id, bot.person.id)!;
    const fwBot = framework.getBotByRoomId(direct.id);
    const card = await fwBot.sendCard({ type: 'AdaptiveCard', version: '1.3', body: [], actions: [{ type: 'Action.Submit', title: 'Go' }] }, 'fallback');
    emu.click({ as: alice.id, messageId: card.id, inputs: { go: true } });
    const answer = await emu.waitForMessage((m) => /^clicked/.test(m.text ?? ''));
    expect(answer.text).toBe('clicked {"go":true} by Alice');
  });
});
