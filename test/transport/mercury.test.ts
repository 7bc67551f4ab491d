/** A websocket activity becomes the envelope its webhook would be (mercury.ts), with the same key. */
import { eventKey } from '../../src/inbox/events';
import { idCore, webexIdOf } from '../../src/transport/envelope';
import { activityEnvelope } from '../../src/transport/mercury';

const BOT = '0b0b0b0b-0000-4000-8000-000000000001';
const ALICE = 'a11ce000-0000-4000-8000-000000000002';
const ROOM = '4004a000-0000-4000-8000-000000000003';
const MSG = '3e55a6e0-0000-4000-8000-000000000004';
const us = () => 'us';
const post = (extra: Record<string, unknown> = {}) => ({
  id: MSG,
  verb: 'post',
  published: '2026-12-05T10:00:00.000Z',
  actor: { id: ALICE, entryUUID: ALICE },
  object: { id: MSG, objectType: 'comment' },
  target: { id: ROOM, tags: ['ONE_ON_ONE'] },
  ...extra,
});

describe('websocket activities as envelopes', () => {
  it('a 1:1 message: Webex IDs built from the UUIDs, the key of its webhook', () => {
    const envelope = activityEnvelope(post(), webexIdOf('PEOPLE', BOT), us)!;
    expect(envelope).toEqual({
      resource: 'messages',
      event: 'created',
      data: { id: webexIdOf('MESSAGE', MSG), roomId: webexIdOf('ROOM', ROOM), roomType: 'direct', personId: webexIdOf('PEOPLE', ALICE), created: '2026-12-05T10:00:00.000Z' },
    });
    const webhook = { resource: 'messages', event: 'created', data: { id: webexIdOf('MESSAGE', MSG) } };
    expect(eventKey(envelope)).toBe(eventKey(webhook));
    expect(eventKey(envelope)).toBe(`messages:created:${MSG}`);
  });

  it('a group message only when it mentions the bot', () => {
    const group = { target: { id: ROOM, tags: [] } };
    expect(activityEnvelope(post(group), webexIdOf('PEOPLE', BOT), us)).toBeNull();
    const mentioned = activityEnvelope(post({ ...group, object: { id: MSG, objectType: 'comment', mentions: { items: [{ id: BOT, objectType: 'person' }] } } }), webexIdOf('PEOPLE', BOT), us);
    expect(mentioned).toMatchObject({ data: { roomType: 'group', mentionedPeople: [webexIdOf('PEOPLE', BOT)] } });
  });

  it('a card click with its card message; other activities and malformed ones are nothing', () => {
    const click = activityEnvelope({ id: 'c1c10000-0000-4000-8000-000000000005', verb: 'cardAction', actor: { entryUUID: ALICE }, object: { objectType: 'submit', inputs: { a: 1 } }, target: { id: ROOM }, parent: { id: MSG } }, BOT, us);
    expect(click).toMatchObject({ resource: 'attachmentActions', event: 'created', data: { messageId: webexIdOf('MESSAGE', MSG), personId: webexIdOf('PEOPLE', ALICE) } });
    expect(idCore(click!.data.id)).toBe('c1c10000-0000-4000-8000-000000000005');
    expect(activityEnvelope({ ...post(), verb: 'cardAction' }, BOT, us)).toBeNull();
    expect(activityEnvelope({ ...post(), verb: 'acknowledge' }, BOT, us)).toBeNull();
    expect(activityEnvelope({ verb: 'post' }, BOT, us)).toBeNull();
    expect(activityEnvelope(null, BOT, us)).toBeNull();
  });

  it('IDs in another cluster carry it, and still share the key', () => {
    const envelope = activityEnvelope(post(), BOT, () => 'urn:TEAM:eu-central-1_k')!;
    expect(Buffer.from(envelope.data.id, 'base64').toString()).toBe(`ciscospark://urn:TEAM:eu-central-1_k/MESSAGE/${MSG}`);
    expect(idCore(envelope.data.id)).toBe(MSG);
  });
});
