import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { startEmulator, type Emulator } from '../../dev/sandbox/emulator';
import type { Person } from '../../src/webex/types';
import { getJson, recordingFixture } from './helpers';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** A SIP URI with an extension or number as its user part, or an E.164 number. */
const NUMBER = /^(sip:\+?[0-9]+@[^;]+;user=phone|\+[1-9][0-9]{6,14})$/;
const KINDS = ['USER', 'PLACE', 'VIRTUAL_LINE', 'CALL_QUEUE'];

type Json = Record<string, unknown>;
const published = readdirSync(resolve(__dirname, '../fixtures/recording-metadata'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(resolve(__dirname, '../fixtures/recording-metadata', f), 'utf8')) as Json);

/** What every published sample has: the same rules the emulator's answers are held to. */
function expectPublishedShape(m: Json): void {
  expect(m).toMatchObject({ ownerType: expect.stringMatching(/^(USER|VIRTUAL_LINE|PLACE)$/), serviceType: 'calling', version: expect.any(String) });
  for (const key of ['orgId', 'ownerId'] as const) expect(m[key]).toMatch(UUID);
  const data = m.serviceData as Json;
  expect(data.callId).toEqual(expect.any(String));
  expect(data.session).toEqual({ startTime: expect.any(String), stopTime: expect.any(String) });
  for (const side of ['callingParty', 'calledParty'] as const) {
    const party = data[side] as { actor?: { type: string; id: string }; number?: string };
    if (party.actor) {
      expect(KINDS).toContain(party.actor.type);
      expect(party.actor.id).toMatch(UUID);
    }
    if (party.number !== undefined) expect(party.number).toMatch(NUMBER);
    expect(party.actor ?? party.number).toBeDefined();
  }
  if (data.personality !== undefined) expect(['originator', 'terminator']).toContain(data.personality);
}

/** GET /convergedRecordings/{id}/metadata in the shapes Webex publishes (test/fixtures/recording-metadata). */
describe('emulator: recording metadata as Webex publishes it', () => {
  let emu: Emulator;
  let alice: Person;
  let bob: Person;
  let token: string;
  const uuidOf = (id: string) => Buffer.from(id, 'base64').toString('utf8').split('/').pop()!;
  const metadata = async (id: string) => {
    const res = await getJson(`${emu.apiUrl}/convergedRecordings/${id}/metadata`, token);
    expect(res.status).toBe(200);
    return res.body as Json & { serviceData: Json & Record<'callingParty' | 'calledParty', Json> };
  };

  beforeAll(async () => {
    emu = await startEmulator();
  });
  afterAll(async () => {
    await emu.close();
  });
  beforeEach(() => {
    emu.reset();
    alice = emu.addPerson({ email: 'alice@example.com', displayName: 'Alice Owner' });
    bob = emu.addPerson({ email: 'bob@example.com', displayName: 'Bob Smith' });
    token = emu.issueToken(alice.id, { scopes: ['spark:recordings_read'] }).accessToken;
  });
  const add = (id: string, call?: Parameters<typeof recordingFixture>[0]['call'], extra: Json = {}) =>
    emu.addRecording(recordingFixture({ id, ownerId: alice.id, ownerEmail: 'alice@example.com', ...(call ? { call } : {}), ...extra }));

  it.each(published.map((m) => [String(m.id), m] as const))('the published sample %s has the shape the emulator is held to', (_id, m) => {
    expectPublishedShape(m);
  });

  it('a call with a person: USER actors by bare UUID (not Webex IDs), upper-case ownerType, SIP numbers; the owner calls, so the owner is the calling party', async () => {
    add('with-bob', { direction: 'outgoing', other: { personId: bob.id, extension: '4060' } });
    const m = await metadata('with-bob');
    expectPublishedShape(m);
    expect(m).toMatchObject({ ownerId: uuidOf(alice.id), ownerType: 'USER', ownerName: 'Alice Owner', ownerEmail: 'alice@example.com' });
    expect(m.serviceData).toMatchObject({
      personality: 'originator',
      callingParty: { actor: { type: 'USER', id: uuidOf(alice.id) }, number: 'sip:4001@10.0.0.1;user=phone' },
      calledParty: { actor: { type: 'USER', id: uuidOf(bob.id) }, number: 'sip:4060@10.0.0.1;user=phone' },
    });
  });

  it('an outside number calls the owner: E.164 without an actor, the owner is the called party', async () => {
    add('from-outside', { direction: 'incoming', other: { number: '+1 415 555 0123' } });
    const m = await metadata('from-outside');
    expectPublishedShape(m);
    expect(m.serviceData.personality).toBe('terminator');
    expect(m.serviceData.callingParty).toEqual({ number: '+14155550123' });
    expect(m.serviceData.calledParty).toMatchObject({ actor: { type: 'USER', id: uuidOf(alice.id) } });
  });

  it.each(['PLACE', 'VIRTUAL_LINE', 'CALL_QUEUE'] as const)('the other party as a %s: upper-case type, a UUID, a name where given', async (kind) => {
    add(`with-${kind}`, { direction: 'outgoing', other: { kind, name: `The ${kind}`, extension: '5000' } });
    const m = await metadata(`with-${kind}`);
    expectPublishedShape(m);
    expect(m.serviceData.calledParty).toEqual({ actor: { type: kind, id: expect.stringMatching(UUID) }, number: 'sip:5000@10.0.0.1;user=phone', name: `The ${kind}` });
  });

  it('without a call in the fixture: an outgoing call to an outside E.164 number; a virtual line owner as VIRTUAL_LINE', async () => {
    add('default', undefined, { ownerType: 'virtualLine' });
    const m = await metadata('default');
    expectPublishedShape(m);
    expect(m.ownerType).toBe('VIRTUAL_LINE');
    expect(m.serviceData.calledParty).toEqual({ number: expect.stringMatching(/^\+1415555\d{4}$/) });
  });

  it('the details, as the API reference\'s sample: ownerId the same bare UUID, ownerType in lower case', async () => {
    add('details');
    const details = await getJson(`${emu.apiUrl}/convergedRecordings/details`, token);
    expect(details.body).toMatchObject({ ownerId: uuidOf(alice.id), ownerType: 'user' });
    expect((await metadata('details')).ownerId).toBe(details.body.ownerId);
  });
});
