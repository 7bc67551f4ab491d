import { createHmac } from 'node:crypto';
import { startEmulator, type Emulator } from '../../dev/sandbox/emulator';
import { sendJson, startReceiver, type Receiver } from './helpers';

const SECRET = 'webhook-secret';
const CARD = { type: 'AdaptiveCard', version: '1.3', body: [{ type: 'TextBlock', text: 'hi' }], actions: [{ type: 'Action.Submit', title: 'Go', data: { a: 1 } }] };

describe('emulator: webhooks', () => {
  let emu: Emulator;
  let receiver: Receiver;
  let bot: { person: { id: string }; token: string };
  let alice: { id: string };
  let bob: { id: string };

  beforeAll(async () => {
    emu = await startEmulator();
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await emu.close();
    await receiver.close();
  });
  beforeEach(async () => {
    emu.reset();
    receiver.received.length = 0;
    receiver.status = 200;
    bot = emu.createBot({ displayName: 'RecBot', email: 'recbot@webex.bot' });
    alice = emu.addPerson({ email: 'alice@example.com', displayName: 'Alice' });
    bob = emu.addPerson({ email: 'bob@example.com', displayName: 'Bob' });
    for (const [resource, event] of [['all', 'all'], ['attachmentActions', 'created']]) {
      const res = await sendJson('POST', `${emu.apiUrl}/webhooks`, bot.token, { name: 'rec-bot', targetUrl: receiver.url, resource, event, secret: SECRET });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'active', ownedBy: 'creator', resource, event, secret: SECRET });
    }
  });

  it('lists, updates and deletes only the caller’s own webhooks', async () => {
    const { accessToken } = emu.issueToken(alice.id, { scopes: ['spark:all'] });
    const mine = await sendJson('GET', `${emu.apiUrl}/webhooks`, bot.token);
    expect(mine.body.items).toHaveLength(2);
    expect((await sendJson('GET', `${emu.apiUrl}/webhooks`, accessToken)).body.items).toHaveLength(0);
    const id = mine.body.items[0].id;
    expect((await sendJson('DELETE', `${emu.apiUrl}/webhooks/${id}`, accessToken)).status).toBe(404);
    const updated = await sendJson('PUT', `${emu.apiUrl}/webhooks/${id}`, bot.token, { name: 'renamed', targetUrl: receiver.url });
    expect(updated.body.name).toBe('renamed');
    expect((await sendJson('DELETE', `${emu.apiUrl}/webhooks/${id}`, bot.token)).status).toBe(204);
    expect((await sendJson('GET', `${emu.apiUrl}/webhooks/${id}`, bot.token)).status).toBe(404);
  });

  it('delivers signed envelopes: HMAC-SHA1 over the exact bytes, Webex fields, no text in data', async () => {
    const room = emu.createDirectRoom(alice.id, bot.person.id);
    const said = emu.say({ as: alice.id, roomId: room.id, text: 'recording abc' });
    await emu.idle();
    const kinds = receiver.received.map((r) => `${r.body.resource}:${r.body.event}`);
    expect(kinds).toEqual(['memberships:created', 'memberships:created', 'messages:created']);
    for (const hit of receiver.received) {
      expect(hit.headers['content-type']).toBe('application/json');
      expect(hit.headers['x-spark-signature']).toBe(createHmac('sha1', SECRET).update(hit.raw).digest('hex'));
    }
    const message = receiver.received[2]!.body;
    expect(message).toMatchObject({ name: 'rec-bot', targetUrl: receiver.url, resource: 'messages', event: 'created', actorId: alice.id, ownedBy: 'creator', status: 'active', createdBy: bot.person.id });
    expect(message.data).toMatchObject({ id: said.id, roomId: room.id, roomType: 'direct', personId: alice.id, personEmail: 'alice@example.com' });
    expect(message.data).not.toHaveProperty('text');
    const deliveries = emu.deliveries.filter((d) => d.dataId === said.id);
    expect(deliveries).toEqual([expect.objectContaining({ status: 200, resource: 'messages', duplicate: false })]);
  });

  it('sends no signature header when the webhook has no secret', async () => {
    const { accessToken } = emu.issueToken(alice.id, { scopes: ['spark:all'] });
    await sendJson('POST', `${emu.apiUrl}/webhooks`, accessToken, { name: 'alice-hook', targetUrl: receiver.url, resource: 'messages', event: 'created' });
    const room = emu.createDirectRoom(alice.id, bot.person.id);
    emu.say({ as: alice.id, roomId: room.id, text: 'hello' });
    await emu.idle();
    const alices = receiver.received.filter((r) => r.body.name === 'alice-hook');
    expect(alices).toHaveLength(1);
    expect(alices[0]!.headers['x-spark-signature']).toBeUndefined();
  });

  it('delivers group-space messages to a bot only when it is @mentioned', async () => {
    const room = emu.createGroupRoom('Team', [alice.id, bob.id, bot.person.id]);
    await emu.idle();
    receiver.received.length = 0;
    emu.say({ as: alice.id, roomId: room.id, text: 'just chatting' });
    const mention = emu.say({ as: bob.id, roomId: room.id, text: 'recording abc', mentionBot: true });
    await emu.idle();
    expect(mention.text).toBe('RecBot recording abc');
    expect(mention.mentionedPeople).toEqual([bot.person.id]);
    expect(receiver.received.map((r) => r.body.data.id)).toEqual([mention.id]);

    const hidden = emu.messages(room.id)[0]!;
    expect((await sendJson('GET', `${emu.apiUrl}/messages/${hidden.id}`, bot.token)).status).toBe(404);
    expect((await sendJson('GET', `${emu.apiUrl}/messages/${mention.id}`, bot.token)).body.text).toBe('RecBot recording abc');
  });

  it('delivers card clicks only on the bot’s own cards, via the attachmentActions webhook', async () => {
    const other = emu.createBot({ displayName: 'OtherBot', email: 'other@webex.bot' });
    const room = emu.createGroupRoom('Team', [alice.id, bot.person.id, other.person.id]);
    const ours = await sendJson('POST', `${emu.apiUrl}/messages`, bot.token, { roomId: room.id, markdown: 'card', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: CARD }] });
    const theirs = await sendJson('POST', `${emu.apiUrl}/messages`, other.token, { roomId: room.id, text: 'card', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: CARD }] });
    await emu.idle();
    receiver.received.length = 0;
    const click = emu.click({ as: alice.id, messageId: ours.body.id, inputs: { action: 'refresh' } });
    emu.click({ as: alice.id, messageId: theirs.body.id, inputs: {} });
    await emu.idle();
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]!.body).toMatchObject({ resource: 'attachmentActions', event: 'created', actorId: alice.id, data: { id: click.id, messageId: ours.body.id, type: 'submit', roomId: room.id } });
    const fetched = await sendJson('GET', `${emu.apiUrl}/attachment/actions/${click.id}`, bot.token);
    expect(fetched.body).toMatchObject({ id: click.id, inputs: { action: 'refresh' }, personId: alice.id });
    expect((await sendJson('GET', `${emu.apiUrl}/attachment/actions/${click.id}`, other.token)).status).toBe(404);
  });

  it('respects roomId filters and delivers message deletions', async () => {
    const direct = emu.createDirectRoom(alice.id, bot.person.id);
    const group = emu.createGroupRoom('Team', [alice.id, bot.person.id]);
    await sendJson('POST', `${emu.apiUrl}/webhooks`, bot.token, { name: 'filtered', targetUrl: receiver.url, resource: 'messages', event: 'all', filter: `roomId=${direct.id}` });
    await emu.idle();
    receiver.received.length = 0;
    emu.say({ as: alice.id, roomId: group.id, text: 'x', mentionBot: true });
    const reply = await sendJson('POST', `${emu.apiUrl}/messages`, bot.token, { roomId: direct.id, text: 'hello' });
    expect((await sendJson('DELETE', `${emu.apiUrl}/messages/${reply.body.id}`, bot.token)).status).toBe(204);
    await emu.idle();
    const filtered = receiver.received.filter((r) => r.body.name === 'filtered');
    expect(filtered.map((r) => `${r.body.event}:${r.body.data.roomId === direct.id}`)).toEqual(['created:true', 'deleted:true']);
    expect(filtered[0]!.body.filter).toBe(`roomId=${direct.id}`);
  });

  it('delivers a fraction of events twice, byte for byte', async () => {
    const room = emu.createDirectRoom(alice.id, bot.person.id);
    await emu.idle();
    receiver.received.length = 0;
    emu.setDuplicateDeliveryRate(1);
    const m = emu.say({ as: alice.id, roomId: room.id, text: 'twice' });
    await emu.idle();
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[0]!.raw.equals(receiver.received[1]!.raw)).toBe(true);
    expect(emu.deliveries.filter((d) => d.dataId === m.id).map((d) => d.duplicate)).toEqual([false, true]);
    emu.setDuplicateDeliveryRate(0);
    emu.say({ as: alice.id, roomId: room.id, text: 'once' });
    await emu.idle();
    expect(receiver.received).toHaveLength(3);
  });

  it('records failed deliveries with the target’s status', async () => {
    receiver.status = 503;
    const room = emu.createDirectRoom(alice.id, bot.person.id);
    const m = emu.say({ as: alice.id, roomId: room.id, text: 'fail' });
    await emu.idle();
    expect(emu.deliveries.find((d) => d.dataId === m.id)).toMatchObject({ status: 503 });
  });
});
