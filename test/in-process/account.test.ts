/**
 * Tokens as the person meets them, in-process (test/support/in-process-bot.ts): the test clock
 * moves past the access token's expiry instead of waiting for it.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { REFRESH_MARGIN_MS } from '../../src/auth/tokens';
import { ALICE, createInProcessBot, type InProcessBot } from '../support/in-process-bot';
import { createInProcessWorld } from '../support/in-process-world';

const SEED = '62807eaf-0c89-492e-a3c3-c4751812603b';
const seedRecording = JSON.parse(readFileSync(resolve(__dirname, '../fixtures/recordings/seed-sample.json'), 'utf8')) as Record<string, unknown>;
const json = { 'content-type': 'application/json' };

describe('account tokens (in-process)', () => {
  let h: InProcessBot;

  beforeEach(async () => {
    h = await createInProcessBot();
  });
  afterEach(async () => {
    h.agent.assertNoPendingInterceptors();
    await h.close();
  });

  it('refreshes an expired access token once when ten commands arrive at once', async () => {
    await h.connect(ALICE);
    // The stored token (valid an hour) is now inside the refresh margin.
    h.clock.advance(3600_000 - REFRESH_MARGIN_MS + 1_000);
    h.webex
      .intercept({ path: '/v1/access_token', method: 'POST' })
      .reply(200, { access_token: 'access-refreshed', expires_in: 1_209_600, refresh_token: 'refresh-2', refresh_token_expires_in: 7_776_000 }, { headers: json })
      .times(1);
    const bearer = { authorization: 'Bearer access-refreshed' };
    h.webex.intercept({ path: `/v1/convergedRecordings/${SEED}`, method: 'GET', headers: bearer }).reply(200, seedRecording, { headers: json }).times(10);
    h.webex
      .intercept({ path: `/v1/convergedRecordings/${SEED}/metadata`, method: 'GET', headers: bearer })
      .reply(404, { message: 'The requested resource could not be found.' }, { headers: json })
      .times(10);

    await Promise.all(Array.from({ length: 10 }, () => h.say(`recording ${SEED}`)));

    const cards = h.messenger.posted.filter((p) => p.message.card !== undefined);
    expect(cards).toHaveLength(10);
    expect(h.webexCalls().filter((c) => c.path === '/v1/access_token')).toHaveLength(1);
    expect((await h.store.getAccount(ALICE.personId))?.tokens.accessToken).toBe('access-refreshed');
  });
});

describe('connect when already connected (in-process)', () => {
  /** The texts of a card's TextRuns: plain text, shown exactly as written (no markdown). */
  function textRuns(node: unknown): string[] {
    if (Array.isArray(node)) return node.flatMap(textRuns);
    if (!node || typeof node !== 'object') return [];
    const record = node as Record<string, unknown>;
    const own = record.type === 'TextRun' && typeof record.text === 'string' ? [record.text] : [];
    return [...own, ...Object.values(record).flatMap(textRuns)];
  }

  it('says as whom and how to unlink, in words a TextRun shows as written: no markdown marks', async () => {
    const world = await createInProcessWorld();
    try {
      await world.signIn(world.alice);
      const posted = await world.say(world.alice, 'connect');
      const runs = posted.flatMap((p) => textRuns(p.message.card));
      expect(runs.join('\n')).toContain("You're connected as alice@example.com");
      expect(runs.join('\n')).toMatch(/send “disconnect” to unlink it/);
      for (const run of runs) expect(run).not.toMatch(/\*\*|__|`/);
    } finally {
      await world.close();
    }
  });
});
