/**
 * When Webex's token endpoint fails while the bot renews a person's sign-in (a 500, a 503, or an
 * HTML page answered with 200), the person reads that their sign-in could not be renewed and what
 * to do next: not that the recording or the list is in trouble, and not "something went wrong".
 * The sign-in is kept (Webex did not refuse it), so the next try can work.
 */
import { ALICE, createInProcessBot, type InProcessBot, type Posted } from '../support/in-process-bot';

const ID = '62807eaf-0c89-492e-a3c3-c4751812603b';
const JSON_HEADERS = { 'content-type': 'application/json' };

type Failure = { name: string; reply: (h: InProcessBot) => void };

const FAILURES: Failure[] = [
  {
    name: '500',
    reply: (h) => h.webex.intercept({ path: '/v1/access_token', method: 'POST' }).reply(500, { message: 'Internal error', trackingId: 'TOKEN_500' }, { headers: JSON_HEADERS }).persist(),
  },
  {
    name: '503',
    reply: (h) => h.webex.intercept({ path: '/v1/access_token', method: 'POST' }).reply(503, { message: 'Service unavailable' }, { headers: JSON_HEADERS }).persist(),
  },
  {
    name: 'an HTML page with 200',
    reply: (h) =>
      h.webex
        .intercept({ path: '/v1/access_token', method: 'POST' })
        .reply(200, '<!doctype html><html><body><h1>Maintenance</h1></body></html>', { headers: { 'content-type': 'text/html' } })
        .persist(),
  },
];

function textOf(posted: Posted[]): string[] {
  return posted.map((p) => p.message.markdown);
}

function expectSignInFailure(posted: Posted[]): void {
  expect(posted).toHaveLength(1);
  const text = posted[0]!.message.markdown;
  expect(text).toMatch(/sign-in/i);
  expect(text).toMatch(/could(n't| not) renew your Webex sign-in/);
  // A next step: try again, or sign in anew.
  expect(text).toMatch(/try again/i);
  expect(text).toContain('**connect**');
  expect(text).not.toMatch(/^Recording/);
  expect(text).not.toMatch(/having trouble right now|went wrong|Webex answered with an error/);
}

describe.each(FAILURES)('the token endpoint answering $name', ({ reply }) => {
  let h: InProcessBot;

  beforeEach(async () => {
    h = await createInProcessBot({ settings: { commandsPerMinute: 0 } });
    await h.connect(ALICE);
    reply(h);
  });

  afterEach(async () => {
    await h.close();
  });

  it('recording <id> with an expired access token: a sign-in failure with a next step; the sign-in is kept', async () => {
    h.clock.advance(2 * 3600_000);
    const posted = await h.say(`recording ${ID}`);
    expectSignInFailure(posted);
    expect(await h.store.getAccount(ALICE.personId)).not.toBeNull();
  });

  it('recording <id> when Webex refuses the access token (401) and the renewal fails: a sign-in failure', async () => {
    h.webex.intercept({ path: `/v1/convergedRecordings/${ID}`, method: 'GET' }).reply(401, { message: 'token expired' }, { headers: JSON_HEADERS });
    h.webex.intercept({ path: `/v1/convergedRecordings/${ID}/metadata`, method: 'GET' }).reply(401, { message: 'token expired' }, { headers: JSON_HEADERS }).persist();
    const posted = await h.say(`recording ${ID}`, { roomType: 'group', roomId: 'team' });
    expectSignInFailure(posted);
    expect(textOf(posted)[0]).toContain(`to fetch recording \`${ID}\``);
    expect(await h.store.getAccount(ALICE.personId)).not.toBeNull();
  });

  it('a Details click with an expired access token: a sign-in failure, by direct message', async () => {
    h.clock.advance(2 * 3600_000);
    const posted = await h.click('card-1', { action: 'details', recordingId: ID }, { roomType: 'group', roomId: 'team' });
    expectSignInFailure(posted);
    expect(posted[0]!.to).toEqual({ toPersonId: ALICE.personId });
  });

  it('recordings with an expired access token: a sign-in failure', async () => {
    h.clock.advance(2 * 3600_000);
    expectSignInFailure(await h.say('recordings'));
  });
});
