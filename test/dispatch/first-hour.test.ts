/**
 * What a person meets in their first hour with the bot, in-process (test/support/in-process-bot.ts):
 * the short hint for text it does not understand, lists that keep their filters, limits said out
 * loud, requests made before sign-in answered once each, and the account and time-zone sentences.
 */
import { parseCardAction } from '../../src/cards';
import { uniqueRequests } from '../../src/commands/sign-in-prompt';
import { REFRESHED, REFRESHED_REPLACING } from '../../src/commands/clicks';
import { ALICE, createInProcessBot, type InProcessBot, type Posted } from '../support/in-process-bot';

const textOf = (posted: Posted[]): string[] => posted.map((p) => p.message.markdown);
const cardText = (posted: Posted): string => JSON.stringify(posted.message.card ?? null);

function submitActions(posted: Posted): Array<{ title: string; data: unknown }> {
  const found: Array<{ title: string; data: unknown }> = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      const v = value as Record<string, unknown>;
      if (v.type === 'Action.Submit') found.push({ title: String(v.title), data: v.data });
      Object.values(v).forEach(walk);
    }
  };
  walk(posted.message.card);
  return found;
}

describe('the first hour, in-process', () => {
  let h: InProcessBot;
  beforeEach(async () => {
    h = await createInProcessBot();
  });
  afterEach(async () => {
    h.agent.assertNoPendingInterceptors();
    await h.close();
  });

  const listAnswers = (items: unknown[]) =>
    h.webex
      .intercept({ path: (p: string) => /^\/v1\/(admin\/)?convergedRecordings\?/.test(p), method: 'GET' })
      .reply(200, { items }, { headers: { 'content-type': 'application/json' } });

  describe('text it does not understand', () => {
    it.each(['direct', 'group'] as const)('gets a one-line hint with a Help button, not the help card (%s space)', async (roomType) => {
      const posted = await h.say('hi there', { roomType, roomId: roomType === 'group' ? 'team' : undefined });
      expect(posted).toHaveLength(1);
      expect(posted[0]!.message.markdown.split('\n')).toHaveLength(1);
      expect(posted[0]!.message.markdown).toMatch(/help/i);
      expect(cardText(posted[0]!).length).toBeLessThan(1200);
      expect(submitActions(posted[0]!)).toEqual([{ title: 'Help', data: { action: 'help' } }]);
    });

    it('the Help button answers with the help card, for whoever clicks it', async () => {
      const [hint] = await h.say('hi there');
      const posted = await h.click(hint!.id, { action: 'help' });
      expect(posted).toHaveLength(1);
      expect(cardText(posted[0]!)).toContain('recordings');
      expect(parseCardAction({ action: 'help' })).toEqual({ action: 'help' });
      expect(parseCardAction({ action: 'help', recordingId: '../x' })).toEqual({ action: 'help' });
    });
  });

  describe('recordings lists', () => {
    beforeEach(async () => {
      await h.connect(ALICE);
      await h.say('timezone UTC');
    });

    it('an empty filtered list keeps the filter in its suggestion', async () => {
      listAnswers([]);
      const [reply] = await h.say('recordings topic:budget review');
      expect(reply!.message.markdown).toContain('`recordings 30d topic:budget review`');
    });

    it('an empty list of someone else names them as a person with no recordings found, not as an owner who has none', async () => {
      await h.connect(ALICE, ['spark:recordings_read', 'spark:people_read', 'spark-admin:recordings_read']);
      listAnswers([]);
      const [reply] = await h.say('recordings owner:nobody@example.com');
      const text = reply!.message.markdown.replace(/\u2060/g, '').replace(/\\(.)/g, '$1');
      expect(text).toMatch(/found no recordings of nobody@example\.com/i);
      expect(text).toMatch(/not a Webex user|no such person|address is right/i);
      expect(text).toContain('Try a wider window: recordings 30d owner:nobody@example.com');
    });

    it('says out loud that it shows at most 50 when more were asked for', async () => {
      listAnswers([{ id: 'r1', topic: 'One', createTime: '2023-11-01T10:00:00Z', timeRecorded: '2023-11-01T10:00:00Z', durationSeconds: 60, sizeBytes: 10, status: 'available', format: 'MP3', serviceType: 'calling' }]);
      const [reply] = await h.say('recordings 100');
      expect(cardText(reply!)).toMatch(/at most 50.*100|100.*at most 50/);
    });
  });

  describe('the account', () => {
    it('connect when connected does not offer a switch that sign-in would refuse', async () => {
      await h.connect(ALICE);
      const posted = await h.say('connect');
      const text = textOf(posted).join('\n') + posted.map(cardText).join('\n');
      expect(text).not.toMatch(/switch to another Webex account, sign in with that one/);
      expect(text).toMatch(/disconnect/);
    });

    it('whoami after disconnect reads as a sentence about what happens once connected', async () => {
      await h.connect(ALICE);
      await h.say('disconnect');
      const [reply] = await h.say('whoami');
      expect(reply!.message.markdown).not.toMatch(/for now: I read/);
      expect(reply!.message.markdown).toMatch(/Time zone: \*\*UTC\*\* until you connect/);
    });
  });

  describe('requests made before sign-in', () => {
    it('are kept once each: the same request sent four times is answered once', async () => {
      for (let i = 0; i < 4; i += 1) await h.say('recordings 5');
      await h.say('recordings 10');
      const kept = uniqueRequests(await h.store.takePendingRequests(ALICE.personId));
      expect(kept.map((r) => r.text)).toEqual(['recordings 5', 'recordings 10']);
    });
  });

  it('the refresh note says what happened, not how cards work inside', () => {
    for (const note of [REFRESHED, REFRESHED_REPLACING]) expect(note).not.toMatch(/updated in place|can't be/);
  });
});

describe('new-recording notices, in-process', () => {
  let h: InProcessBot;
  beforeEach(async () => {
    h = await createInProcessBot();
  });
  afterEach(async () => {
    h.agent.assertNoPendingInterceptors();
    await h.close();
  });

  it('the card itself opens with "New recording", in the DM and in a group space', async () => {
    const { readFileSync } = await import('node:fs');
    const { resolve } = await import('node:path');
    const { announceRecording } = await import('../../src/notifications/announce');
    const SEED = '62807eaf-0c89-492e-a3c3-c4751812603b';
    const seed = JSON.parse(readFileSync(resolve(__dirname, '../fixtures/recordings/seed-sample.json'), 'utf8')) as Record<string, unknown>;
    await h.connect(ALICE);
    await h.say('timezone UTC');
    h.webex.intercept({ path: `/v1/convergedRecordings/${SEED}`, method: 'GET' }).reply(200, seed, { headers: { 'content-type': 'application/json' } });
    h.webex.intercept({ path: `/v1/convergedRecordings/${SEED}/metadata`, method: 'GET' }).reply(404, { message: 'not found' }, { headers: { 'content-type': 'application/json' } });
    // One attempt that performs every step (the inbox's record of steps is not what is tested here).
    const steps = { once: <T>(perform: () => Promise<T>) => perform(), messenger: <M>(inner: M) => inner };
    const sub = { personId: ALICE.personId, direct: true, roomIds: ['team'], webhookId: null, lastPolledAt: null, subscribedAt: h.clock.now() };
    const before = h.messenger.posted.length;
    const outcome = await announceRecording(h.services, sub, SEED, { steps: steps as never, eventKey: 'event-1' });
    expect(outcome).toBe('sent');
    const posted = h.messenger.posted.slice(before);
    expect(posted).toHaveLength(2);
    for (const post of posted) {
      const body = (post.message.card as { body: Array<{ type: string; text?: string }> }).body;
      expect(body[0]).toMatchObject({ type: 'TextBlock', text: 'New recording' });
    }
  });
});

describe('notes and action items, in-process', () => {
  let h: InProcessBot;
  beforeEach(async () => {
    h = await createInProcessBot();
  });
  afterEach(async () => {
    h.agent.assertNoPendingInterceptors();
    await h.close();
  });

  it('name the recording by its topic, not its ID', async () => {
    const { readFileSync } = await import('node:fs');
    const { resolve } = await import('node:path');
    const SEED = '62807eaf-0c89-492e-a3c3-c4751812603b';
    const seed = JSON.parse(readFileSync(resolve(__dirname, '../fixtures/recordings/seed-sample.json'), 'utf8')) as Record<string, unknown>;
    const links = { ...(seed.temporaryDirectDownloadLinks as object), shortNotesDownloadLink: `https://webex.test/v1/convergedRecordings/${SEED}/shortNotes` };
    await h.connect(ALICE);
    await h.say('timezone UTC');
    h.webex.intercept({ path: `/v1/convergedRecordings/${SEED}`, method: 'GET' }).reply(200, { ...seed, topic: 'Budget review <@all>', temporaryDirectDownloadLinks: links }, { headers: { 'content-type': 'application/json' } });
    h.webex.intercept({ path: `/v1/convergedRecordings/${SEED}/metadata`, method: 'GET' }).reply(404, { message: 'not found' }, { headers: { 'content-type': 'application/json' } }).persist();
    h.webex.intercept({ path: `/v1/convergedRecordings/${SEED}/shortNotes`, method: 'GET' }).reply(200, 'the notes', { headers: { 'content-type': 'text/plain' } });
    const posted = await h.click('card-1', { action: 'notes', recordingId: SEED });
    expect(posted.map((p) => p.message.markdown)).toEqual(['Short notes of “Budget review \\<\u2060\\@\u2060all\\>”']);
  });
});

describe('423 and 428 say what to do next', () => {
  it('423: when to ask again, and how', async () => {
    const { describeRecordingError } = await import('../../src/errors/messages');
    const { WebexApiError } = await import('../../src/webex/errors');
    const text = describeRecordingError(new WebexApiError({ kind: 'http', status: 423, method: 'GET', path: '/convergedRecordings/r1', retryAfter: 45 }), 'r1');
    expect(text).toMatch(/locked for now\. Try again in 45 s/);
    expect(text).toMatch(/send `recording r1` again/);
  });

  it('428: where to get the file instead, with a link', async () => {
    const { describeRecordingError } = await import('../../src/errors/messages');
    const { WebexApiError } = await import('../../src/webex/errors');
    const text = describeRecordingError(new WebexApiError({ kind: 'http', status: 428, method: 'GET', path: '/convergedRecordings/r1' }), 'r1');
    expect(text).toMatch(/\]\(https:\/\/[^)]+\)/);
  });
});
