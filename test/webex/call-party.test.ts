import { silentLogger } from '../../src/log';
import { CallPartyCache, displayNumber, fetchCallParty, personIdOf, uuidOf } from '../../src/webex/call-party';
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

describe('reading the published metadata shapes', () => {
  const UUID = 'ac7913cd-d943-4e34-81a8-f66ad1a5e376';
  const WEBEX_ID = 'Y2lzY29zcGFyazovL3VzL1BFT1BMRS9hYzc5MTNjZC1kOTQzLTRlMzQtODFhOC1mNjZhZDFhNWUzNzY';

  it('shows a number as a person writes it: the extension or E.164 of a SIP URI, never the URI', () => {
    expect(displayNumber('sip:4060@10.0.0.1;user=phone')).toBe('4060');
    expect(displayNumber('sip:+14085550123@10.0.0.1;user=phone')).toBe('+14085550123');
    expect(displayNumber('tel:+14085550123')).toBe('+14085550123');
    expect(displayNumber('+14085550123')).toBe('+14085550123');
    expect(displayNumber('sip:alice@example.com')).toBeUndefined();
    expect(displayNumber('sip:####PII-EXPOSURE####@X.X.X.X')).toBeUndefined();
    expect(displayNumber(4060)).toBeUndefined();
  });

  it('a Webex person ID is the base64 of ciscospark://us/PEOPLE/<uuid>, both ways', () => {
    expect(personIdOf(UUID)).toBe(WEBEX_ID);
    expect(personIdOf(WEBEX_ID)).toBe(WEBEX_ID);
    expect(uuidOf(WEBEX_ID)).toBe(UUID);
    expect(uuidOf(UUID.toUpperCase())).toBe(UUID);
    expect(uuidOf('rec-1')).toBe('rec-1');
  });

  describe('fetchCallParty', () => {
    let h: Harness;
    const ask = (id: string) => fetchCallParty(h.client, TOKEN, id, { cache: new CallPartyCache(), viewer: 'alice', logger: silentLogger() });
    beforeEach(() => {
      h = harness();
    });
    afterEach(async () => {
      await h.agent.close();
    });

    it('without personality, the owner is found by UUID also when ownerId is a Webex ID', async () => {
      const OWNER_UUID = 'a1f5c1de-6f1e-4c8e-9d0b-2b6f3c1e7a10';
      h.api.intercept({ path: '/v1/convergedRecordings/r/metadata', method: 'GET' }).reply(
        200,
        {
          ownerId: personIdOf(OWNER_UUID),
          serviceData: {
            callingParty: { number: '+14085550123' },
            calledParty: { actor: { type: 'USER', id: OWNER_UUID }, number: 'sip:4001@10.0.0.1;user=phone' },
          },
        },
        { headers: json },
      );
      expect(await ask('r')).toEqual({ number: '+14085550123', direction: 'incoming' });
    });

    it('a call queue or a place is shown by the name Webex gives, without a people look-up', async () => {
      h.api.intercept({ path: '/v1/convergedRecordings/q/metadata', method: 'GET' }).reply(
        200,
        { ownerId: 'o', serviceData: { personality: 'ORIGINATOR', calledParty: { actor: { type: 'CALL_QUEUE', id: UUID }, number: 'sip:5000@10.0.0.1;user=phone', name: 'Support queue' } } },
        { headers: json },
      );
      expect(await ask('q')).toEqual({ name: 'Support queue', number: '5000', direction: 'outgoing' });
      expect(h.calls.filter((c) => c.route === '/people/{id}')).toHaveLength(0);
    });
  });
});
