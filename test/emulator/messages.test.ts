import { startEmulator, type Emulator } from '../../dev/sandbox/emulator';
import { bearer, getJson, sendJson } from './helpers';
import { DEADLINE_MS } from '../support/waiting';

const CARD_TYPE = 'application/vnd.microsoft.card.adaptive';
const card = (version: string, actions: number) => ({
  type: 'AdaptiveCard',
  version,
  body: [{ type: 'TextBlock', text: 'Recording' }],
  actions: Array.from({ length: actions }, (_, i) => ({ type: 'Action.Submit', title: `b${i}` })),
});

describe('emulator: messages, spaces, files', () => {
  let emu: Emulator;
  let bot: { person: { id: string }; token: string };
  let alice: { id: string };
  let aliceToken: string;

  beforeAll(async () => {
    emu = await startEmulator();
  });
  afterAll(() => emu.close());
  beforeEach(() => {
    emu.reset();
    bot = emu.createBot({ displayName: 'RecBot', email: 'recbot@webex.bot' });
    alice = emu.addPerson({ email: 'alice@example.com', displayName: 'Alice' });
    aliceToken = emu.issueToken(alice.id, { scopes: ['spark:all'] }).accessToken;
  });

  it('creates the 1:1 space on toPersonId / toPersonEmail and reuses it', async () => {
    expect(emu.directRoomOf(alice.id, bot.person.id)).toBeUndefined();
    const first = await sendJson('POST', `${emu.apiUrl}/messages`, bot.token, { toPersonId: alice.id, text: 'hi' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ roomType: 'direct', toPersonId: alice.id, personId: bot.person.id, text: 'hi' });
    const room = emu.directRoomOf(alice.id, bot.person.id)!;
    expect(room).toMatchObject({ id: first.body.roomId, type: 'direct', title: 'Alice' });
    const second = await sendJson('POST', `${emu.apiUrl}/messages`, bot.token, { toPersonEmail: 'alice@example.com', markdown: '**again**' });
    expect(second.body.roomId).toBe(room.id);
    expect(second.body.text).toBe('again');

    const memberships = await getJson(`${emu.apiUrl}/memberships?max=1000`, bot.token);
    expect(memberships.body.items).toEqual([expect.objectContaining({ roomId: room.id, personId: bot.person.id, roomType: 'direct' })]);
    expect((await getJson(`${emu.apiUrl}/rooms/${room.id}`, bot.token)).body).toMatchObject({ type: 'direct', isLocked: false });
  });

  it('threads replies one level deep, in the same space only', async () => {
    const room = emu.createGroupRoom('Team', [alice.id, bot.person.id]);
    const other = emu.createGroupRoom('Elsewhere', [alice.id, bot.person.id]);
    const ask = emu.say({ as: alice.id, roomId: room.id, text: 'recording x', mentionBot: true });
    const reply = await sendJson('POST', `${emu.apiUrl}/messages`, bot.token, { roomId: room.id, parentId: ask.id, text: 'here' });
    expect(reply.status).toBe(200);
    expect(reply.body.parentId).toBe(ask.id);
    expect((await sendJson('POST', `${emu.apiUrl}/messages`, bot.token, { roomId: room.id, parentId: reply.body.id, text: 'nested' })).status).toBe(400);
    expect((await sendJson('POST', `${emu.apiUrl}/messages`, bot.token, { roomId: other.id, parentId: ask.id, text: 'wrong room' })).status).toBe(400);
    const thread = await getJson(`${emu.apiUrl}/messages?roomId=${room.id}&parentId=${ask.id}`, aliceToken);
    expect(thread.body.items.map((m: { id: string }) => m.id)).toEqual([reply.body.id]);
  });

  it('List Messages as Webex documents it: a bot lists a group space only with mentionedPeople=me, a 1:1 space freely', async () => {
    const room = emu.createGroupRoom('Team', [alice.id, bot.person.id]);
    const direct = emu.createDirectRoom(alice.id, bot.person.id);
    const mention = emu.say({ as: alice.id, roomId: room.id, text: 'recording x', mentionBot: true });
    emu.say({ as: alice.id, roomId: room.id, text: 'just talking' });
    const reply = await sendJson('POST', `${emu.apiUrl}/messages`, bot.token, { roomId: room.id, parentId: mention.id, text: 'here' });
    const list = (query: string, token = bot.token) => getJson(`${emu.apiUrl}/messages?${query}`, token);

    // "Bots must include this parameter to list messages in group rooms (spaces)."
    const refused = await list(`roomId=${room.id}`);
    expect(refused.status).toBe(403);
    expect(refused.body.trackingId).toBeTruthy();
    expect((await list(`roomId=${room.id}&parentId=${mention.id}`)).status).toBe(403);
    // With it, only the messages that mention the bot: never the bot's own replies.
    const mine = await list(`roomId=${room.id}&mentionedPeople=me`);
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((m: { id: string }) => m.id)).toEqual([mention.id]);
    expect((await list(`roomId=${room.id}&mentionedPeople=${bot.person.id}`)).body.items).toHaveLength(1);
    // "Only me or the person ID of the current user may be specified"; at most 100 with it.
    expect((await list(`roomId=${room.id}&mentionedPeople=${alice.id}`)).status).toBe(400);
    expect((await list(`roomId=${room.id}&mentionedPeople=me&max=101`)).status).toBe(400);
    // People list group spaces freely; a bot lists its 1:1 spaces freely.
    expect((await list(`roomId=${room.id}`, aliceToken)).body.items.map((m: { id: string }) => m.id)).toContain(reply.body.id);
    const hello = await sendJson('POST', `${emu.apiUrl}/messages`, bot.token, { roomId: direct.id, text: 'hello' });
    expect((await list(`roomId=${direct.id}`)).body.items.map((m: { id: string }) => m.id)).toEqual([hello.body.id]);
    expect((await getJson(`${emu.apiUrl}/messages/direct?personId=${alice.id}`, bot.token)).body.items.map((m: { id: string }) => m.id)).toEqual([hello.body.id]);
  });

  it('the fault afterHandling posts the message, then answers with its status (a lost answer)', async () => {
    const direct = emu.createDirectRoom(alice.id, bot.person.id);
    emu.faults.add({ method: 'POST', path: '/messages', status: 502, afterHandling: true, times: 1 });
    const lost = await sendJson('POST', `${emu.apiUrl}/messages`, bot.token, { roomId: direct.id, text: 'posted anyway' });
    expect(lost.status).toBe(502);
    expect(emu.messages(direct.id).map((m) => m.text)).toEqual(['posted anyway']);
    // A request the route refuses stays refused: nothing is posted.
    emu.faults.add({ method: 'POST', path: '/messages', status: 502, afterHandling: true, times: 1 });
    expect((await sendJson('POST', `${emu.apiUrl}/messages`, bot.token, { roomId: direct.id })).status).toBe(400);
  });

  it('lets only the author delete; lists newest first', async () => {
    const room = emu.createDirectRoom(alice.id, bot.person.id);
    const mine = emu.say({ as: alice.id, roomId: room.id, text: 'one' });
    const botMsg = await sendJson('POST', `${emu.apiUrl}/messages`, bot.token, { roomId: room.id, text: 'two' });
    const list = await getJson(`${emu.apiUrl}/messages?roomId=${room.id}`, bot.token);
    expect(list.body.items.map((m: { text: string }) => m.text)).toEqual(['two', 'one']);
    const refused = await sendJson('DELETE', `${emu.apiUrl}/messages/${mine.id}`, bot.token);
    expect(refused.status).toBe(403);
    expect(refused.body.trackingId).toBeTruthy();
    expect((await sendJson('DELETE', `${emu.apiUrl}/messages/${botMsg.body.id}`, bot.token)).status).toBe(204);
    expect(emu.messages(room.id).map((m) => m.text)).toEqual(['one']);
  });

  it('enforces limits and records card warnings', async () => {
    const room = emu.createDirectRoom(alice.id, bot.person.id);
    const post = (body: Record<string, unknown>) => sendJson('POST', `${emu.apiUrl}/messages`, bot.token, { roomId: room.id, ...body });
    expect((await post({ text: 'x'.repeat(7440) })).status).toBe(400);
    expect((await post({ text: 'x'.repeat(7439) })).status).toBe(200);
    expect((await post({ text: 'two', attachments: [{ contentType: CARD_TYPE, content: card('1.3', 1) }, { contentType: CARD_TYPE, content: card('1.3', 1) }] })).status).toBe(400);
    const huge = card('1.3', 1);
    huge.body.push({ type: 'TextBlock', text: 'y'.repeat(29 * 1024) });
    expect((await post({ text: 'big', attachments: [{ contentType: CARD_TYPE, content: huge }] })).status).toBe(400);

    const good = await post({ text: 'fallback', attachments: [{ contentType: CARD_TYPE, content: card('1.3', 5) }] });
    const bad = await post({ attachments: [{ contentType: CARD_TYPE, content: card('1.5', 6) }] });
    expect(bad.status).toBe(200);
    const stored = (id: string) => emu.messages(room.id).find((m) => m.id === id)!;
    expect(stored(good.body.id).warnings).toEqual([]);
    expect(stored(bad.body.id).warnings).toHaveLength(3);
    expect(good.body).not.toHaveProperty('warnings');
    expect(emu.botMessages({ roomId: room.id }).length).toBe(3);

    const edit = await sendJson('PUT', `${emu.apiUrl}/messages/${good.body.id}`, bot.token, { roomId: room.id, text: 'edited' });
    expect(edit.status).toBe(400);
    const plain = await post({ text: 'plain' });
    const edited = await sendJson('PUT', `${emu.apiUrl}/messages/${plain.body.id}`, bot.token, { roomId: room.id, markdown: 'edited' });
    expect(edited.body).toMatchObject({ text: 'edited', updated: expect.any(String) });
  });

  it('accepts multipart files and serves them to members at /contents', async () => {
    const room = emu.createDirectRoom(alice.id, bot.person.id);
    const form = new FormData();
    form.append('roomId', room.id);
    form.append('text', 'your notes');
    form.append('files', new Blob(['Action items\n- one\n'], { type: 'text/plain' }), 'action-items.txt');
    const res = await fetch(`${emu.apiUrl}/messages`, { method: 'POST', headers: bearer(bot.token), body: form });
    expect(res.status).toBe(200);
    const message = (await res.json()) as { files: string[]; text: string };
    expect(message.files).toHaveLength(1);
    const file = await fetch(message.files[0]!, { headers: bearer(aliceToken) });
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(file.headers.get('content-disposition')).toContain('action-items.txt');
    expect(await file.text()).toBe('Action items\n- one\n');
    const stranger = emu.addPerson({ email: 'eve@example.com', displayName: 'Eve' });
    expect((await fetch(message.files[0]!, { headers: bearer(emu.issueToken(stranger.id, { scopes: ['spark:all'] }).accessToken) })).status).toBe(404);
  });

  it('pages memberships with Link headers', async () => {
    for (let i = 0; i < 5; i++) {
      const p = emu.addPerson({ email: `p${i}@example.com`, displayName: `P ${i}` });
      emu.createDirectRoom(p.id, bot.person.id);
    }
    let url: string | undefined = `${emu.apiUrl}/memberships?max=2`;
    const rooms: string[] = [];
    while (url) {
      const page: { body: any; headers: Headers } = await getJson(url, bot.token);
      rooms.push(...page.body.items.map((m: { roomId: string }) => m.roomId));
      url = /<([^>]+)>;\s*rel="next"/.exec(page.headers.get('link') ?? '')?.[1];
    }
    expect(new Set(rooms).size).toBe(5);
  });

  it('waitForMessage resolves with existing or future messages and explains timeouts', async () => {
    const room = emu.createDirectRoom(alice.id, bot.person.id);
    emu.say({ as: alice.id, roomId: room.id, text: 'already here' });
    await expect(emu.waitForMessage((m) => m.text === 'already here')).resolves.toMatchObject({ text: 'already here' });
    const later = emu.waitForMessage((m) => m.personId === bot.person.id, DEADLINE_MS);
    await sendJson('POST', `${emu.apiUrl}/messages`, bot.token, { roomId: room.id, text: 'bot answer' });
    await expect(later).resolves.toMatchObject({ text: 'bot answer' });
    await expect(emu.waitForMessage((m) => m.text === 'never', 50)).rejects.toThrow(/no matching message within 50 ms[\s\S]*bot answer/);
  });
});
