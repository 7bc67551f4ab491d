/**
 * The bot's behaviour in-process (test/support/in-process-bot.ts): the real createBot and handlers,
 * a recording messenger, MockAgent for Webex, in-memory SQLite and a test clock.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { escapeMarkdown } from '../../src/format';
import { ALICE, createInProcessBot, type InProcessBot, type Posted } from '../support/in-process-bot';

const SEED = '62807eaf-0c89-492e-a3c3-c4751812603b';
const seedRecording = JSON.parse(readFileSync(resolve(__dirname, '../fixtures/recordings/seed-sample.json'), 'utf8')) as Record<string, unknown>;

const textOf = (posted: Posted[]): string[] => posted.map((p) => p.message.markdown);
const cardTypeOf = (posted: Posted): unknown => (posted.message.card as { type?: unknown } | undefined)?.type;

describe('the bot in-process', () => {
  let h: InProcessBot;

  afterEach(async () => {
    h.agent.assertNoPendingInterceptors();
    await h.close();
  });

  describe('with default settings', () => {
    beforeEach(async () => {
      h = await createInProcessBot();
    });

    it('answers help in a 1:1 space with the help card, without calling Webex', async () => {
      const posted = await h.say('help');
      expect(posted).toHaveLength(1);
      expect(posted[0]!.to).toEqual({ roomId: `direct-${ALICE.personId}` });
      expect(cardTypeOf(posted[0]!)).toBe('AdaptiveCard');
      expect(posted[0]!.message.markdown).toContain('recording');
      expect(h.webexCalls()).toEqual([]);
    });

    it('answers help in a group space in the thread of the question', async () => {
      const posted = await h.say('help', { roomType: 'group', roomId: 'team' });
      expect(posted).toHaveLength(1);
      expect(posted[0]!.to).toEqual({ roomId: 'team', parentId: 'message-1' });
    });

    it.each(['not/an*id', '../../people/me'])('refuses the invalid recording ID %p without calling Webex', async (id) => {
      await h.connect(ALICE);
      const posted = await h.say(`recording ${id}`);
      expect(textOf(posted)).toEqual([expect.stringContaining(`That doesn't look like a recording ID: "${escapeMarkdown(id)}"`)]);
      expect(h.webexCalls()).toEqual([]);
    });

    it("fetches a recording with the asker's own token and their zone, and answers with its card", async () => {
      await h.connect(ALICE);
      await h.say('timezone Asia/Singapore');
      h.webex
        .intercept({ path: `/v1/convergedRecordings/${SEED}`, method: 'GET', headers: { authorization: `Bearer access-${ALICE.personId}`, timezone: 'Asia/Singapore' } })
        .reply(200, seedRecording, { headers: { 'content-type': 'application/json' } });
      // Who the call was with: this test's Webex knows nothing about it, and the card goes without.
      h.webex
        .intercept({ path: `/v1/convergedRecordings/${SEED}/metadata`, method: 'GET', headers: { authorization: `Bearer access-${ALICE.personId}` } })
        .reply(404, { message: 'The requested resource could not be found.' }, { headers: { 'content-type': 'application/json' } });
      const posted = await h.say(`recording ${SEED}`);
      expect(posted).toHaveLength(1);
      expect(cardTypeOf(posted[0]!)).toBe('AdaptiveCard');
      expect(JSON.stringify(posted[0]!.message.card)).toContain('call with default');
      expect(h.webexCalls().map((c) => `${c.method} ${c.path}`).sort()).toEqual([
        `GET /v1/convergedRecordings/${SEED}`,
        `GET /v1/convergedRecordings/${SEED}/metadata`,
      ]);
    });

    it('sets, shows and clears the time-zone override', async () => {
      expect(textOf(await h.say('timezone Europe/Paris'))).toEqual([expect.stringContaining('times are now shown in **Europe/Paris**')]);
      expect((await h.store.getSettings(ALICE.personId)).timezoneOverride).toBe('Europe/Paris');
      expect(textOf(await h.say('timezone'))).toEqual([expect.stringContaining('Europe/Paris')]);

      expect(textOf(await h.say('timezone Mars/Olympus_Mons'))).toEqual([expect.stringContaining('is not an IANA time zone')]);
      expect((await h.store.getSettings(ALICE.personId)).timezoneOverride).toBe('Europe/Paris');

      expect(textOf(await h.say('timezone auto'))).toEqual([expect.stringContaining('Your own time-zone setting is cleared.')]);
      expect((await h.store.getSettings(ALICE.personId)).timezoneOverride).toBeNull();
      expect(h.webexCalls()).toEqual([]);
    });
    it('answers a time-zone change asked in a group space by DM, with only a note in the thread', async () => {
      const posted = await h.say('timezone Europe/Berlin', { roomType: 'group', roomId: 'team' });
      expect(posted.map((p) => p.to)).toEqual([{ toPersonId: ALICE.personId }, { roomId: 'team', parentId: 'message-1' }]);
      expect(posted[0]!.message.markdown).toContain('Europe/Berlin');
      expect(posted[1]!.message.markdown).not.toContain('Europe/Berlin');
    });
  });

  describe('with a limit of 2 commands a minute', () => {
    beforeEach(async () => {
      h = await createInProcessBot({ settings: { commandsPerMinute: 2 } });
    });

    it('says "slow down" once when the limit is passed, then answers again a minute later', async () => {
      expect(await h.say('help')).toHaveLength(1);
      expect(await h.say('help')).toHaveLength(1);
      expect(textOf(await h.say('help'))).toEqual([expect.stringContaining('faster than I can take them (2 a minute)')]);
      // Each say resolves once the bot is done with the message: nothing more is coming for these.
      expect(await h.say('help')).toEqual([]);
      expect(await h.say('help')).toEqual([]);

      h.clock.advance(61_000);
      const again = await h.say('help');
      expect(again).toHaveLength(1);
      expect(cardTypeOf(again[0]!)).toBe('AdaptiveCard');
    });

    it('counts each person on their own', async () => {
      const bob = { personId: 'PERSON-BOB', personEmail: 'bob@example.com' };
      await h.say('help');
      await h.say('help');
      expect(textOf(await h.say('help'))).toEqual([expect.stringContaining('slow down')]);
      expect(await h.say('help', { as: bob })).toHaveLength(1);
    });
  });
});
