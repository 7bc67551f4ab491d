import { performance } from 'node:perf_hooks';
import { startEmulator, type Emulator } from '../../dev/sandbox/emulator';

/** The bench's latency option: every Webex call is held a round trip before Webex acts on it. */
describe('emulator latency option', () => {
  let emulator: Emulator;
  afterEach(async () => emulator?.close());

  it('holds every call at least latencyMs before handling it, and logs when each call arrived and was answered', async () => {
    const latencyMs = 40;
    emulator = await startEmulator({ latencyMs });
    const { person: bot, token } = emulator.createBot({ displayName: 'Bot', email: 'bot@webex.bot' });
    const alice = emulator.addPerson({ email: 'alice@example.com', displayName: 'Alice' });
    const room = emulator.createDirectRoom(alice.id, bot.id);
    let appearedAt = 0;
    emulator.events.once('message', () => (appearedAt = performance.now()));
    const sentAt = performance.now();
    const res = await fetch(`${emulator.apiUrl}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ roomId: room.id, markdown: 'hello' }),
    });
    expect(res.status).toBe(200);
    // The message exists only once the round trip has been paid (timers never fire early by more than a rounding).
    expect(appearedAt - sentAt).toBeGreaterThanOrEqual(latencyMs - 1);
    const logged = emulator.calls.find((c) => c.method === 'POST' && c.path === '/v1/messages')!;
    expect(logged.startedMs).toBeGreaterThanOrEqual(sentAt);
    expect(logged.endedMs - logged.startedMs).toBeGreaterThanOrEqual(latencyMs - 1);
  });

  it('logs when each call arrived and was answered without the option too', async () => {
    emulator = await startEmulator();
    const { token } = emulator.createBot({ displayName: 'Bot', email: 'bot@webex.bot' });
    await fetch(`${emulator.apiUrl}/people/me`, { headers: { authorization: `Bearer ${token}` } });
    const logged = emulator.calls.find((c) => c.path === '/v1/people/me')!;
    expect(logged.endedMs).toBeGreaterThanOrEqual(logged.startedMs);
  });
});
