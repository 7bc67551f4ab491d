/**
 * The emulator's websocket mode on the wire, with a plain websocket client: bot tokens, the U2C
 * catalog, WDM devices, the metrics sink, and the Mercury socket's protocol and faults.
 */
import WebSocket from 'ws';
import { startEmulator, type Emulator, type EmulatorMessage } from '../../dev/sandbox/emulator';
import { getJson, sendJson } from './helpers';

interface Frame {
  id: string;
  type?: string;
  sequenceNumber: number;
  data?: { eventType: string; activity?: any };
}

/** A Mercury client as the SDK is: authorises, acks every frame, keeps what it received. */
class Client {
  readonly frames: Frame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: Array<() => void> = [];

  constructor(readonly ws: WebSocket) {
    ws.on('message', (raw) => {
      const frame = JSON.parse(raw.toString()) as Frame;
      this.frames.push(frame);
      ws.send(JSON.stringify({ messageId: frame.id, type: 'ack' }));
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  static async open(url: string, token?: string): Promise<Client> {
    const ws = new WebSocket(`${url}${url.includes('?') ? '&' : '?'}outboundWireFormat=text&bufferStates=true&aliasHttpStatus=true`);
    const client = new Client(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    if (token) ws.send(JSON.stringify({ id: 'auth-1', type: 'authorization', data: { token: `Bearer ${token}` }, trackingId: 'test' }));
    return client;
  }

  /** The first received frame (existing or future) that matches. */
  async next(test: (f: Frame) => boolean): Promise<Frame> {
    for (;;) {
      const found = this.frames.find(test);
      if (found) return found;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  activities(): any[] {
    return this.frames.filter((f) => f.data?.eventType === 'conversation.activity').map((f) => f.data!.activity);
  }
}

describe('emulator: websocket mode on the wire', () => {
  let emu: Emulator;
  let bot: { person: { id: string }; token: string };
  let alice: { id: string };
  const clients: Client[] = [];

  async function device(token = bot.token): Promise<{ id: string; url: string; webSocketUrl: string }> {
    const res = await sendJson('POST', `${emu.url}/wdm/api/v1/devices`, token, { name: 'test', deviceType: 'WEB', model: 'web-js-sdk' });
    expect(res.status).toBe(200);
    return res.body;
  }

  async function connect(webSocketUrl: string, token = bot.token): Promise<Client> {
    const client = await Client.open(webSocketUrl, token);
    clients.push(client);
    await client.next((f) => f.data?.eventType === 'mercury.buffer_state');
    return client;
  }

  beforeEach(async () => {
    emu = await startEmulator();
    bot = emu.createBot({ displayName: 'RecBot', email: 'recbot@webex.bot' });
    alice = emu.addPerson({ email: 'alice@example.com', displayName: 'Alice' });
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.ws.terminate();
    await emu.close();
  });

  it('makes bot tokens in Webex shape: <random>_PF84_<org UUID>', () => {
    const [random, realm, org, ...rest] = bot.token.split('_');
    expect(rest).toEqual([]);
    expect(random).toMatch(/^[A-Za-z0-9]{40,}$/);
    expect(realm).toBe('PF84');
    const orgId = Buffer.from(emu.people()[0]!.orgId!, 'base64').toString();
    expect(orgId).toBe(`ciscospark://us/ORGANIZATION/${org}`);
  });

  it('serves the U2C catalog in hostmap form, the full one only with a token', async () => {
    const limited = await getJson(`${emu.url}/u2c/api/v1/limited/catalog?orgId=x&format=hostmap`);
    expect(limited.status).toBe(200);
    expect(limited.body.serviceLinks).toEqual({ hydra: emu.apiUrl, u2c: `${emu.url}/u2c/api/v1`, metrics: `${emu.url}/metrics/api/v1` });
    expect((await getJson(`${emu.url}/u2c/api/v1/catalog?format=hostmap`)).status).toBe(401);
    const full = await getJson(`${emu.url}/u2c/api/v1/catalog?format=hostmap`, bot.token);
    expect(full.body.serviceLinks).toMatchObject({ hydra: emu.apiUrl, wdm: `${emu.url}/wdm/api/v1`, conversation: `${emu.url}/conversation/api/v1` });
    const host = new URL(emu.url).hostname;
    const entries = full.body.hostCatalog[host] as Array<{ id: string; host: string }>;
    // The SDK names the host's service after its first entry; each id's 4th field is a service link.
    expect(entries[0]!.id).toBe('urn:TEAM:us-east-2_a:conversation');
    for (const e of entries) expect(Object.keys(full.body.serviceLinks)).toContain(e.id.split(':')[3]);
  });

  it('accepts client metrics with 204', async () => {
    expect((await sendJson('POST', `${emu.url}/metrics/api/v1/clientmetrics`, bot.token, { metrics: [] })).status).toBe(204);
  });

  it('registers, lists, refreshes and deletes devices; the list keeps deleted ones for tests', async () => {
    expect((await sendJson('POST', `${emu.url}/wdm/api/v1/devices`, undefined, {})).status).toBe(401);
    const one = await device();
    expect(one.url).toBe(`${emu.url}/wdm/api/v1/devices/${one.id}`);
    expect(one.webSocketUrl).toBe(`${emu.url.replace('http', 'ws')}/mercury/api/v1/apps/wx2/registrations/${one.id}/messages`);
    expect(one).toMatchObject({ features: { developer: [], entitlement: [], user: [] } });
    const two = await device();
    expect((await getJson(`${emu.url}/wdm/api/v1/devices`, bot.token)).body.devices.map((d: any) => d.id)).toEqual([one.id, two.id]);
    expect((await sendJson('PUT', one.url, bot.token, { name: 'renamed' })).body).toMatchObject({ id: one.id, name: 'renamed' });
    expect((await sendJson('DELETE', one.url, bot.token)).status).toBe(204);
    expect((await sendJson('PUT', one.url, bot.token, {})).status).toBe(404);
    expect((await sendJson('DELETE', one.url, bot.token)).status).toBe(404);
    // Another person cannot see or delete the bot's device.
    const aliceToken = emu.issueToken(alice.id, { scopes: ['spark:all'] }).accessToken;
    expect((await sendJson('DELETE', two.url, aliceToken)).status).toBe(404);
    expect((await sendJson('DELETE', `${emu.url}/wdm/api/v1/devices`, bot.token)).status).toBe(204);
    expect((await getJson(`${emu.url}/wdm/api/v1/devices`, bot.token)).body.devices).toEqual([]);
    expect(emu.mercury.devices().map((d) => [d.id, Boolean(d.deletedAt)])).toEqual([[one.id, true], [two.id, true]]);
  });

  it('refuses registrations past the per-user cap like Webex, and on demand', async () => {
    emu.mercury.maxDevicesPerUser = 2;
    await device();
    const second = await device();
    const refused = await sendJson('POST', `${emu.url}/wdm/api/v1/devices`, bot.token, {});
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe('User has excessive device registrations');
    await sendJson('DELETE', second.url, bot.token);
    emu.mercury.refuseDeviceRegistrations(1, 503);
    expect((await sendJson('POST', `${emu.url}/wdm/api/v1/devices`, bot.token, {})).status).toBe(503);
    expect((await sendJson('POST', `${emu.url}/wdm/api/v1/devices`, bot.token, {})).status).toBe(200);
  });

  it('answers the upgrade 404 for an unknown or deleted device', async () => {
    const d = await device();
    await sendJson('DELETE', d.url, bot.token);
    for (const url of [d.webSocketUrl, d.webSocketUrl.replace(d.id, '00000000-0000-0000-0000-000000000000')]) {
      await expect(Client.open(url)).rejects.toThrow(/404/);
    }
  });

  it('authorises, sends buffer_state first, numbers frames from 1, answers pings and records acks', async () => {
    const d = await device();
    const client = await connect(d.webSocketUrl);
    expect(client.frames[0]).toMatchObject({ sequenceNumber: 1, data: { eventType: 'mercury.buffer_state' } });
    client.ws.send(JSON.stringify({ id: 'ping-1', type: 'ping' }));
    expect(await client.next((f) => f.type === 'pong')).toMatchObject({ id: 'ping-1', sequenceNumber: 2 });
    const socket = await emu.mercury.waitForSocket();
    expect(socket).toMatchObject({ deviceId: d.id, personId: bot.person.id });
    const direct = emu.createDirectRoom(alice.id, bot.person.id);
    emu.say({ as: alice.id, roomId: direct.id, text: 'hello' });
    await client.next((f) => f.data?.activity?.verb === 'post');
    // Frames reach the server in order: once this ping's pong is back, the acks before it were read.
    client.ws.send(JSON.stringify({ id: 'ping-2', type: 'ping' }));
    await client.next((f) => f.id === 'ping-2');
    expect(client.frames.map((f) => f.sequenceNumber)).toEqual(client.frames.map((_f, i) => i + 1));
    expect(emu.mercury.frames.slice(0, -1).filter((f) => !f.ackedAt)).toEqual([]);
    expect(emu.mercury.frames.map((f) => f.verb ?? f.eventType)).toEqual(['mercury.buffer_state', 'pong', 'add', 'add', 'post', 'pong']);
  });

  it('closes a socket whose authorization is not the device owner\'s token', async () => {
    const d = await device();
    const aliceToken = emu.issueToken(alice.id, { scopes: ['spark:all'] }).accessToken;
    const client = await Client.open(d.webSocketUrl, aliceToken);
    expect(await client.closed).toEqual({ code: 1008, reason: 'Authentication failed' });
    expect(client.frames).toEqual([]);
  });

  it('shapes message, mention and card-click activities as the SDK reads them', async () => {
    const client = await connect((await device()).webSocketUrl);
    const direct = emu.createDirectRoom(alice.id, bot.person.id);
    const hello = emu.say({ as: alice.id, roomId: direct.id, text: 'hello' });
    const group = emu.createGroupRoom('Team', [alice.id, bot.person.id]);
    emu.say({ as: alice.id, roomId: group.id, text: 'not for the bot' });
    const mention = emu.say({ as: alice.id, roomId: group.id, text: 'recording 1', mentionBot: true });
    const roomUuid = (id: string): string => Buffer.from(id, 'base64').toString().split('/').pop()!;
    const uuid = (id: string): string => Buffer.from(id, 'base64').toString().split('/').pop()!;
    const post = await client.next((f) => f.data?.activity?.id === uuid(hello.id));
    expect(post.data!.activity).toMatchObject({
      verb: 'post',
      object: { objectType: 'comment', id: uuid(hello.id) },
      actor: { entryUUID: uuid(alice.id), emailAddress: 'alice@example.com' },
      target: { id: roomUuid(direct.id), tags: ['ONE_ON_ONE'], url: `${emu.url}/conversation/api/v1/conversations/${roomUuid(direct.id)}` },
    });
    expect(JSON.stringify(post)).not.toContain('hello');
    const mentioned = await client.next((f) => f.data?.activity?.id === uuid(mention.id));
    expect(mentioned.data!.activity).toMatchObject({ target: { tags: [] }, object: { mentions: { items: [{ id: uuid(bot.person.id) }] } } });
    // Group messages that do not mention the bot are not sent to it (as with webhooks).
    const posts = client.activities().filter((a) => a.verb === 'post').map((a) => a.id);
    expect(posts).toEqual([uuid(hello.id), uuid(mention.id)]);
    // Memberships of new spaces arrive as `add` activities.
    expect(client.activities().filter((a) => a.verb === 'add' && a.object.entryUUID === uuid(bot.person.id))).toHaveLength(2);

    const card = await sendJson('POST', `${emu.apiUrl}/messages`, bot.token, {
      roomId: direct.id,
      text: 'card',
      attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard', version: '1.3', body: [] } }],
    });
    const action = emu.click({ as: alice.id, messageId: card.body.id, inputs: { go: 1 } });
    const click = await client.next((f) => f.data?.activity?.verb === 'cardAction');
    expect(click.data!.activity).toMatchObject({ id: uuid(action.id), object: { objectType: 'submit', inputs: { go: 1 } }, parent: { id: uuid(card.body.id) } });
  });

  it('sends every group message to bots when told to (unconfirmed Mercury behaviour)', async () => {
    emu.mercury.setGroupMessages('all');
    const client = await connect((await device()).webSocketUrl);
    const group = emu.createGroupRoom('Team', [alice.id, bot.person.id]);
    const plain = emu.say({ as: alice.id, roomId: group.id, text: 'not for the bot' });
    const uuid = Buffer.from(plain.id, 'base64').toString().split('/').pop();
    await client.next((f) => f.data?.activity?.id === uuid);
    // The bot still cannot read it.
    expect((await getJson(`${emu.apiUrl}/messages/${plain.id}`, bot.token)).status).toBe(404);
  });

  it('sends every event to each of the person\'s devices; a second socket on one device replaces the first (4000)', async () => {
    const a = await device();
    const b = await device();
    const first = await connect(a.webSocketUrl);
    const other = await connect(b.webSocketUrl);
    const again = await connect(a.webSocketUrl);
    expect(await first.closed).toEqual({ code: 4000, reason: 'replaced' });
    const direct = emu.createDirectRoom(alice.id, bot.person.id);
    const m = emu.say({ as: alice.id, roomId: direct.id, text: 'hi' });
    const uuid = Buffer.from(m.id, 'base64').toString().split('/').pop();
    await other.next((f) => f.data?.activity?.id === uuid);
    await again.next((f) => f.data?.activity?.id === uuid);
    expect(emu.mercury.sockets().map((s) => [s.deviceId, s.closeCode ?? null])).toEqual([[a.id, 4000], [b.id, null], [a.id, null]]);
  });

  it('drops, closes with a code, skips a sequence number, misses pongs and refuses sockets on demand', async () => {
    const d = await device();
    const direct = emu.createDirectRoom(alice.id, bot.person.id);
    const c1 = await connect(d.webSocketUrl);
    expect(emu.mercury.drop()).toBe(1);
    expect((await c1.closed).code).toBe(1006);

    const c2 = await connect(d.webSocketUrl);
    emu.mercury.close(1000, 'Done');
    expect(await c2.closed).toEqual({ code: 1000, reason: 'Done' });

    const c3 = await connect(d.webSocketUrl);
    emu.mercury.sequenceGap();
    const lost = emu.say({ as: alice.id, roomId: direct.id, text: 'lost' });
    const kept = emu.say({ as: alice.id, roomId: direct.id, text: 'kept' });
    const uuid = (m: EmulatorMessage): string => Buffer.from(m.id, 'base64').toString().split('/').pop()!;
    const keptFrame = await c3.next((f) => f.data?.activity?.id === uuid(kept));
    expect(c3.activities().map((a) => a.id)).not.toContain(uuid(lost));
    expect(keptFrame.sequenceNumber).toBe(3); // 1 buffer_state, 2 skipped

    emu.mercury.missPongs(1);
    c3.ws.send(JSON.stringify({ id: 'ping-a', type: 'ping' }));
    c3.ws.send(JSON.stringify({ id: 'ping-b', type: 'ping' }));
    expect((await c3.next((f) => f.type === 'pong')).id).toBe('ping-b');

    emu.mercury.refuseSockets(1);
    await expect(Client.open(d.webSocketUrl)).rejects.toThrow(/503/);
    await connect(d.webSocketUrl);
  });

  it('loses events while a device has no socket, and replays its buffer on the next connect when told to', async () => {
    const d = await device();
    const direct = emu.createDirectRoom(alice.id, bot.person.id);
    const c1 = await connect(d.webSocketUrl);
    const before = emu.say({ as: alice.id, roomId: direct.id, text: 'before' });
    const uuid = (m: EmulatorMessage): string => Buffer.from(m.id, 'base64').toString().split('/').pop()!;
    await c1.next((f) => f.data?.activity?.id === uuid(before));
    emu.mercury.drop();
    await c1.closed;
    const during = emu.say({ as: alice.id, roomId: direct.id, text: 'during' });
    const c2 = await connect(d.webSocketUrl);
    const after = emu.say({ as: alice.id, roomId: direct.id, text: 'after' });
    await c2.next((f) => f.data?.activity?.id === uuid(after));
    expect(c2.activities().map((a) => a.id)).toEqual([uuid(after)]);

    emu.mercury.drop();
    await c2.closed;
    expect(emu.mercury.replayOnNextConnect()).toBe(1);
    const c3 = await connect(d.webSocketUrl);
    await c3.next((f) => f.data?.activity?.id === uuid(after));
    const replayed = c3.activities().filter((a) => a.verb === 'post').map((a) => a.id);
    expect(replayed).toEqual([uuid(before), uuid(during), uuid(after)]);
    expect(emu.mercury.frames.filter((f) => f.replayed && f.verb === 'post')).toHaveLength(3);
  });

  it('offers the socket faults and records over the control API', async () => {
    const d = await device();
    const client = await connect(d.webSocketUrl);
    const state = await getJson(`${emu.url}/_emulator/mercury`);
    expect(state.body.devices.map((x: any) => x.id)).toEqual([d.id]);
    expect(state.body.sockets).toHaveLength(1);
    expect(state.body.frames.map((f: any) => f.eventType)).toEqual(['mercury.buffer_state']);
    const since = state.body.frames[0].seq;
    expect((await getJson(`${emu.url}/_emulator/mercury?since=${since}`)).body.frames).toEqual([]);

    const closed = await sendJson('POST', `${emu.url}/_emulator/mercury/faults`, undefined, { kind: 'close', code: 4000, reason: 'replaced', personId: bot.person.id });
    expect(closed).toMatchObject({ status: 201, body: { affected: 1 } });
    expect(await client.closed).toEqual({ code: 4000, reason: 'replaced' });
    expect((await sendJson('POST', `${emu.url}/_emulator/mercury/faults`, undefined, { kind: 'refuseSockets', times: 1 })).status).toBe(201);
    await expect(Client.open(d.webSocketUrl)).rejects.toThrow(/503/);
    expect((await sendJson('POST', `${emu.url}/_emulator/mercury/faults`, undefined, { kind: 'refuseSockets' })).status).toBe(201);
    expect((await sendJson('DELETE', `${emu.url}/_emulator/mercury/faults`, undefined)).status).toBe(204);
    await connect(d.webSocketUrl);
    expect((await sendJson('POST', `${emu.url}/_emulator/mercury/faults`, undefined, { kind: 'bogus' })).status).toBe(400);
    expect((await sendJson('POST', `${emu.url}/_emulator/mercury/faults`, undefined, { kind: 'close' })).status).toBe(400);
  });

  it('lets a device registered with a ttl expire unless refreshed, on the emulator\'s clock', async () => {
    await emu.close();
    let clock = Date.parse('2026-01-01T00:00:00Z');
    emu = await startEmulator({ now: () => clock });
    bot = emu.createBot({ displayName: 'RecBot', email: 'recbot@webex.bot' });
    const reg = await sendJson('POST', `${emu.url}/wdm/api/v1/devices`, bot.token, { name: 'eph', ttl: 1800 });
    const kept = await sendJson('POST', `${emu.url}/wdm/api/v1/devices`, bot.token, { name: 'kept' });
    clock += 1000 * 1000;
    expect((await sendJson('PUT', reg.body.url, bot.token, { ttl: 1800 })).status).toBe(200);
    clock += 1799 * 1000;
    expect((await getJson(`${emu.url}/wdm/api/v1/devices`, bot.token)).body.devices).toHaveLength(2);
    clock += 1000;
    expect((await getJson(`${emu.url}/wdm/api/v1/devices`, bot.token)).body.devices.map((d: any) => d.id)).toEqual([kept.body.id]);
    expect(emu.mercury.devices().find((d) => d.id === reg.body.id)).toMatchObject({ expired: true, deletedAt: new Date(clock).toISOString() });
    await expect(Client.open(reg.body.webSocketUrl)).rejects.toThrow(/404/);
  });

  it('keeps both sockets of a device when both ask multipleConnections=true', async () => {
    const d = await device();
    const url = `${d.webSocketUrl}?multipleConnections=true`;
    const one = await Client.open(url, bot.token);
    const two = await Client.open(url, bot.token);
    clients.push(one, two);
    for (const c of [one, two]) await c.next((f) => f.data?.eventType === 'mercury.buffer_state');
    const direct = emu.createDirectRoom(alice.id, bot.person.id);
    const m = emu.say({ as: alice.id, roomId: direct.id, text: 'hi' });
    const uuid = Buffer.from(m.id, 'base64').toString().split('/').pop();
    for (const c of [one, two]) await c.next((f) => f.data?.activity?.id === uuid);
    expect(emu.mercury.openSockets()).toHaveLength(2);
  });
});
