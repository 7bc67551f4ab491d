import { createHmac } from 'node:crypto';
import type { Message, Person } from '../../src/webex/types';
import { DEADLINE_MS } from '../support/waiting';
import {
  addComplianceOfficer,
  allTextOf,
  cardOf,
  connectPerson,
  nextBotMessage,
  openUrlsOf,
  submitDataOf,
  WEBHOOK_SECRET,
  type BotProcess,
} from './harness';
import { startWorld, type BotWorld } from './world';

/** New recordings come to their owner: `notify on|off|here` end to end, in webhook mode. */
describe('new-recording notifications (e2e, webhook mode)', () => {
  let world: BotWorld;
  let bot: BotProcess;
  let carla: Person;
  let carlaDirect: string;
  let dave: Person;
  let daveDirect: string;

  beforeAll(async () => {
    world = await startWorld({
      env: { COMMANDS_PER_MINUTE: '100' },
      prepare: (w) => {
        ({ carla, carlaDirect } = addComplianceOfficer(w));
        w.emulator.addMember(w.group, carla.id);
        dave = w.emulator.addPerson({ email: 'dave@example.com', displayName: 'Dave Later', timezone: 'Europe/London' });
        daveDirect = w.emulator.createDirectRoom(dave.id, w.botPerson.id).id;
      },
      signIn: ['alice', 'bob'],
    });
    bot = world.bot;
    await connectPerson(world, carla, carlaDirect);
    await connectPerson(world, dave, daveDirect);
  });

  afterAll(async () => {
    await world?.close();
  });

  const notCardNote = (m: Message) => !(m.markdown ?? '').startsWith('Looking up recording');
  const say = async (as: Person, roomId: string, text: string, mentionBot = false) => {
    const reply = nextBotMessage(world, roomId, notCardNote);
    world.emulator.say({ as: as.id, roomId, text, mentionBot });
    return reply;
  };
  const recordingHooks = (person: Person) => world.emulator.webhooksOf(person.id).filter((w) => w.resource === 'convergedRecordings');
  /** The bot's card about this recording, in this space. */
  const cardAbout = (roomId: string, recordingId: string, timeoutMs = DEADLINE_MS) =>
    nextBotMessage(world, roomId, (m) => Boolean(m.attachments?.length) && allTextOf(m).includes(recordingId), timeoutMs);
  const messagesAbout = (roomId: string, recordingId: string) => world.emulator.messages(roomId).filter((m) => m.personId === world.botPerson.id && allTextOf(m).includes(recordingId));

  it('`notify on` registers one signed convergedRecordings webhook with the person\'s own token, idempotently', async () => {
    expect(allTextOf(await say(world.alice, world.aliceDirect, 'notify on'))).toContain('by direct message');
    const hooks = recordingHooks(world.alice);
    expect(hooks).toHaveLength(1);
    expect(hooks[0]).toMatchObject({ event: 'created', createdBy: world.alice.id, targetUrl: `${bot.url}/webhooks/recordings`, status: 'active' });
    expect(hooks[0]!.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(hooks[0]!.secret).not.toBe(WEBHOOK_SECRET);
    const created = world.emulator.calls.filter((c) => c.method === 'POST' && c.path === '/v1/webhooks' && c.caller.personId === world.alice.id);
    expect(created).toHaveLength(1);
    // The bot's own webhooks are untouched, and none of them is a recording webhook.
    expect(world.emulator.webhooksOf(world.botPerson.id).map((w) => w.resource).sort()).toEqual(['all', 'attachmentActions']);
    await say(world.alice, world.aliceDirect, 'notify on');
    expect(recordingHooks(world.alice).map((w) => w.id)).toEqual([hooks[0]!.id]);
    expect(allTextOf(await say(world.alice, world.aliceDirect, 'notify'))).toContain('**on**, sent to you by direct message');
    expect(allTextOf(await say(world.alice, world.aliceDirect, 'whoami'))).toContain('New-recording notifications: **on**');
  });

  it('a new recording comes to its owner once, as the 1:1 card with links, a duplicate delivery adds nothing', async () => {
    world.emulator.setDuplicateDeliveryRate(1);
    const card = cardAbout(world.aliceDirect, 'Call with the bank');
    const fixture = world.emulator.newRecording({ owner: world.alice.id, topic: 'Call with the bank' });
    const message = await card.then((m) => m, () => null);
    world.emulator.setDuplicateDeliveryRate(0);
    expect(message).not.toBeNull();
    expect(allTextOf(message!)).toContain(fixture.id);
    expect(openUrlsOf(cardOf(message!)).some((u) => u.includes('/downloads/audio/'))).toBe(true);
    const deliveries = world.emulator.deliveries.filter((d) => d.dataId === fixture.id);
    await world.emulator.idle();
    expect(world.emulator.deliveries.filter((d) => d.dataId === fixture.id).map((d) => d.status)).toEqual([200, 200]);
    expect(deliveries.length).toBeGreaterThanOrEqual(1);
    // A later recording as the marker: once its card is here, the duplicate had its chance.
    const marker = cardAbout(world.aliceDirect, 'Marker one');
    world.emulator.newRecording({ owner: world.alice.id, topic: 'Marker one' });
    await marker;
    expect(messagesAbout(world.aliceDirect, fixture.id)).toHaveLength(1);
  });

  it('a forged delivery gets 401 and no card; the bot\'s own secret does not sign recording events', async () => {
    const fixture = world.emulator.newRecording({ owner: world.bob.id, topic: 'Not for the forger' });
    await world.emulator.idle();
    const [hook] = recordingHooks(world.alice);
    const body = JSON.stringify({ id: hook!.id, name: hook!.name, resource: 'convergedRecordings', event: 'created', data: { id: fixture.id } });
    const post = (signature: string) =>
      fetch(`${bot.url}/webhooks/recordings`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-spark-signature': signature }, body });
    expect((await post(createHmac('sha1', 'guessed').update(body).digest('hex'))).status).toBe(401);
    expect((await post(createHmac('sha1', WEBHOOK_SECRET).update(body).digest('hex'))).status).toBe(401);
    expect((await fetch(`${bot.url}/webhooks/recordings`, { method: 'POST', body })).status).toBe(401);
    const marker = cardAbout(world.aliceDirect, 'Marker two');
    world.emulator.newRecording({ owner: world.alice.id, topic: 'Marker two' });
    await marker;
    expect(messagesAbout(world.aliceDirect, fixture.id)).toEqual([]);
  });

  it('a token refresh in between: still delivered', async () => {
    const grants = world.emulator.tokenStats(world.alice.id).refreshGrants;
    world.emulator.expireAccessTokens(world.alice.id);
    const card = cardAbout(world.aliceDirect, 'After the refresh');
    world.emulator.newRecording({ owner: world.alice.id, topic: 'After the refresh' });
    expect(allTextOf(await card)).toContain('After the refresh');
    expect(world.emulator.tokenStats(world.alice.id).refreshGrants).toBe(grants + 1);
  });

  it('`notify here`: a link-free card in the group, and the links by DM to whoever clicks, with their own access', async () => {
    expect(allTextOf(await say(world.alice, world.group, 'notify here', true))).toContain('announced in this space');
    expect(recordingHooks(world.alice)).toHaveLength(1);
    const groupCard = cardAbout(world.group, 'Team review call');
    const direct = cardAbout(world.aliceDirect, 'Team review call');
    const fixture = world.emulator.newRecording({ owner: world.alice.id, topic: 'Team review call' });
    const inGroup = await groupCard;
    await direct;
    const groupText = allTextOf(inGroup);
    expect(groupText).not.toContain('/downloads/');
    expect(openUrlsOf(cardOf(inGroup))).toEqual([]);
    const sendLinks = submitDataOf(cardOf(inGroup)).find((d) => d.action === 'sendLinks');
    expect(sendLinks).toMatchObject({ recordingId: fixture.id });
    // Carla (compliance) clicks: her links, fetched with her token, by DM.
    const toCarla = cardAbout(carlaDirect, fixture.id);
    world.emulator.click({ as: carla.id, messageId: inGroup.id, inputs: sendLinks! });
    const carlaCard = await toCarla;
    expect(openUrlsOf(cardOf(carlaCard)).some((u) => u.includes('/downloads/audio/'))).toBe(true);
    const details = world.emulator.calls.filter((c) => c.path === `/v1/convergedRecordings/${fixture.id}`);
    expect(details.at(-1)!.caller.personId).toBe(carla.id);
    // Bob may not see it: he is told so, by DM, and gets no links.
    const toBob = nextBotMessage(world, world.bobDirect);
    world.emulator.click({ as: world.bob.id, messageId: inGroup.id, inputs: sendLinks! });
    const bobAnswer = await toBob;
    expect(allTextOf(bobAnswer)).toMatch(/can't access/);
    expect(allTextOf(bobAnswer)).not.toContain('/downloads/');
    expect(allTextOf(await say(world.alice, world.group, 'notify off here', true))).toContain('no longer announced in this space');
  });

  it('`notify off` deletes the webhook with the person\'s token; nothing more is delivered', async () => {
    const [hook] = recordingHooks(world.alice);
    expect(allTextOf(await say(world.alice, world.aliceDirect, 'notify off'))).toContain('no more new-recording notifications');
    expect(recordingHooks(world.alice)).toEqual([]);
    const deleted = world.emulator.calls.filter((c) => c.method === 'DELETE' && c.path === `/v1/webhooks/${hook!.id}`);
    expect(deleted.map((c) => [c.status, c.caller.personId])).toEqual([[204, world.alice.id]]);
    const recordingDeliveries = () => world.emulator.deliveries.filter((d) => d.resource === 'convergedRecordings').length;
    const before = recordingDeliveries();
    world.emulator.newRecording({ owner: world.alice.id, topic: 'After notify off' });
    await world.emulator.idle();
    expect(recordingDeliveries()).toBe(before);
    expect(allTextOf(await say(world.alice, world.aliceDirect, 'notify'))).toContain('**off**');
  });

  it('`disconnect` deletes the webhook before the tokens are forgotten', async () => {
    await say(world.bob, world.bobDirect, 'notify on');
    const [hook] = recordingHooks(world.bob);
    expect(hook).toBeDefined();
    await say(world.bob, world.bobDirect, 'disconnect');
    expect(recordingHooks(world.bob)).toEqual([]);
    const deleted = world.emulator.calls.filter((c) => c.method === 'DELETE' && c.path === `/v1/webhooks/${hook!.id}`);
    expect(deleted.map((c) => [c.status, c.caller.personId])).toEqual([[204, world.bob.id]]);
  });

  it('a refused refresh: the bot tries to delete the webhook with the last token, stops, and says so once', async () => {
    await say(dave, daveDirect, 'notify on');
    const [hook] = recordingHooks(dave);
    world.emulator.revokeRefreshTokens(dave.id);
    world.emulator.expireAccessTokens(dave.id);
    const told = nextBotMessage(world, daveDirect, (m) => (m.markdown ?? '').includes('stopped telling you about new recordings'));
    world.emulator.newRecording({ owner: dave.id, topic: 'First after revocation' });
    await told;
    const deletes = world.emulator.calls.filter((c) => c.method === 'DELETE' && c.path === `/v1/webhooks/${hook!.id}`);
    expect(deletes.length).toBeGreaterThanOrEqual(1);
    // Webex still delivers to the old webhook here (the emulator keeps it): the bot ignores it.
    world.emulator.newRecording({ owner: dave.id, topic: 'Second after revocation' });
    await world.emulator.idle();
    const marker = nextBotMessage(world, daveDirect);
    world.emulator.say({ as: dave.id, roomId: daveDirect, text: 'help' });
    await marker;
    const stopped = world.emulator.messages(daveDirect).filter((m) => (m.markdown ?? '').includes('stopped telling you about new recordings'));
    expect(stopped).toHaveLength(1);
    expect(world.emulator.messages(daveDirect).filter((m) => allTextOf(m).includes('after revocation'))).toEqual([]);
  });
});
