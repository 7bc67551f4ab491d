/**
 * The sandbox in websocket mode (`SANDBOX_TRANSPORT=websocket`): the bot has no public URL, so
 * its framework registers a device on the emulator and hears through the Mercury socket.
 */
import { runSandbox, type Sandbox } from '../../dev/sandbox/main';
import { loadSandboxTransport } from '../../src/config';

let sandbox: Sandbox;

beforeAll(async () => {
  // The bot's Webex SDK logs at debug level under jest, and its metrics timer outlives the test.
  process.env.WEBEX_LOG_LEVEL = 'silent';
  sandbox = await runSandbox({ port: 0, log: false, transport: 'websocket' });
}, 30_000);

afterAll(async () => {
  await sandbox?.close();
});

it('reads SANDBOX_TRANSPORT: webhook by default, websocket on demand, nothing else', () => {
  expect(loadSandboxTransport({})).toBe('webhook');
  expect(loadSandboxTransport({ SANDBOX_TRANSPORT: 'websocket' })).toBe('websocket');
  expect(() => loadSandboxTransport({ SANDBOX_TRANSPORT: 'socket' })).toThrow(/SANDBOX_TRANSPORT must be webhook or websocket/);
});

it('runs the bot over the socket: a device, an open socket, no webhook, and answers', async () => {
  const { emulator, info } = sandbox;
  expect(info.transport).toBe('websocket');
  await emulator.mercury.waitForSocket((s) => s.personId === info.bot.id);
  expect(emulator.mercury.devices({ personId: info.bot.id })).toHaveLength(1);
  expect(emulator.webhooksOf(info.bot.id).filter((w) => w.resource !== 'convergedRecordings')).toEqual([]);
  const owner = info.people.find((p) => p.key === 'owner')!;
  emulator.say({ as: owner.id, roomId: owner.directRoomId, text: 'help' });
  const answer = await emulator.waitForMessage((m) => m.personId === info.bot.id && m.roomId === owner.directRoomId);
  expect(answer.text ?? answer.markdown).toBeTruthy();
  expect(emulator.mercury.frames.some((f) => f.verb === 'post')).toBe(true);
});
