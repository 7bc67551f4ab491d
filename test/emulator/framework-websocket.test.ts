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

/** Resolves once the SDK has read every message announced on the socket so far, replays included (so none is in flight). */
async function readsSettled(emu: Emulator): Promise<void> {
  const wanted = new Map<string, number>();
  for (const f of emu.mercury.frames) {
    if (f.verb !== 'post') continue;
    const path = `/v1/messages/${webexId('MESSAGE', f.activityId)}`;
    wanted.set(path, (wanted.get(path) ?? 0) + 1);
  }
  const done = (): boolean => [...wanted].every(([path, n]) => emu.calls.filter((c) => c.method === 'GET' && c.path === path).length >= n);
  await untilCall(emu, done);
}

/** Resolves once `check()` holds, checking again after every answered call. */
function untilCall(emu: Emulator, check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (check()) return resolve();
    const onCall = (): void => {
      if (!check()) return;
      emu.events.off('call', onCall);
      resolve();
    };
    emu.events.on('call', onCall);
  });
}

describe('emulator: websocket mode with webex-node-bot-framework', () => {
  let emu: Emulator;
  let framework: any;
  let bot: { person: { id: string }; token: string };
  let alice: { id: string };
  let webex: any;
  let stopped = false;

  beforeAll(async () => {
    for (const level of ['debug', 'info', 'log', 'warn', 'error'] as const) jest.spyOn(console, level).mockImplementation(() => undefined);
    emu = await startEmulator();
    bot = emu.createBot({ displayName: 'RecBot', email: 'recbot@webex.bot' });
    alice = emu.addPerson({ email: 'alice@example.com', displayName: 'Alice' });
    emu.createDirectRoom(alice.id, bot.person.id);
    // The bundled Webex SDK reads these when it is first required.
    process.env.HYDRA_SERVICE_URL = emu.apiUrl;
    process.env.U2C_SERVICE_URL = `${emu.url}/u2c/api/v1`;
    // The SDK logs at debug level under jest, and its storage and metrics timers outlive the tests.
    process.env.WEBEX_LOG_LEVEL = 'silent';
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
    webex ??= framework?.webex;
    if (!stopped) await framework?.stop();
    // framework.stop() deletes the device but leaves the SDK's socket open: close it here.
    await webex?.internal.mercury.disconnect();
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

  /** The next time the SDK's Mercury plugin emits `name` (optionally matching `test`). */
  function sdk(name: string, test: (event: any) => boolean = () => true): Promise<any> {
    return new Promise((resolve) => {
      const mercury = framework.webex.internal.mercury;
      const on = (event: any): void => {
        if (!test(event)) return;
        mercury.off(name, on);
        resolve(event);
      };
      mercury.on(name, on);
    });
  }

  const lastSocketId = (): number => emu.mercury.sockets().at(-1)!.id;

  async function ask(text: string): Promise<void> {
    const direct = emu.directRoomOf(alice.id, bot.person.id)!;
    emu.say({ as: alice.id, roomId: direct.id, text });
    await emu.waitForMessage((m) => m.personId === bot.person.id && m.text === `got: ${text}`);
  }

  it('drop (1006): the SDK reconnects on the same device and hears again', async () => {
    const before = emu.mercury.sockets().at(-1)!;
    const transient = sdk('offline.transient');
    expect(emu.mercury.drop()).toBe(1);
    expect((await transient).code).toBe(1006);
    const next = await emu.mercury.waitForSocket((s) => s.id > before.id);
    expect(next.deviceId).toBe(before.deviceId);
    await ask('recording after-drop');
  });

  it('sequence gap: the frame is lost and the SDK reports a mismatch; a replay on the next connect brings it back, with every buffered frame again', async () => {
    const mismatch = sdk('sequence-mismatch');
    emu.mercury.sequenceGap();
    const direct = emu.directRoomOf(alice.id, bot.person.id)!;
    emu.say({ as: alice.id, roomId: direct.id, text: 'recording lost-1' });
    await ask('recording kept-1');
    await mismatch;
    expect(emu.botMessages().map((m) => m.text)).not.toContain('got: recording lost-1');

    const previous = lastSocketId();
    expect(emu.mercury.replayOnNextConnect()).toBe(1);
    emu.mercury.drop();
    await emu.mercury.waitForSocket((s) => s.id > previous);
    await emu.waitForMessage((m) => m.text === 'got: recording lost-1');
    // The framework does not recognise replayed frames: what it answered before, it answers again.
    await untilCall(emu, () => emu.botMessages().filter((m) => m.text === 'got: recording kept-1').length === 2);
    expect(emu.mercury.frames.filter((f) => f.replayed).length).toBeGreaterThan(1);
  });

  it('missed pongs: the SDK closes with "Pong not received" and reconnects', async () => {
    const config = framework.webex.internal.mercury.config;
    const pongTimeout = config.pongTimeout;
    // Read when a socket opens: the next socket waits 200 ms for its first pong.
    config.pongTimeout = 200;
    emu.mercury.missPongs();
    const pongLost = sdk('offline.transient', (e) => e.reason === 'Pong not received').then(() => {
      config.pongTimeout = pongTimeout;
      emu.mercury.clearFaults();
    });
    const previous = lastSocketId();
    emu.mercury.drop();
    const missed = await emu.mercury.waitForSocketClosed((s) => s.id > previous);
    expect(missed).toMatchObject({ closeCode: 1000, closeReason: 'Pong not received', closedBy: 'client' });
    await pongLost;
    await emu.mercury.waitForSocket((s) => s.id > missed.id);
    await ask('recording after-pongs');
  });

  it('refused sockets: the SDK retries until a socket is accepted', async () => {
    emu.mercury.refuseSockets(1);
    const previous = lastSocketId();
    emu.mercury.drop();
    await emu.mercury.waitForSocket((s) => s.id > previous);
    expect(emu.calls.filter((c) => c.path.startsWith('/mercury/')).map((c) => c.status).slice(-2)).toEqual([503, 101]);
    await ask('recording after-refusal');
  });

  it('close 4000 (replaced) and close 1000 "Done": the SDK stops for good (offline.replaced, offline.permanent)', async () => {
    const mercury = framework.webex.internal.mercury;
    const replaced = sdk('offline.replaced');
    emu.mercury.close(4000, 'replaced');
    expect((await replaced).code).toBe(4000);
    expect(mercury.connected).toBe(false);
    let previous = lastSocketId();
    await mercury.connect();
    await emu.mercury.waitForSocket((s) => s.id > previous);

    const permanent = sdk('offline.permanent');
    emu.mercury.close(1000, 'Done');
    expect(await permanent).toMatchObject({ code: 1000, reason: 'Done' });
    expect(mercury.connected).toBe(false);
    previous = lastSocketId();
    await mercury.connect();
    await emu.mercury.waitForSocket((s) => s.id > previous);
    await ask('recording after-permanent');
  });

  it('a refused device registration fails a second framework\'s start with Webex\'s message', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Framework = require('webex-node-bot-framework');
    const second = new Framework({ token: bot.token, logger: { log() {}, error() {}, debug() {}, info() {} } });
    emu.mercury.refuseDeviceRegistrations(1);
    await expect(second.start()).rejects.toThrow(/User has excessive device registrations/);
    expect(emu.calls.filter((c) => c.method === 'POST' && c.path === '/wdm/api/v1/devices').map((c) => c.status).slice(-1)).toEqual([403]);
    expect(emu.mercury.devices()).toHaveLength(1);
  });

  it('stop(): the framework deletes its device but leaves the socket open', async () => {
    await readsSettled(emu);
    webex = framework.webex;
    await framework.stop();
    stopped = true;
    const [device] = emu.mercury.devices();
    expect(device!.deletedAt).toBeDefined();
    expect(emu.mercury.openSockets()).toHaveLength(1);
  });
});
