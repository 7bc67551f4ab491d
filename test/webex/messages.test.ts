import { deleteMessage, postFile, postMessage } from '../../src/webex/messages';
import { getMe } from '../../src/webex/people';
import { harness, json, TOKEN, type Harness } from './helpers';

const BOT = 'BOT-TOKEN-77aa';

describe('messages and people', () => {
  let h: Harness;
  beforeEach(() => {
    h = harness();
  });
  afterEach(async () => {
    await h.agent.close();
  });

  it('posts a card message as JSON with the bot token', async () => {
    let seen: { body: unknown; headers: Record<string, string> } | undefined;
    h.api.intercept({ path: '/v1/messages', method: 'POST' }).reply(200, (opts) => {
      seen = { body: JSON.parse(String(opts.body)), headers: opts.headers as Record<string, string> };
      return { id: 'M1', roomId: 'R1' };
    }, { headers: json });
    const attachments = [{ contentType: 'application/vnd.microsoft.card.adaptive' as const, content: { type: 'AdaptiveCard', version: '1.3' } }];
    const message = await postMessage(h.client, BOT, { roomId: 'R1', parentId: 'P1', markdown: 'fallback', attachments });
    expect(message).toMatchObject({ id: 'M1' });
    expect(seen!.headers.authorization).toBe(`Bearer ${BOT}`);
    expect(seen!.body).toEqual({ roomId: 'R1', parentId: 'P1', markdown: 'fallback', attachments });
  });

  it('needs a destination', async () => {
    await expect(postMessage(h.client, BOT, { text: 'hi' })).rejects.toThrow(TypeError);
  });

  it('deletes a message by encoded ID', async () => {
    h.api.intercept({ path: '/v1/messages/Y2lz%2FMSG', method: 'DELETE' }).reply(204, '');
    await expect(deleteMessage(h.client, BOT, 'Y2lz/MSG')).resolves.toBeUndefined();
    h.agent.assertNoPendingInterceptors();
  });

  it('posts a file as multipart/form-data in the files field', async () => {
    let seen: { body: Buffer; headers: Record<string, string> } | undefined;
    h.api.intercept({ path: '/v1/messages', method: 'POST' }).reply(200, (opts) => {
      seen = { body: Buffer.from(opts.body as Buffer), headers: opts.headers as Record<string, string> };
      return { id: 'M2' };
    }, { headers: json });
    await postFile(h.client, BOT, { toPersonId: 'PERSON1', markdown: 'Short notes', fileName: 'notes.txt', contentType: 'text/plain', body: Buffer.from('the notes') });
    const contentType = seen!.headers['content-type']!;
    expect(contentType).toMatch(/^multipart\/form-data; boundary=/);
    const parsed = await new Response(new Uint8Array(seen!.body), { headers: { 'content-type': contentType } }).formData();
    expect(parsed.get('toPersonId')).toBe('PERSON1');
    expect(parsed.get('markdown')).toBe('Short notes');
    expect(parsed.get('roomId')).toBeNull();
    const file = parsed.get('files') as File;
    expect(file.name).toBe('notes.txt');
    expect(file.type).toBe('text/plain');
    expect(await file.text()).toBe('the notes');
  });

  it('reads the person behind a token', async () => {
    h.api
      .intercept({ path: '/v1/people/me', method: 'GET', headers: { authorization: `Bearer ${TOKEN}` } })
      .reply(200, { id: 'P1', emails: ['a@example.com'], timezone: 'America/New_York' }, { headers: json });
    expect(await getMe(h.client, TOKEN)).toEqual({ id: 'P1', emails: ['a@example.com'], timezone: 'America/New_York' });
  });
});
