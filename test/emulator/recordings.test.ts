import { startEmulator, type Emulator } from '../../dev/sandbox/emulator';
import { getJson, recordingFixture } from './helpers';

const REC = '62807eaf-0c89-492e-a3c3-c4751812603b';
const OTHER = '7ee40776779243b4b3da448d941b34dc';
const PURGED = 'purged-0000-recording';

describe('emulator: converged recordings', () => {
  let now = Date.parse('2023-11-02T00:00:00Z');
  let emu: Emulator;
  let owner: { id: string };
  let tokens: Record<'owner' | 'other' | 'admin' | 'compliance' | 'noScope' | 'bot', string>;

  beforeAll(async () => {
    emu = await startEmulator({ now: () => now });
  });
  afterAll(() => emu.close());
  beforeEach(() => {
    now = Date.parse('2023-11-02T00:00:00Z');
    emu.reset();
    owner = emu.addPerson({ email: 'owner@example.com', displayName: 'Olga Owner' });
    const other = emu.addPerson({ email: 'other@example.com', displayName: 'Otto Other' });
    const admin = emu.addPerson({ email: 'admin@example.com', displayName: 'Ada Admin', role: 'admin' });
    const officer = emu.addPerson({ email: 'co@example.com', displayName: 'Cora Compliance', role: 'compliance' });
    const bot = emu.createBot({ displayName: 'RecBot', email: 'recbot@webex.bot' });
    const uuid = Buffer.from(owner.id, 'base64').toString().split('/').pop()!;
    emu.addRecording(recordingFixture({ id: REC, ownerId: uuid, ownerEmail: 'owner@example.com', links: ['audio', 'transcript', 'suggestedNotes', 'shortNotes', 'actionItems'] }));
    emu.addRecording(recordingFixture({ id: OTHER, ownerId: other.id, ownerEmail: 'other@example.com' }));
    emu.addRecording(recordingFixture({ id: PURGED, ownerId: owner.id, ownerEmail: 'owner@example.com', status: 'purged' }));
    tokens = {
      owner: emu.issueToken(owner.id, { scopes: ['spark:recordings_read', 'spark:people_read'] }).accessToken,
      other: emu.issueToken(other.id, { scopes: ['spark:recordings_read'] }).accessToken,
      admin: emu.issueToken(admin.id, { scopes: ['spark-admin:recordings_read'] }).accessToken,
      compliance: emu.issueToken(officer.id, { scopes: ['spark-compliance:recordings_read'] }).accessToken,
      noScope: emu.issueToken(owner.id, { scopes: ['spark:people_read'] }).accessToken,
      bot: bot.token,
    };
  });

  const get = (id: string, token: string, headers: Record<string, string> = {}) =>
    getJson(`${emu.apiUrl}/convergedRecordings/${encodeURIComponent(id)}`, token, headers);

  it('gives the owner the recording with links that expire 3 hours later (UTC, Z)', async () => {
    const res = await get(REC, tokens.owner);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: REC, topic: 'call with default', format: 'MP3', status: 'available', durationSeconds: 298 });
    const links = res.body.temporaryDirectDownloadLinks;
    expect(links.expiration).toBe('2023-11-02T03:00:00Z');
    expect(links.audioDownloadLink).toMatch(new RegExp(`^${emu.url}/downloads/audio/[^/]+\\.mp3$`));
    expect(links.transcriptDownloadLink).toMatch(/\/downloads\/transcript\/[^/]+\.txt$/);
    expect(links.suggestedNotesDownloadLink).toContain(`/v1/convergedRecordings/${REC}/suggestedNotes?ticket=`);
    expect(links.shortNotesDownloadLink).toContain('/shortNotes?ticket=');
    expect(links.actionItemsDownloadLink).toContain('/actionItems?ticket=');
  });

  it('enforces scopes: other user 403, unknown 404, admin without links, compliance sees purged, bots and no scope 403', async () => {
    expect((await get(OTHER, tokens.owner)).status).toBe(403);
    expect((await get('does-not-exist', tokens.owner)).status).toBe(404);
    expect((await get(PURGED, tokens.owner)).status).toBe(404);
    expect((await get(PURGED, tokens.admin)).status).toBe(404);
    expect((await get(REC, tokens.noScope)).status).toBe(403);
    expect((await get(REC, tokens.bot)).status).toBe(403);

    const admin = await get(OTHER, tokens.admin);
    expect(admin.status).toBe(200);
    expect(admin.body.temporaryDirectDownloadLinks).toBeUndefined();

    const compliance = await get(PURGED, tokens.compliance);
    expect(compliance.status).toBe(200);
    expect(compliance.body.status).toBe('purged');
    expect(compliance.body.temporaryDirectDownloadLinks.audioDownloadLink).toBeDefined();
  });

  it('omits the links object when Prevent Downloading is on', async () => {
    emu.addRecording(recordingFixture({ id: 'locked-down', ownerId: owner.id, ownerEmail: 'owner@example.com', preventDownload: true }));
    const res = await get('locked-down', tokens.owner);
    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty('temporaryDirectDownloadLinks');
  });

  it('writes times with the offset of the timezone header at that instant', async () => {
    expect((await get(REC, tokens.owner)).body).toMatchObject({ createTime: '2023-11-01T15:09:05Z', timeRecorded: '2023-11-01T07:27:29Z' });
    const kathmandu = await get(REC, tokens.owner, { timezone: 'Asia/Kathmandu' });
    expect(kathmandu.body.timeRecorded).toBe('2023-11-01T13:12:29+05:45');
    expect(kathmandu.body.temporaryDirectDownloadLinks.expiration).toBe('2023-11-02T03:00:00Z');

    emu.addRecording(recordingFixture({ id: 'before-dst', ownerId: owner.id, ownerEmail: 'owner@example.com', timeRecorded: '2024-03-10T06:30:00Z', createTime: '2024-03-10T06:40:00Z' }));
    emu.addRecording(recordingFixture({ id: 'after-dst', ownerId: owner.id, ownerEmail: 'owner@example.com', timeRecorded: '2024-03-10T07:30:00Z', createTime: '2024-03-10T07:40:00Z' }));
    const ny = { timezone: 'America/New_York' };
    expect((await get('before-dst', tokens.owner, ny)).body.timeRecorded).toBe('2024-03-10T01:30:00-05:00');
    expect((await get('after-dst', tokens.owner, ny)).body.timeRecorded).toBe('2024-03-10T03:30:00-04:00');

    const bad = await get(REC, tokens.owner, { timezone: 'Mars/Olympus_Mons' });
    expect(bad.status).toBe(400);
    expect(bad.body.trackingId).toBe(bad.headers.get('trackingid'));
  });

  it('serves a valid MP3 and the transcript without a token; notes need a token that may see the recording', async () => {
    const links = (await get(REC, tokens.owner)).body.temporaryDirectDownloadLinks;
    const audio = await fetch(links.audioDownloadLink);
    expect(audio.status).toBe(200);
    expect(audio.headers.get('content-type')).toBe('audio/mpeg');
    const bytes = Buffer.from(await audio.arrayBuffer());
    expect(bytes[0]).toBe(0xff);
    expect(bytes[1]! & 0xe0).toBe(0xe0);
    expect(bytes.length).toBeGreaterThan(1000);

    const transcript = await fetch(links.transcriptDownloadLink);
    expect(transcript.status).toBe(200);
    expect(await transcript.text()).toContain('call with default');

    expect((await fetch(links.suggestedNotesDownloadLink)).status).toBe(401);
    expect((await getJson(links.shortNotesDownloadLink, tokens.other)).status).toBe(403);
    const notes = await fetch(links.actionItemsDownloadLink, { headers: { authorization: `Bearer ${tokens.owner}` } });
    expect(notes.status).toBe(200);
    expect(notes.headers.get('content-type')).toMatch(/^text\/plain/);

    expect((await fetch(`${emu.url}/downloads/audio/unknown.mp3`)).status).toBe(404);
    now += 3 * 3600 * 1000 + 1000;
    expect((await fetch(links.audioDownloadLink)).status).toBe(403);
    expect(emu.calls.some((c) => c.path.includes(links.audioDownloadLink.split('/').pop()!.replace('.mp3', '')))).toBe(false);
  });

  it('lists the caller’s recordings newest first within the default 7-day window, paged by Link', async () => {
    for (let i = 0; i < 5; i++) {
      emu.addRecording(recordingFixture({ id: `list-${i}`, ownerId: owner.id, ownerEmail: 'owner@example.com', timeRecorded: new Date(now - (i + 1) * 3600_000).toISOString(), createTime: new Date(now - i * 3600_000).toISOString() }));
    }
    emu.addRecording(recordingFixture({ id: 'too-old', ownerId: owner.id, ownerEmail: 'owner@example.com', timeRecorded: new Date(now - 8 * 86400_000).toISOString() }));
    now += 60_000;
    const ids: string[] = [];
    let url: string | undefined = `${emu.apiUrl}/convergedRecordings?max=2`;
    let pages = 0;
    while (url) {
      const page: { status: number; headers: Headers; body: any } = await getJson(url, tokens.owner, { timezone: 'Asia/Kathmandu' });
      expect(page.status).toBe(200);
      pages++;
      for (const item of page.body.items) {
        expect(item.temporaryDirectDownloadLinks).toBeUndefined();
        expect(item.timeRecorded).toMatch(/\+05:45$/);
        ids.push(item.id);
      }
      url = /<([^>]+)>;\s*rel="next"/.exec(page.headers.get('link') ?? '')?.[1];
    }
    expect(pages).toBe(3);
    expect(ids.slice(0, 5)).toEqual(['list-0', 'list-1', 'list-2', 'list-3', 'list-4']);
    expect(ids).toContain(REC);
    expect(ids).not.toContain('too-old');
    expect(ids).not.toContain(OTHER);
    expect(ids).not.toContain(PURGED);
    expect((await getJson(`${emu.apiUrl}/convergedRecordings?max=101`, tokens.owner)).status).toBe(400);
  });

  it('answers forced statuses with Retry-After, a given number of times, then normally', async () => {
    emu.addRecording(recordingFixture({ id: 'busy', ownerId: owner.id, ownerEmail: 'owner@example.com', respond: { status: 429, retryAfter: 7, times: 2 } }));
    for (let i = 0; i < 2; i++) {
      const res = await get('busy', tokens.owner);
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('7');
      expect(res.body).toMatchObject({ message: expect.any(String), trackingId: res.headers.get('trackingid') });
    }
    expect((await get('busy', tokens.owner)).status).toBe(200);

    for (const status of [400, 403, 404, 405, 410, 423, 428, 500, 502, 503, 504]) {
      emu.addRecording(recordingFixture({ id: `forced-${status}`, ownerId: owner.id, ownerEmail: 'owner@example.com', respond: { status } }));
      expect((await get(`forced-${status}`, tokens.owner)).status).toBe(status);
      expect((await get(`forced-${status}`, tokens.owner)).status).toBe(status);
    }
  });
});
