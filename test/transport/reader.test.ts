/**
 * The bot reads each event itself (reader.ts), on the emulator, in this process: one read per
 * message, the click's reads side by side, nothing read for what the bot does not act on, and
 * a failed read rejects with the WebexApiError (the inbox retries the event).
 */
import { startEmulator, type Emulator } from '../../dev/sandbox/emulator';
import { createLogger } from '../../src/log';
import { idCore } from '../../src/transport/envelope';
import { createEventReader, RoomTypes, type EventReader } from '../../src/transport/reader';
import { WebexClient } from '../../src/webex/client';
import { WebexApiError } from '../../src/webex/errors';
import { postMessage } from '../../src/webex/messages';

describe('reader: the bot reads its events', () => {
  let emu: Emulator;
  let client: WebexClient;
  let botToken: string;
  let botId: string;
  let alice: { id: string };
  let direct: string;
  let group: string;
  let roomTypes: RoomTypes;

  const reader = (needClickerEmail = false): EventReader =>
    createEventReader({ client, token: botToken, identity: { personId: botId, email: 'recbot@webex.bot', displayName: 'RecBot' }, names: ['RecBot'], roomTypes, needClickerEmail });
  const messageEnvelope = (m: { id: string; roomId: string; personId: string }) => ({ resource: 'messages', event: 'created', data: { id: m.id, roomId: m.roomId, personId: m.personId } });
  const since = () => emu.calls.length;
  const readsFrom = (n: number) => emu.calls.slice(n).map((c) => `${c.method} ${c.path.replace(/\?.*$/, '')}`);

  beforeAll(async () => {
    emu = await startEmulator();
    const bot = emu.createBot({ displayName: 'RecBot', email: 'recbot@webex.bot' });
    botToken = bot.token;
    botId = bot.person.id;
    alice = emu.addPerson({ email: 'Alice@Example.com', displayName: 'Alice' });
    direct = emu.createDirectRoom(alice.id, botId).id;
    group = emu.createGroupRoom('Team', [alice.id, botId]).id;
    client = new WebexClient({ baseUrl: emu.apiUrl, logger: createLogger({ level: 'silent' }), sleep: async () => undefined });
  });
  beforeEach(() => {
    roomTypes = new RoomTypes(100);
    emu.faults.clear();
  });
  afterAll(async () => {
    await client?.close();
    await emu?.close();
  });

  it('reads a message with one call: text, sender, email and room type from the message itself', async () => {
    const said = emu.say({ as: alice.id, roomId: direct, text: '  recording   abc ' });
    const n = since();
    const event = await reader().read(messageEnvelope({ ...said, personId: alice.id }));
    expect(event).toEqual({ kind: 'message', messageId: said.id, personId: alice.id, personEmail: 'alice@example.com', roomId: direct, roomType: 'direct', text: 'recording abc' });
    expect(readsFrom(n)).toEqual([`GET /v1/messages/${said.id}`]);
  });

  it('strips the mention in a group space and drops a group message that does not mention the bot', async () => {
    const mentioned = emu.say({ as: alice.id, roomId: group, text: 'recording xyz', mentionBot: true });
    await expect(reader().read(messageEnvelope({ ...mentioned, personId: alice.id }))).resolves.toMatchObject({ roomType: 'group', text: 'recording xyz' });
    const plain = emu.say({ as: alice.id, roomId: group, text: 'lunch?' });
    // A bot cannot read it (Webex shows a bot only what mentions it): the read refuses or says it is not for the bot.
    await reader().read(messageEnvelope({ ...plain, personId: alice.id })).then(
      (event) => expect(event).toBeNull(),
      (err: unknown) => expect(err).toBeInstanceOf(WebexApiError),
    );
  });

  it("reads nothing for the bot's own message or a resource it does not act on", async () => {
    const own = await postMessage(client, botToken, { roomId: direct, markdown: 'from the bot' });
    const n = since();
    await expect(reader().read(messageEnvelope({ id: own.id, roomId: direct, personId: botId }))).resolves.toBeNull();
    await expect(reader().read({ resource: 'memberships', event: 'created', data: { id: 'x', roomId: direct } })).resolves.toBeNull();
    await expect(reader().read({ resource: 'messages', event: 'deleted', data: { id: own.id } })).resolves.toBeNull();
    await expect(reader().read({ nonsense: true })).resolves.toBeNull();
    expect(readsFrom(n)).toEqual([]);
  });

  it('reads a click with the room type beside the action, and no person read without allowed domains', async () => {
    const card = await postMessage(client, botToken, {
      roomId: group,
      markdown: 'a card',
      attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard', version: '1.3', body: [], actions: [{ type: 'Action.Submit', title: 'Go' }] } }],
    });
    const action = emu.click({ as: alice.id, messageId: card.id, inputs: { go: 1 } });
    const envelope = { resource: 'attachmentActions', event: 'created', data: { id: action.id, roomId: group, personId: alice.id, messageId: card.id } };
    let n = since();
    await expect(reader().read(envelope)).resolves.toEqual({ kind: 'click', actionId: action.id, cardMessageId: card.id, personId: alice.id, personEmail: '', roomId: group, roomType: 'group', inputs: { go: 1 } });
    expect(readsFrom(n).sort()).toEqual([`GET /v1/attachment/actions/${action.id}`, `GET /v1/rooms/${group}`].sort());
    // The room type is remembered; with allowed domains the clicker's email is read.
    n = since();
    await expect(reader(true).read(envelope)).resolves.toMatchObject({ personEmail: 'alice@example.com', roomType: 'group' });
    expect(readsFrom(n).sort()).toEqual([`GET /v1/attachment/actions/${action.id}`, `GET /v1/people/${alice.id}`].sort());
  });

  it('rejects with the WebexApiError when a read fails after retries', async () => {
    emu.faults.add({ method: 'GET', path: /^\/v1\/messages\/[^/]+$/, status: 503, times: 4 });
    const said = emu.say({ as: alice.id, roomId: direct, text: 'recording two' });
    const err = await reader().read(messageEnvelope({ ...said, personId: alice.id })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WebexApiError);
    expect(err).toMatchObject({ status: 503, path: `/messages/${said.id}`, attempts: 4 });
  });

  it('keys an event by the UUID inside its Webex ID, so a webhook and its websocket twin are one event', () => {
    const said = emu.say({ as: alice.id, roomId: direct, text: 'x' });
    const uuid = Buffer.from(said.id, 'base64').toString('utf8').split('/').pop()!;
    expect(idCore(said.id)).toBe(uuid.toLowerCase());
    expect(idCore(uuid.toUpperCase())).toBe(uuid.toLowerCase());
    expect(idCore('not-an-id')).toBe('not-an-id');
  });
});
