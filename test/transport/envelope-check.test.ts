/**
 * What counts as a Webex event envelope, before anything is stored: the shapes Webex documents
 * for its webhook envelope (resource, event, data.id, and the data fields the bot reads), nothing
 * nested deeper than a real envelope ever is.
 */
import { checkEnvelope, MAX_ENVELOPE_DEPTH, withinNestingDepth } from '../../src/transport/envelope-check';

const message = {
  id: 'WEBHOOK-1',
  name: 'webex-recording-bot',
  targetUrl: 'https://bot.example/webhooks/webex',
  resource: 'messages',
  event: 'created',
  orgId: 'ORG',
  createdBy: 'BOT',
  appId: 'APP',
  ownedBy: 'creator',
  status: 'active',
  created: '2023-11-02T00:00:00.000Z',
  actorId: 'PERSON',
  data: {
    id: 'MESSAGE-1',
    roomId: 'ROOM-1',
    roomType: 'group',
    personId: 'PERSON',
    personEmail: 'alice@example.com',
    mentionedPeople: ['BOT'],
    created: '2023-11-02T00:00:00.000Z',
  },
};

const click = {
  ...message,
  resource: 'attachmentActions',
  data: { id: 'ACTION-1', type: 'submit', messageId: 'MESSAGE-1', personId: 'PERSON', roomId: 'ROOM-1', created: '2023-11-02T00:00:00.000Z', inputs: { action: 'refresh' } },
};

const membership = {
  ...message,
  resource: 'memberships',
  data: { id: 'MEMBERSHIP-1', roomId: 'ROOM-1', personId: 'BOT', personEmail: 'bot@webex.bot', personDisplayName: 'RecBot', isModerator: false, isMonitor: false, created: '2023-11-02T00:00:00.000Z' },
};

const recording = { id: 'WEBHOOK-2', resource: 'convergedRecordings', event: 'created', data: { id: '62807eaf-0c89-492e-a3c3-c4751812603b' } };

/** Nested `levels` deep: `{"a":{"a":…1…}}`. */
function nested(levels: number, open = '{"a":', close = '}'): string {
  return `${open.repeat(levels)}1${close.repeat(levels)}`;
}

describe('checkEnvelope', () => {
  it.each([
    ['a message', message],
    ['a card click (with its inputs object)', click],
    ['a membership (booleans and names among its data)', membership],
    ['a new recording', recording],
    ['a room event with a field the bot does not read', { resource: 'rooms', event: 'updated', data: { id: 'ROOM-1', title: 'x', isLocked: true } }],
    ['an event of a resource Webex may add later', { resource: 'meetingTranscripts', event: 'created', data: { id: 'T-1' } }],
  ])('accepts %s', (_name, envelope) => {
    expect(checkEnvelope(envelope)).toEqual({ ok: true, envelope });
  });

  it.each<[string, unknown]>([
    ['null', null],
    ['an array', [message]],
    ['a number', 42],
    ['an empty object', {}],
    ['no data', { resource: 'messages', event: 'created' }],
    ['data null', { ...message, data: null }],
    ['data an array', { ...message, data: [message.data] }],
    ['data a string', { ...message, data: 'MESSAGE-1' }],
    ['data without id', { ...message, data: { roomId: 'ROOM-1' } }],
    ['an empty data.id', { ...message, data: { ...message.data, id: '' } }],
    ['an object as data.id', { ...message, data: { ...message.data, id: { $ne: null } } }],
    ['a number as data.id', { ...message, data: { ...message.data, id: 12345 } }],
    ['an array as data.id', { ...message, data: { ...message.data, id: ['MESSAGE-1'] } }],
    ['a data.id with a line break', { ...message, data: { ...message.data, id: 'MESSAGE\n1' } }],
    ['a data.id of 2,000 characters', { ...message, data: { ...message.data, id: 'M'.repeat(2000) } }],
    ['an array as data.roomId', { ...message, data: { ...message.data, roomId: ['ROOM-1', 'ROOM-2'] } }],
    ['an object as data.personId', { ...message, data: { ...message.data, personId: { id: 'PERSON' } } }],
    ['a number as data.personEmail', { ...message, data: { ...message.data, personEmail: 7 } }],
    ['an unknown roomType', { ...message, data: { ...message.data, roomType: 'everyone' } }],
    ['a string as data.mentionedPeople', { ...message, data: { ...message.data, mentionedPeople: 'BOT' } }],
    ['an object among data.mentionedPeople', { ...message, data: { ...message.data, mentionedPeople: [{ id: 'BOT' }] } }],
    ['a number as data.created', { ...message, data: { ...message.data, created: 1700000000 } }],
    ['no resource', { event: 'created', data: message.data }],
    ['a number as resource', { ...message, resource: 1 }],
    ['an array as resource', { ...message, resource: ['messages'] }],
    ['an object as event', { ...message, event: { toString: 'created' } }],
    ['an empty event', { ...message, event: '' }],
    ['a resource with punctuation', { ...message, resource: 'messages:created:x' }],
    ['an object as the webhook id', { ...message, id: { id: 'WEBHOOK-1' } }],
    ['a number as the webhook name', { ...message, name: 5 }],
    ['an object as actorId', { ...message, actorId: {} }],
  ])('refuses %s', (_name, value) => {
    const result = checkEnvelope(value);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/\S/);
  });

  it(`refuses a value nested deeper than ${MAX_ENVELOPE_DEPTH} levels, without recursing`, () => {
    const deep = JSON.parse(nested(100_000)) as unknown;
    expect(checkEnvelope({ ...message, data: { ...message.data, extra: deep } })).toEqual({ ok: false, reason: expect.stringContaining('nested') });
    const shallow = JSON.parse(nested(MAX_ENVELOPE_DEPTH - 3)) as unknown;
    expect(checkEnvelope({ ...message, data: { ...message.data, extra: shallow } }).ok).toBe(true);
  });

  it('never reads an inherited property as a field', () => {
    const data = Object.create({ id: 'INHERITED' }) as Record<string, unknown>;
    expect(checkEnvelope({ resource: 'messages', event: 'created', data }).ok).toBe(false);
  });
});

describe('withinNestingDepth (the raw body, before it is parsed)', () => {
  it('counts objects and arrays, not brackets inside strings', () => {
    expect(withinNestingDepth(Buffer.from('{"a":[{"b":"[[[[{{{{"}]}'), 3)).toBe(true);
    expect(withinNestingDepth(Buffer.from('{"a":[{"b":"[[[[{{{{"}]}'), 2)).toBe(false);
    expect(withinNestingDepth(Buffer.from('{"a":"\\"[[[[\\\\"}'), 1)).toBe(true);
  });

  it('refuses 100,000 levels of objects or arrays', () => {
    expect(withinNestingDepth(Buffer.from(nested(100_000)), MAX_ENVELOPE_DEPTH)).toBe(false);
    expect(withinNestingDepth(Buffer.from(nested(100_000, '[', ']')), MAX_ENVELOPE_DEPTH)).toBe(false);
    expect(withinNestingDepth(Buffer.from(JSON.stringify(message)), MAX_ENVELOPE_DEPTH)).toBe(true);
  });
});
