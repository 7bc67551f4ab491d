import { createHmac } from 'node:crypto';
import { startEmulator, type Emulator } from '../../dev/sandbox/emulator';
import type { Person } from '../../src/webex/types';
import { getJson, recordingFixture, sendJson, startReceiver, type Receiver } from './helpers';

const USER = 'spark:recordings_read';
const ADMIN = 'spark-admin:recordings_read';
const COMPLIANCE = 'spark-compliance:recordings_read';
const DAY = 24 * 3600_000;

/** Recording webhooks, the metadata endpoint and the org-wide list. */
describe('emulator: new recordings, metadata and the admin list', () => {
  let emu: Emulator;
  let receiver: Receiver;
  let bot: { person: Person; token: string };
  let alice: Person;
  let bob: Person;
  let adam: Person;
  let carla: Person;
  const tokens: Record<string, string> = {};
  const hook = (token: string, extra: Record<string, unknown> = {}) =>
    sendJson('POST', `${emu.apiUrl}/webhooks`, token, { name: 'recordings', targetUrl: receiver.url, resource: 'convergedRecordings', event: 'created', secret: 'rec-secret', ...extra });

  beforeAll(async () => {
    emu = await startEmulator();
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await emu.close();
    await receiver.close();
  });
  beforeEach(() => {
    emu.reset();
    receiver.received.length = 0;
    bot = emu.createBot({ displayName: 'RecBot', email: 'recbot@webex.bot' });
    alice = emu.addPerson({ email: 'alice@example.com', displayName: 'Alice Owner' });
    bob = emu.addPerson({ email: 'bob@example.com', displayName: 'Bob Smith' });
    adam = emu.addPerson({ email: 'adam@example.com', displayName: 'Adam Admin', role: 'admin' });
    carla = emu.addPerson({ email: 'carla@example.com', displayName: 'Carla Compliance', role: 'compliance' });
    tokens.alice = emu.issueToken(alice.id, { scopes: [USER, 'spark:people_read'] }).accessToken;
    tokens.bob = emu.issueToken(bob.id, { scopes: [USER] }).accessToken;
    tokens.noScope = emu.issueToken(bob.id, { scopes: ['spark:people_read'] }).accessToken;
    tokens.adam = emu.issueToken(adam.id, { scopes: [ADMIN] }).accessToken;
    tokens.carla = emu.issueToken(carla.id, { scopes: [COMPLIANCE] }).accessToken;
  });

  it('creates convergedRecordings webhooks only for tokens with a recordings scope; each owner alone lists and deletes theirs', async () => {
    expect((await hook(bot.token)).status).toBe(403);
    expect((await hook(tokens.noScope!)).status).toBe(403);
    expect((await hook(tokens.bob!, { ownedBy: 'org' })).status).toBe(403);
    const created = await hook(tokens.alice!);
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ resource: 'convergedRecordings', event: 'created', ownedBy: 'creator', status: 'active' });
    expect((await getJson(`${emu.apiUrl}/webhooks`, tokens.alice)).body.items.map((w: { id: string }) => w.id)).toEqual([created.body.id]);
    expect((await getJson(`${emu.apiUrl}/webhooks`, tokens.bob)).body.items).toEqual([]);
    expect((await getJson(`${emu.apiUrl}/webhooks`, bot.token)).body.items).toEqual([]);
    expect((await sendJson('DELETE', `${emu.apiUrl}/webhooks/${created.body.id}`, tokens.bob)).status).toBe(404);
    expect((await sendJson('DELETE', `${emu.apiUrl}/webhooks/${created.body.id}`, bot.token)).status).toBe(404);
    expect((await sendJson('DELETE', `${emu.apiUrl}/webhooks/${created.body.id}`, tokens.alice)).status).toBe(204);
    expect(emu.webhooksOf(alice.id)).toEqual([]);
  });

  it('a new recording fires its owner’s webhooks and org-wide ones, signed with each webhook’s secret', async () => {
    await hook(tokens.alice!);
    await hook(tokens.bob!, { secret: 'bob-secret' });
    await hook(tokens.carla!, { ownedBy: 'org', secret: 'org-secret' });
    const fixture = emu.newRecording({ owner: alice.id, topic: 'Renewal call' });
    await emu.idle();
    expect(receiver.received).toHaveLength(2);
    const [own, org] = [...receiver.received].sort((a, b) => String(a.body.ownedBy).localeCompare(String(b.body.ownedBy)));
    expect(own!.body).toMatchObject({ resource: 'convergedRecordings', event: 'created', createdBy: alice.id, ownedBy: 'creator', data: { id: fixture.id } });
    expect(own!.headers['x-spark-signature']).toBe(createHmac('sha1', 'rec-secret').update(own!.raw).digest('hex'));
    expect(org!.body).toMatchObject({ ownedBy: 'org', createdBy: carla.id, data: { id: fixture.id } });
    expect(org!.headers['x-spark-signature']).toBe(createHmac('sha1', 'org-secret').update(org!.raw).digest('hex'));
    // The owner can fetch it at once, with links.
    const details = await getJson(`${emu.apiUrl}/convergedRecordings/${fixture.id}`, tokens.alice);
    expect(details.status).toBe(200);
    expect(details.body).toMatchObject({ topic: 'Renewal call', ownerEmail: 'alice@example.com', temporaryDirectDownloadLinks: { audioDownloadLink: expect.any(String) } });
  });

  it('the HTTP control call makes a recording appear for a person by email', async () => {
    await hook(tokens.bob!);
    const res = await fetch(`${emu.url}/_emulator/recordings/new`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ owner: 'bob@example.com', topic: 'From the page' }),
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    await emu.idle();
    expect(receiver.received.map((r) => r.body.data.id)).toEqual([id]);
    expect((await getJson(`${emu.apiUrl}/convergedRecordings/${id}`, tokens.bob)).body.topic).toBe('From the page');
  });

  it('metadata: refused on demand, with the details’ access rules (its shape: recording-metadata.test.ts)', async () => {
    emu.addRecording(recordingFixture({ id: 'with-bob', ownerId: alice.id, ownerEmail: 'alice@example.com', call: { direction: 'incoming', other: { personId: bob.id, number: '+1 555 0100' } } }));
    emu.addRecording(recordingFixture({ id: 'refused', ownerId: alice.id, ownerEmail: 'alice@example.com', metadataRespond: { status: 403 } }));
    expect((await getJson(`${emu.apiUrl}/convergedRecordings/with-bob/metadata`, tokens.alice)).status).toBe(200);
    expect((await getJson(`${emu.apiUrl}/convergedRecordings/refused/metadata`, tokens.alice)).status).toBe(403);
    expect((await getJson(`${emu.apiUrl}/convergedRecordings/with-bob/metadata`, tokens.bob)).status).toBe(403);
    expect((await getJson(`${emu.apiUrl}/convergedRecordings/with-bob/metadata`, bot.token)).status).toBe(403);
    expect((await getJson(`${emu.apiUrl}/convergedRecordings/with-bob/metadata`, tokens.adam)).status).toBe(200);
    expect((await getJson(`${emu.apiUrl}/convergedRecordings/nope/metadata`, tokens.carla)).status).toBe(404);
  });

  it('admin list: ownerEmail, status=deleted, topic, at most 30 days, admin or compliance only', async () => {
    const now = Date.now();
    const at = (daysAgo: number) => new Date(now - daysAgo * DAY).toISOString();
    emu.addRecording(recordingFixture({ id: 'a1', topic: 'Budget review', ownerId: alice.id, ownerEmail: 'alice@example.com', timeRecorded: at(1), createTime: at(1) }));
    emu.addRecording(recordingFixture({ id: 'a2', topic: 'Hiring', ownerId: alice.id, ownerEmail: 'alice@example.com', timeRecorded: at(2), createTime: at(2), status: 'deleted' }));
    emu.addRecording(recordingFixture({ id: 'b1', topic: 'Budget planning', ownerId: bob.id, ownerEmail: 'bob@example.com', timeRecorded: at(3), createTime: at(3) }));
    const list = (token: string, query: string) => getJson(`${emu.apiUrl}/admin/convergedRecordings?${query}`, token);
    const ids = (res: { body: { items: Array<{ id: string }> } }) => res.body.items.map((r) => r.id);
    expect(ids(await list(tokens.adam!, 'ownerEmail=alice%40example.com'))).toEqual(['a1']);
    expect(ids(await list(tokens.carla!, 'ownerEmail=alice%40example.com&status=deleted'))).toEqual(['a2']);
    expect(ids(await list(tokens.carla!, 'topic=budget'))).toEqual(['a1', 'b1']);
    expect((await list(tokens.adam!, `from=${at(31)}&to=${at(0)}`)).status).toBe(400);
    expect((await list(tokens.adam!, `from=${at(30)}&to=${at(0)}`)).status).toBe(200);
    expect((await list(tokens.alice!, 'ownerEmail=alice%40example.com')).status).toBe(403);
    expect((await list(bot.token, '')).status).toBe(403);
    // The person's own list keeps its own rules: only their recordings, the recycle bin by status.
    expect(ids(await getJson(`${emu.apiUrl}/convergedRecordings?status=deleted`, tokens.alice))).toEqual(['a2']);
  });

  it('revoking the integration removes the person’s webhooks', async () => {
    await hook(tokens.alice!);
    emu.revokeIntegration(alice.id);
    expect(emu.webhooksOf(alice.id)).toEqual([]);
    emu.newRecording({ owner: alice.id });
    await emu.idle();
    expect(receiver.received).toEqual([]);
  });
});
