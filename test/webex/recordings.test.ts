import { WebexUrlRefusedError } from '../../src/webex/errors';
import { downloadWithToken, fileNameFrom, getRecording, listRecordings } from '../../src/webex/recordings';
import type { RecordingListItem } from '../../src/webex/types';
import { API_ORIGIN, caught, harness, json, TOKEN, type Harness } from './helpers';

const SAMPLE = {
  id: '62807eaf-0c89-492e-a3c3-c4751812603b',
  topic: 'call with default',
  createTime: '2023-11-01T23:09:05+08:00',
  timeRecorded: '2023-11-01T15:27:29+08:00',
  format: 'MP3',
  serviceType: 'calling',
  durationSeconds: 298,
  sizeBytes: 299918,
  status: 'available',
  ownerId: '24683d6c-5529-4b60-a6c7-91e8b293bbab',
  ownerEmail: 'owner@example.com',
  ownerType: 'user',
  storageRegion: 'US',
};

function items(from: number, count: number): RecordingListItem[] {
  return Array.from({ length: count }, (_, i) => ({ ...SAMPLE, id: `rec-${from + i}` }));
}

describe('recordings', () => {
  let h: Harness;
  beforeEach(() => {
    h = harness();
  });
  afterEach(async () => {
    await h.agent.close();
  });

  describe('getRecording', () => {
    it('sends the token and the timezone header', async () => {
      let headers: Record<string, string> = {};
      h.api
        .intercept({ path: `/v1/convergedRecordings/${SAMPLE.id}`, method: 'GET' })
        .reply(200, (opts) => {
          headers = opts.headers as Record<string, string>;
          return SAMPLE;
        }, { headers: json });
      const recording = await getRecording(h.client, TOKEN, SAMPLE.id, 'Asia/Singapore');
      expect(recording).toEqual(SAMPLE);
      expect(headers.timezone).toBe('Asia/Singapore');
      expect(headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(h.calls[0]!.route).toBe('/convergedRecordings/{id}');
    });

    it('URL-encodes an ID with / or ?', async () => {
      const paths: string[] = [];
      h.api
        .intercept({ path: () => true, method: 'GET' })
        .reply(404, (opts) => (paths.push(opts.path), { message: 'not found' }), { headers: json })
        .times(2);
      await caught(getRecording(h.client, TOKEN, '../people/me', 'UTC'));
      await caught(getRecording(h.client, TOKEN, 'a?b=c#d', 'UTC'));
      expect(paths).toEqual(['/v1/convergedRecordings/..%2Fpeople%2Fme', '/v1/convergedRecordings/a%3Fb%3Dc%23d']);
    });
  });

  describe('listRecordings', () => {
    it('follows Link rel="next" and gathers exactly max items', async () => {
      const asked: string[] = [];
      const page = (list: RecordingListItem[]) => (opts: { path: string }) => (asked.push(opts.path), { items: list });
      h.api
        .intercept({ path: (p) => p.startsWith('/v1/convergedRecordings?') && !p.includes('cursor'), method: 'GET' })
        .reply(200, page(items(0, 100)), { headers: { ...json, link: `<${API_ORIGIN}/v1/convergedRecordings?max=100&cursor=P2>; rel="next"` } });
      h.api
        .intercept({ path: (p) => p.includes('cursor=P2'), method: 'GET' })
        .reply(200, page(items(100, 30)), { headers: { ...json, link: `<${API_ORIGIN}/v1/convergedRecordings?max=30&cursor=P3>; rel="next"` } });
      h.api
        .intercept({ path: (p) => p.includes('cursor=P3'), method: 'GET' })
        .reply(200, page(items(130, 30)), { headers: { ...json, link: `<${API_ORIGIN}/v1/convergedRecordings?max=30&cursor=P4>; rel="next"` } });
      const result = await listRecordings(h.client, TOKEN, { max: 150, from: '2024-01-01T00:00:00Z', to: '2024-01-08T00:00:00Z', timeZone: 'Europe/Paris' });
      expect(result.items).toHaveLength(150);
      expect(result.items[0]!.id).toBe('rec-0');
      expect(result.items[149]!.id).toBe('rec-149');
      expect(result.window).toEqual({ from: '2024-01-01T00:00:00Z', to: '2024-01-08T00:00:00Z' });
      const first = new URL(asked[0]!, API_ORIGIN);
      expect(first.searchParams.get('max')).toBe('100');
      expect(first.searchParams.get('from')).toBe('2024-01-01T00:00:00Z');
      expect(new URL(asked[1]!, API_ORIGIN).searchParams.get('max')).toBe('50');
      expect(new URL(asked[2]!, API_ORIGIN).searchParams.get('max')).toBe('20');
      h.agent.assertNoPendingInterceptors();
    });

    it('stops when there is no next page', async () => {
      h.api.intercept({ path: (p) => p.startsWith('/v1/convergedRecordings'), method: 'GET' }).reply(200, { items: items(0, 3) }, { headers: json });
      const result = await listRecordings(h.client, TOKEN, { max: 10, timeZone: 'UTC' });
      expect(result.items.map((r) => r.id)).toEqual(['rec-0', 'rec-1', 'rec-2']);
      expect(result.window).toEqual({});
    });

    it('does not follow a next link to another origin', async () => {
      h.api
        .intercept({ path: (p) => p.startsWith('/v1/convergedRecordings'), method: 'GET' })
        .reply(200, { items: items(0, 2) }, { headers: { ...json, link: '<https://evil.example/v1/convergedRecordings?cursor=x>; rel="next"' } });
      expect(await caught(listRecordings(h.client, TOKEN, { max: 5, timeZone: 'UTC' }))).toBeInstanceOf(WebexUrlRefusedError);
      expect(h.calls).toHaveLength(1);
    });
  });

  describe('downloadWithToken', () => {
    const NOTES = 'https://nsq1wss.dmz.webex.com/nbr/notes?ticket=SECRET_TICKET';

    it('downloads a *.webex.com link over https with the token', async () => {
      let headers: Record<string, string> = {};
      h.agent
        .get('https://nsq1wss.dmz.webex.com')
        .intercept({ path: '/nbr/notes?ticket=SECRET_TICKET', method: 'GET' })
        .reply(200, (opts) => {
          headers = opts.headers as Record<string, string>;
          return 'Short notes';
        }, { headers: { 'content-type': 'text/plain; charset=utf-8', 'content-disposition': 'attachment; filename="short notes.txt"' } });
      const file = await downloadWithToken(h.client, TOKEN, NOTES);
      expect(file).toEqual({ contentType: 'text/plain; charset=utf-8', body: Buffer.from('Short notes'), fileName: 'short notes.txt' });
      expect(headers.authorization).toBe(`Bearer ${TOKEN}`);
    });

    it.each([
      'https://evil.example/notes',
      'https://webex.com.evil.example/notes',
      'https://evilwebex.com/notes',
      'http://nsq1wss.dmz.webex.com/notes',
      'https://user:pw@nsq1wss.dmz.webex.com/notes',
      'javascript:alert(1)',
    ])('refuses %s without sending the token', async (url) => {
      const sent: unknown[] = [];
      for (const origin of ['https://evil.example', 'https://webex.com.evil.example', 'https://evilwebex.com', 'http://nsq1wss.dmz.webex.com', 'https://nsq1wss.dmz.webex.com']) {
        h.agent
          .get(origin)
          .intercept({ path: () => true, method: 'GET' })
          .reply(200, (opts) => (sent.push(opts.headers), 'x'))
          .persist();
      }
      const err = await caught(downloadWithToken(h.client, TOKEN, url));
      expect(err).toBeInstanceOf(WebexUrlRefusedError);
      expect(String(err)).not.toContain(TOKEN);
      expect(sent).toEqual([]);
      expect(h.calls).toEqual([]);
    });

    it('does not follow a redirect', async () => {
      h.agent
        .get('https://nsq1wss.dmz.webex.com')
        .intercept({ path: (p) => p.startsWith('/nbr/notes'), method: 'GET' })
        .reply(302, '', { headers: { location: 'https://evil.example/steal' } });
      const err = await caught(downloadWithToken(h.client, TOKEN, NOTES));
      expect(err).toMatchObject({ status: 302, kind: 'http', path: '/nbr/notes' });
      expect(String(err)).not.toContain('SECRET_TICKET');
    });

    it('allows the API origin itself (the emulator serves notes there)', async () => {
      h.api.intercept({ path: '/v1/notes/1', method: 'GET' }).reply(200, '{"a":1}', { headers: json });
      const file = await downloadWithToken(h.client, TOKEN, `${API_ORIGIN}/v1/notes/1`);
      expect(file.contentType).toBe('application/json');
      expect(file.body.toString()).toBe('{"a":1}');
      expect(file.fileName).toBeUndefined();
    });
  });

  it('reads file names from Content-Disposition safely', () => {
    expect(fileNameFrom("attachment; filename*=UTF-8''notes%20%C3%A9t%C3%A9.txt")).toBe('notes été.txt');
    expect(fileNameFrom('attachment; filename="../../etc/passwd"')).toBe('passwd');
    expect(fileNameFrom('attachment; filename=plain.vtt')).toBe('plain.vtt');
    expect(fileNameFrom('inline')).toBeUndefined();
    expect(fileNameFrom(undefined)).toBeUndefined();
  });
});
