import { startEmulator, type Emulator } from '../../dev/sandbox/emulator';
import { until } from '../support/waiting';
import { getJson, recordingFixture, sendJson } from './helpers';

describe('emulator: fault injection and the HTTP control API', () => {
  let emu: Emulator;
  let bot: { person: { id: string }; token: string };
  let alice: { id: string };

  beforeAll(async () => {
    emu = await startEmulator();
  });
  afterAll(() => emu.close());
  beforeEach(() => {
    emu.reset();
    bot = emu.createBot({ displayName: 'RecBot', email: 'recbot@webex.bot' });
    alice = emu.addPerson({ email: 'alice@example.com', displayName: 'Alice' });
  });

  it('answers injected statuses with Retry-After for a number of times, and logs them', async () => {
    const id = emu.faults.add({ method: 'GET', path: '/people/me', status: 429, retryAfter: 3, times: 2 });
    expect(id).toBeTruthy();
    for (let i = 0; i < 2; i++) {
      const res = await getJson(`${emu.apiUrl}/people/me`, bot.token);
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('3');
      expect(res.body.trackingId).toBe(res.headers.get('trackingid'));
    }
    expect((await getJson(`${emu.apiUrl}/people/me`, bot.token)).status).toBe(200);
    expect(emu.calls.map((c) => c.status)).toEqual([429, 429, 200]);
    expect(emu.calls[0]!.caller).toEqual({ personId: bot.person.id, kind: 'bot' });
  });

  it('matches paths by RegExp and method, drops connections, and honours probability', async () => {
    emu.faults.add({ path: /^\/v1\/rooms/, method: 'POST', status: 500 });
    expect((await getJson(`${emu.apiUrl}/rooms`, bot.token)).status).toBe(200);

    emu.faults.add({ path: '/memberships', dropConnection: true, times: 1 });
    await expect(fetch(`${emu.apiUrl}/memberships`, { headers: { authorization: `Bearer ${bot.token}` } })).rejects.toThrow();
    await until(() => emu.calls.at(-1)?.path === '/v1/memberships', 'the dropped call logged');
    expect(emu.calls.at(-1)).toMatchObject({ path: '/v1/memberships', status: 0 });

    emu.faults.add({ path: '/people/me', status: 503, probability: 0 });
    expect((await getJson(`${emu.apiUrl}/people/me`, bot.token)).status).toBe(200);
    emu.faults.clear();
    expect(emu.faults.list()).toEqual([]);
  });

  it('holds matching requests until released, then answers as the rest of the fault says', async () => {
    const id = emu.faults.add({ path: '/v1/webhooks', hold: true, status: 503, times: 2 });
    let answered = false;
    const first = getJson(`${emu.apiUrl}/webhooks`, bot.token).then((res) => {
      answered = true;
      return res;
    });
    const second = getJson(`${emu.apiUrl}/webhooks`, bot.token);
    await until(() => emu.faults.held(id) === 2, 'both requests held');
    expect(answered).toBe(false);
    emu.faults.release(id);
    expect((await first).status).toBe(503);
    expect((await second).status).toBe(503);
    expect(emu.faults.held()).toBe(0);
    expect((await getJson(`${emu.apiUrl}/webhooks`, bot.token)).status).toBe(200);
  });

  it('lets held requests go on when the faults are cleared (a hold without a status answers normally)', async () => {
    emu.faults.add({ path: '/v1/webhooks', hold: true });
    const held = getJson(`${emu.apiUrl}/webhooks`, bot.token);
    await until(() => emu.faults.held() === 1, 'the request held');
    emu.faults.clear();
    expect((await held).status).toBe(200);
  });

  it('applies faults to recordings and downloads too, after which normal answers resume', async () => {
    emu.addRecording(recordingFixture({ id: 'r1', ownerId: alice.id, ownerEmail: 'alice@example.com' }));
    const { accessToken } = emu.issueToken(alice.id, { scopes: ['spark:recordings_read'] });
    emu.faults.add({ path: /^\/v1\/convergedRecordings\//, status: 502, times: 1 });
    expect((await getJson(`${emu.apiUrl}/convergedRecordings/r1`, accessToken)).status).toBe(502);
    expect((await getJson(`${emu.apiUrl}/convergedRecordings/r1`, accessToken)).status).toBe(200);
  });

  it('drives people, rooms, messages and clicks over HTTP', async () => {
    const people = await getJson(`${emu.url}/_emulator/people`);
    expect(people.body.items.map((p: { email?: string; emails: string[] }) => p.emails[0]).sort()).toEqual(['alice@example.com', 'recbot@webex.bot']);
    const room = await sendJson('POST', `${emu.url}/_emulator/rooms/direct`, undefined, { personId: alice.id, botPersonId: bot.person.id });
    expect(room.body.type).toBe('direct');
    const said = await sendJson('POST', `${emu.url}/_emulator/say`, undefined, { as: alice.id, roomId: room.body.id, text: 'recording r1' });
    expect(said.body.text).toBe('recording r1');
    const card = await sendJson('POST', `${emu.apiUrl}/messages`, bot.token, {
      roomId: room.body.id,
      text: 'card',
      attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard', version: '1.3', body: [] } }],
    });
    const click = await sendJson('POST', `${emu.url}/_emulator/click`, undefined, { as: alice.id, messageId: card.body.id, inputs: { x: 1 } });
    expect(click.body).toMatchObject({ type: 'submit', messageId: card.body.id, inputs: { x: 1 } });
    const messages = await getJson(`${emu.url}/_emulator/rooms/${encodeURIComponent(room.body.id)}/messages`);
    expect(messages.body.items.map((m: { text: string }) => m.text)).toEqual(['recording r1', 'card']);
    const rooms = await getJson(`${emu.url}/_emulator/rooms`);
    expect(rooms.body.items[0].members).toHaveLength(2);
    const bad = await sendJson('POST', `${emu.url}/_emulator/say`, undefined, { as: 'nobody', roomId: room.body.id, text: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/no person/);

    const since = emu.calls.at(-1)!.seq;
    await getJson(`${emu.apiUrl}/people/me`, bot.token);
    const calls = await getJson(`${emu.url}/_emulator/calls?since=${since}`);
    expect(calls.body.items).toEqual([expect.objectContaining({ path: '/v1/people/me', status: 200 })]);

    emu.addRecording(recordingFixture({ id: 'r2', ownerId: alice.id, ownerEmail: 'alice@example.com', description: 'a plain recording' }));
    const recs = await getJson(`${emu.url}/_emulator/recordings`);
    expect(recs.body.items).toEqual([expect.objectContaining({ id: 'r2', description: 'a plain recording', links: ['audio', 'transcript'] })]);
  });

  it('streams call and message events as Server-Sent Events', async () => {
    const controller = new AbortController();
    const res = await fetch(`${emu.url}/_emulator/events`, { signal: controller.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    const room = emu.createDirectRoom(alice.id, bot.person.id);
    emu.say({ as: alice.id, roomId: room.id, text: 'streamed' });
    await getJson(`${emu.apiUrl}/people/me`, bot.token);
    let text = '';
    while (!(text.includes('event: message') && text.includes('event: call'))) {
      const { value, done } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString('utf8');
    }
    controller.abort();
    expect(text).toContain('"text":"streamed"');
    expect(text).toContain('"path":"/v1/people/me"');
  });
});
