import { silentLogger } from '../../src/log';
import { CallPartyCache, fetchCallParty } from '../../src/webex/call-party';
import { harness, json, TOKEN, type Harness } from './helpers';

const OWNER = 'owner-uuid';
const BOB = 'bob-uuid';
const metadata = {
  ownerId: OWNER,
  serviceData: {
    personality: 'originator',
    callingParty: { actor: { type: 'person', id: OWNER }, number: '+1 555 0199' },
    calledParty: { actor: { type: 'person', id: BOB }, number: '+1 555 0100' },
  },
};

describe('fetchCallParty: a call\'s parties are read once per viewer and recording', () => {
  let h: Harness;
  let now: number;
  let cache: CallPartyCache;
  const ask = (viewer: string, recordingId = 'rec-1') => fetchCallParty(h.client, TOKEN, recordingId, { cache, viewer, logger: silentLogger() });
  const metadataCalls = (recordingId = 'rec-1') => h.calls.filter((c) => c.route === '/convergedRecordings/{id}/metadata' && c.path.includes(recordingId)).length;
  const peopleCalls = () => h.calls.filter((c) => c.route === '/people/{id}').length;

  beforeEach(() => {
    h = harness();
    now = 1_000_000;
    cache = new CallPartyCache(() => new Date(now));
  });
  afterEach(async () => {
    await h.agent.close();
  });

  it('asks Webex the first time and answers from memory for the same viewer afterwards', async () => {
    h.api.intercept({ path: '/v1/convergedRecordings/rec-1/metadata', method: 'GET' }).reply(200, metadata, { headers: json });
    h.api.intercept({ path: `/v1/people/${BOB}`, method: 'GET' }).reply(200, { id: BOB, displayName: 'Bob Smith' }, { headers: json });
    const expected = { name: 'Bob Smith', number: '+1 555 0100', direction: 'outgoing' };
    expect(await ask('alice')).toEqual(expected);
    expect(await ask('alice')).toEqual(expected);
    expect(metadataCalls()).toBe(1);
    expect(peopleCalls()).toBe(1);
  });

  it('does not share one viewer\'s answer with another viewer, and forgets it after an hour', async () => {
    h.api.intercept({ path: '/v1/convergedRecordings/rec-1/metadata', method: 'GET' }).reply(200, metadata, { headers: json }).times(3);
    h.api.intercept({ path: `/v1/people/${BOB}`, method: 'GET' }).reply(200, { id: BOB, displayName: 'Bob Smith' }, { headers: json }).times(2);
    await ask('alice');
    expect(await ask('carol')).toMatchObject({ name: 'Bob Smith' });
    expect(metadataCalls()).toBe(2);
    now += 60 * 60 * 1000 + 1;
    expect(await ask('alice')).toMatchObject({ name: 'Bob Smith' });
    expect(metadataCalls()).toBe(3);
    expect(peopleCalls()).toBe(2);
  });

  it('keeps "names nobody", but not a refusal or a failed name lookup: the next card asks again', async () => {
    h.api.intercept({ path: '/v1/convergedRecordings/nobody/metadata', method: 'GET' }).reply(200, { ownerId: OWNER, serviceData: {} }, { headers: json });
    expect(await ask('alice', 'nobody')).toBeUndefined();
    expect(await ask('alice', 'nobody')).toBeUndefined();
    expect(metadataCalls('nobody')).toBe(1);

    h.api.intercept({ path: '/v1/convergedRecordings/refused/metadata', method: 'GET' }).reply(403, { message: 'no' }, { headers: json });
    h.api.intercept({ path: '/v1/convergedRecordings/refused/metadata', method: 'GET' }).reply(200, metadata, { headers: json });
    h.api.intercept({ path: `/v1/people/${BOB}`, method: 'GET' }).reply(404, { message: 'gone' }, { headers: json });
    h.api.intercept({ path: `/v1/people/${BOB}`, method: 'GET' }).reply(200, { id: BOB, displayName: 'Bob Smith' }, { headers: json });
    h.api.intercept({ path: '/v1/convergedRecordings/refused/metadata', method: 'GET' }).reply(200, metadata, { headers: json });
    expect(await ask('alice', 'refused')).toBeUndefined();
    // The name lookup fails: the number alone is shown, and not kept.
    expect(await ask('alice', 'refused')).toEqual({ number: '+1 555 0100', direction: 'outgoing' });
    expect(await ask('alice', 'refused')).toEqual({ name: 'Bob Smith', number: '+1 555 0100', direction: 'outgoing' });
    expect(await ask('alice', 'refused')).toEqual({ name: 'Bob Smith', number: '+1 555 0100', direction: 'outgoing' });
    expect(metadataCalls('refused')).toBe(3);
  });
});
