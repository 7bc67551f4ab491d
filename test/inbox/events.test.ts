import { apologyDestination, eventKey, inboundEventKey, outsideReplayWindow } from '../../src/inbox/events';

const NOW = new Date('2026-03-02T12:00:00.000Z');
const at = (offsetMs: number) => ({ resource: 'messages', event: 'created', data: { id: 'm1', created: new Date(NOW.getTime() + offsetMs).toISOString() } });

describe('inbox events', () => {
  it('keys an event by resource, event and data id, the same for a webhook and the event read from it', () => {
    expect(eventKey({ resource: 'messages', event: 'created', data: { id: 'm1' } })).toBe('messages:created:m1');
    expect(inboundEventKey({ kind: 'message', messageId: 'm1', personId: 'p', personEmail: 'e', roomId: 'r', roomType: 'direct', text: '' })).toBe('messages:created:m1');
    expect(inboundEventKey({ kind: 'click', actionId: 'a1', cardMessageId: 'c', personId: 'p', personEmail: 'e', roomId: 'r', roomType: 'group', inputs: {} })).toBe(
      eventKey({ resource: 'attachmentActions', event: 'created', data: { id: 'a1' } }),
    );
  });

  it('accepts events from the last 24 h and up to 5 minutes ahead, and nothing outside', () => {
    expect(outsideReplayWindow(at(-24 * 3600_000), NOW)).toBeNull();
    expect(outsideReplayWindow(at(-24 * 3600_000 - 1), NOW)).toBe('too old');
    expect(outsideReplayWindow(at(-25 * 3600_000), NOW)).toBe('too old');
    expect(outsideReplayWindow(at(5 * 60_000), NOW)).toBeNull();
    expect(outsideReplayWindow(at(5 * 60_000 + 1), NOW)).toBe('in the future');
    expect(outsideReplayWindow({ data: { id: 'm1' } }, NOW)).toBeNull();
  });

  it('tells the person where they asked: threaded in a group space, in the space otherwise, in 1:1 for a click', () => {
    expect(apologyDestination({ resource: 'messages', data: { id: 'm1', roomId: 'g', roomType: 'group' } })).toEqual({ roomId: 'g', parentId: 'm1' });
    expect(apologyDestination({ resource: 'messages', data: { id: 'm1', roomId: 'd', roomType: 'direct' } })).toEqual({ roomId: 'd' });
    expect(apologyDestination({ resource: 'attachmentActions', data: { id: 'a1', personId: 'p1', roomId: 'g' } })).toEqual({ toPersonId: 'p1' });
    expect(apologyDestination({ resource: 'memberships', data: { id: 'x' } })).toBeNull();
  });
});
