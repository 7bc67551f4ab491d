import { createRestMessenger } from '../../src/replies/rest-messenger';
import { harness, json, type Harness } from '../webex/helpers';

/** The bot's recent posts, where Webex lets a bot list them: 1:1 spaces only. */
describe('rest messenger: recentPosts', () => {
  let h: Harness;
  beforeEach(() => {
    h = harness();
  });
  afterEach(async () => {
    h.agent.assertNoPendingInterceptors();
    await h.agent.close();
  });
  const messages = [
    { id: 'b', created: '2026-03-01T08:00:02.000Z' },
    { id: 'a', created: '2026-03-01T08:00:01.000Z' },
  ];

  it('lists a 1:1 space, oldest first, and asks for its type once', async () => {
    const messenger = createRestMessenger(h.client, 'BOT');
    h.api.intercept({ path: '/v1/rooms/direct-1', method: 'GET' }).reply(200, { id: 'direct-1', type: 'direct' }, { headers: json });
    h.api.intercept({ path: '/v1/messages?roomId=direct-1&max=50', method: 'GET' }).reply(200, { items: messages }, { headers: json }).times(2);
    expect((await messenger.recentPosts!({ roomId: 'direct-1' }))!.map((m) => m.id)).toEqual(['a', 'b']);
    expect((await messenger.recentPosts!({ roomId: 'direct-1' }))!.map((m) => m.id)).toEqual(['a', 'b']);
    h.api.intercept({ path: '/v1/messages/direct?personId=P1', method: 'GET' }).reply(200, { items: messages }, { headers: json });
    expect((await messenger.recentPosts!({ toPersonId: 'P1' }))!.map((m) => m.id)).toEqual(['a', 'b']);
  });

  it('never lists a group space or thread (Webex refuses a bot without mentionedPeople=me): null', async () => {
    const messenger = createRestMessenger(h.client, 'BOT');
    h.api.intercept({ path: '/v1/rooms/group-1', method: 'GET' }).reply(200, { id: 'group-1', type: 'group' }, { headers: json });
    expect(await messenger.recentPosts!({ roomId: 'group-1' })).toBeNull();
    expect(await messenger.recentPosts!({ roomId: 'group-1' })).toBeNull();
    expect(await messenger.recentPosts!({ roomId: 'group-1', parentId: 'm1' })).toBeNull();
    expect(h.calls.map((c) => c.route)).toEqual(['/rooms/{id}']);
  });
});
