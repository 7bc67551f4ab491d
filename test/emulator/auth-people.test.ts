import { startEmulator, type Emulator } from '../../dev/sandbox/emulator';
import { getJson } from './helpers';

describe('emulator: authentication, people, call log', () => {
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
    alice = emu.addPerson({ email: 'alice@example.com', displayName: 'Alice Owner', timezone: 'Asia/Kathmandu' });
  });

  it('listens on 127.0.0.1 and exposes apiUrl', () => {
    expect(emu.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emu.apiUrl).toBe(`${emu.url}/v1`);
  });

  it('answers 401 in the Webex error shape with a TrackingID header', async () => {
    for (const token of [undefined, 'not-a-token']) {
      const res = await getJson(`${emu.apiUrl}/people/me`, token);
      expect(res.status).toBe(401);
      const trackingId = res.headers.get('trackingid');
      expect(trackingId).toMatch(/^EMU_[0-9a-f-]{36}$/);
      expect(res.body).toEqual({
        message: expect.any(String),
        errors: [{ description: expect.any(String) }],
        trackingId,
      });
    }
  });

  it('GET /people/me tells bots and people apart and includes timezone when set', async () => {
    const me = await getJson(`${emu.apiUrl}/people/me`, bot.token);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: bot.person.id, type: 'bot', emails: ['recbot@webex.bot'] });
    expect(me.body.timezone).toBeUndefined();

    const { accessToken } = emu.issueToken(alice.id, { scopes: ['spark:people_read'] });
    const mine = await getJson(`${emu.apiUrl}/people/me`, accessToken);
    expect(mine.body).toMatchObject({ id: alice.id, type: 'person', timezone: 'Asia/Kathmandu', displayName: 'Alice Owner' });
  });

  it('uses Webex-style base64 IDs that decode to ciscospark://us/PEOPLE/<uuid>', () => {
    const decoded = Buffer.from(alice.id, 'base64').toString('utf8');
    expect(decoded).toMatch(/^ciscospark:\/\/us\/PEOPLE\/[0-9a-f-]{36}$/);
    expect(alice.id).not.toMatch(/=/);
  });

  it('looks people up by id list (with notFoundIds), by email and by id', async () => {
    const missing = Buffer.from('ciscospark://us/PEOPLE/00000000-0000-0000-0000-000000000000').toString('base64').replace(/=+$/, '');
    const batch = await getJson(`${emu.apiUrl}/people/?id=${alice.id},${bot.person.id},${missing}&showAllTypes=false`, bot.token);
    expect(batch.status).toBe(200);
    expect(batch.body.items.map((p: { id: string }) => p.id)).toEqual([alice.id, bot.person.id]);
    expect(batch.body.notFoundIds).toEqual([missing]);

    const byEmail = await getJson(`${emu.apiUrl}/people?email=ALICE@example.com`, bot.token);
    expect(byEmail.body.items).toHaveLength(1);
    const byId = await getJson(`${emu.apiUrl}/people/${encodeURIComponent(alice.id)}`, bot.token);
    expect(byId.body.displayName).toBe('Alice Owner');
    expect((await getJson(`${emu.apiUrl}/people/${missing}`, bot.token)).status).toBe(404);
  });

  it('Get Person Details by Webex ID only (metadata names people by bare UUID: convert first), a person\'s token with a people scope', async () => {
    const uuid = Buffer.from(alice.id, 'base64').toString('utf8').split('/').pop()!;
    expect((await getJson(`${emu.apiUrl}/people/${uuid}`, bot.token)).status).toBe(404);
    const reader = emu.issueToken(alice.id, { scopes: ['spark:recordings_read', 'spark:people_read'] }).accessToken;
    expect((await getJson(`${emu.apiUrl}/people/${encodeURIComponent(alice.id)}`, reader)).status).toBe(200);
    const recordingsOnly = emu.issueToken(alice.id, { scopes: ['spark:recordings_read'] }).accessToken;
    expect((await getJson(`${emu.apiUrl}/people/${encodeURIComponent(alice.id)}`, recordingsOnly)).status).toBe(403);
  });

    it('answers 404 Webex-shaped for unknown paths', async () => {
    const unknown = await getJson(`${emu.apiUrl}/nothing/here`, bot.token);
    expect(unknown.status).toBe(404);
    expect(unknown.body.trackingId).toBe(unknown.headers.get('trackingid'));
    const outside = await getJson(`${emu.url}/nothing/here`);
    expect(outside.status).toBe(404);
    expect(outside.body.errors).toHaveLength(1);
  });

  it('logs every call with caller, status and tracking ID, and emits call events', async () => {
    const seen: unknown[] = [];
    emu.events.on('call', (c) => seen.push(c));
    const res = await getJson(`${emu.apiUrl}/people/me`, bot.token);
    await getJson(`${emu.apiUrl}/people/me`);
    const [ok, anonymous] = emu.calls.slice(-2);
    expect(ok).toMatchObject({ method: 'GET', path: '/v1/people/me', status: 200, caller: { personId: bot.person.id, kind: 'bot' } });
    expect(ok!.trackingId).toBe(res.headers.get('trackingid'));
    expect(ok!.durationMs).toBeGreaterThanOrEqual(0);
    expect(anonymous).toMatchObject({ status: 401, caller: { personId: null, kind: 'anonymous' } });
    expect(anonymous!.seq).toBe(ok!.seq + 1);
    expect(seen).toHaveLength(2);
  });
});
