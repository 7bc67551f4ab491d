import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Sandbox } from '../../dev/sandbox/main';
import { MAIN_RECORDING_ID } from '../../dev/sandbox/fixtures';
import { actAs, botMessage, cardButton, startSandboxAndBrowser, say, signInThroughConsentPage } from './browser';
import { screenshotFor } from './screenshots';
import { DEADLINE_MS, TEST_TIMEOUT_MS } from '../support/waiting';

/**
 * The sandbox in a real browser: the page, the real bot and the emulator in this process,
 * Debian's Chromium driving the page as a visitor would.
 */

jest.setTimeout(TEST_TIMEOUT_MS);

const OWNER_EMAIL = 'olivia.owner@example.com';
const COLLEAGUE_EMAIL = 'colin.colleague@example.com';

/** `Thu 26 Nov 2026, 15:27 GMT+8`: the main fixture was recorded at 15:27 Singapore time two days ago. */
function expectedRecordedAt(): string {
  const day = new Date(Date.now() - 2 * 24 * 3600 * 1000);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Singapore', weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' })
      .formatToParts(day)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.weekday} ${parts.day} ${parts.month} ${parts.year}, 15:27 GMT+8`;
}

/**
 * The expiry line for links fetched during the last minute: the time alone when they expire on
 * the same Singapore day as `nowMs`, with the date otherwise (from about 13:00 UTC, now + 3 h is
 * past midnight in Singapore).
 */
function acceptableExpiryLines(nowMs: number): string[] {
  const lines = new Set<string>();
  for (let ago = 0; ago <= 60_000; ago += 1_000) {
    const expires = new Date(nowMs - ago + 3 * 3600 * 1000);
    const part = (at: Date, options: Intl.DateTimeFormatOptions) =>
      Object.fromEntries(new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Singapore', ...options }).formatToParts(at).map((p) => [p.type, p.value]));
    const e = part(expires, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    const today = part(new Date(nowMs), { day: 'numeric', month: 'short', year: 'numeric' });
    const time = `${e.hour}:${e.minute} GMT+8`;
    const sameDay = e.day === today.day && e.month === today.month && e.year === today.year;
    lines.add(`Links expire at ${sameDay ? time : `${e.weekday} ${e.day} ${e.month} ${e.year}, ${time}`}, in 2 h 59 min`);
  }
  return [...lines];
}

let sandbox: Sandbox | undefined;
let browser: Browser | undefined;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  [sandbox, browser] = await startSandboxAndBrowser({ port: 0, log: false });
  context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US', timezoneId: 'Asia/Singapore' });
  context.setDefaultTimeout(DEADLINE_MS);
  page = await context.newPage();
  await page.goto(`${sandbox.url}/#as=owner&in=direct`);
  await page.waitForSelector('body[data-ready="true"]');
});

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await sandbox?.close();
});

test('the page lists the cast, both spaces and the fixture recordings', async () => {
  for (const who of ['owner', 'admin', 'compliance', 'colleague']) await expect(page.getByTestId(`as-${who}`).isVisible()).resolves.toBe(true);
  await expect(page.getByTestId('in-group').innerText()).resolves.toContain('Sales team');
  const ids = await page.getByTestId('fixture').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-recording-id')));
  expect(ids).toContain(MAIN_RECORDING_ID);
  expect(ids.length).toBeGreaterThanOrEqual(40);
  // Clicking a fixture asks the bot for it: the owner is not signed in yet, so the sign-in card comes.
  await page.locator(`[data-testid=fixture][data-recording-id="${MAIN_RECORDING_ID}"]`).click();
  await page.getByTestId('messages').getByText(`recording ${MAIN_RECORDING_ID}`).waitFor();
  await botMessage(page, 'Sign in with Webex').waitFor();
});

test('the owner signs in through the consent page and gets the card with local time and size', async () => {
  // The request sent by the fixture click above is answered once she has signed in.
  const connectCard = botMessage(page, 'Sign in with Webex');
  await signInThroughConsentPage(context, cardButton(connectCard, 'Sign in with Webex'), OWNER_EMAIL);

  // The page hears about the bot's answers over SSE: nobody reloads it.
  await botMessage(page, "You're connected").waitFor();
  const card = botMessage(page, 'Renewal call with Acme Corp').getByTestId('card');
  await card.waitFor();
  const text = await card.innerText();
  expect(text).toContain(expectedRecordedAt());
  expect(text).toContain('35.78 MB');
  expect(text).toContain('1 h 14 min 32 s');
  expect(text).toContain('Times in Asia/Singapore');
  await expect(cardButton(card, 'Download audio (MP3)').count()).resolves.toBe(1);

  // The inspector saw the bot fetch the recording with Olivia's own token.
  const fetchRow = page.getByTestId('call').filter({ hasText: `/v1/convergedRecordings/${MAIN_RECORDING_ID}` }).last();
  await expect(fetchRow.innerText()).resolves.toMatch(/GET[\s\S]*200[\s\S]*Olivia/);
  await screenshotFor(page, 'sandbox-direct-card.png');
});

test('the audio button opens a real MP3', async () => {
  const card = botMessage(page, 'Renewal call with Acme Corp').getByTestId('card');
  // What the new tab receives, whether Chromium then plays the file or saves it.
  const received = new Promise<{ url: string; status: number; contentType: string; body: Buffer }>((resolve, reject) => {
    context
      .route(/\/downloads\/audio\/[^/?]+\.mp3$/, async (route) => {
        const response = await route.fetch();
        const body = await response.body();
        resolve({ url: route.request().url(), status: response.status(), contentType: response.headers()['content-type'] ?? '', body });
        await route.fulfill({ response, body });
      })
      .catch(reject);
  });
  const [tab] = await Promise.all([context.waitForEvent('page'), cardButton(card, 'Download audio (MP3)').click()]);
  const mp3 = await received;
  expect(mp3.url.startsWith(sandbox!.emulator.url)).toBe(true);
  expect(mp3.status).toBe(200);
  expect(mp3.contentType).toMatch(/^audio\/mpeg/);
  expect(mp3.body.length).toBeGreaterThan(1000);
  // An MPEG audio frame header: 11 sync bits set.
  expect([mp3.body[0], mp3.body[1]! & 0xe0]).toEqual([0xff, 0xe0]);
  await tab.close().catch(() => undefined);
  await context.unrouteAll({ behavior: 'ignoreErrors' });
});

test('in the group space the card has no links; the owner asks, replies are threaded', async () => {
  await actAs(page, 'owner', 'group');
  await say(page, `recording ${MAIN_RECORDING_ID}`);
  const request = page.getByTestId('user-message').filter({ hasText: `recording ${MAIN_RECORDING_ID}` }).last();
  await expect(request.locator('.mention').innerText()).resolves.toBe('@RecBot');
  const groupCard = page.locator('.thread').getByTestId('bot-message').filter({ hasText: 'Renewal call with Acme Corp' }).last();
  await groupCard.waitFor();
  const text = await groupCard.innerText();
  expect(text).not.toContain('Download audio');
  expect(text).not.toMatch(/expire/i);
  await expect(cardButton(groupCard, 'Send me the download links').count()).resolves.toBe(1);
  await screenshotFor(page, 'sandbox-group-card.png');
});

test('the colleague without access clicking "Send me the download links" is refused by DM', async () => {
  await actAs(page, 'colleague', 'direct');
  await page.getByTestId('quick-connect').click();
  await signInThroughConsentPage(context, cardButton(botMessage(page, 'Sign in with Webex'), 'Sign in with Webex'), COLLEAGUE_EMAIL);
  await botMessage(page, "You're connected").waitFor();

  // Asking himself in the group gets Webex's refusal, threaded under his request, and no card.
  await actAs(page, 'colleague', 'group');
  await say(page, `recording ${MAIN_RECORDING_ID}`);
  const refusal = page.locator('.thread').getByTestId('bot-message').filter({ hasText: 'You may not view this recording' }).last();
  await refusal.waitFor();
  await expect(refusal.getByTestId('card').count()).resolves.toBe(0);

  const groupCard = page.locator('.thread').getByTestId('bot-message').filter({ hasText: 'Renewal call with Acme Corp' }).last();
  await cardButton(groupCard, 'Send me the download links').click();
  // The answer goes to Colin's 1:1 space, flagged while he looks at the group.
  await page.getByTestId('unread-direct').waitFor();
  await actAs(page, 'colleague', 'direct');
  await botMessage(page, "You can't access recording").waitFor();
  await expect(page.getByTestId('card').filter({ hasText: 'Download audio' }).count()).resolves.toBe(0);
});

test('the owner clicking the same button gets the links by DM', async () => {
  await actAs(page, 'owner', 'group');
  const groupCard = page.locator('.thread').getByTestId('bot-message').filter({ hasText: 'Renewal call with Acme Corp' }).last();
  // Answers only: a slow answer's progress note (deleted once the answer is there) is not one.
  const answersInGroup = () =>
    page.evaluate(() => [...document.querySelectorAll('[data-testid=bot-message]')].filter((m) => !m.textContent?.includes('Looking up recording')).length);
  // Counted once the group is on screen (not while the previous space's messages still are).
  await groupCard.waitFor();
  const before = await answersInGroup();
  await cardButton(groupCard, 'Send me the download links').click();
  await page.getByTestId('unread-direct').waitFor();
  // Nothing new in the group: the links never go there.
  await expect(answersInGroup()).resolves.toBe(before);
  await actAs(page, 'owner', 'direct');
  const cards = page.getByTestId('card').filter({ hasText: 'Renewal call with Acme Corp' });
  await expect(cards.count()).resolves.toBe(2);
  const dmCard = cards.last();
  await expect(cardButton(dmCard, 'Download audio (MP3)').count()).resolves.toBe(1);
  const text = await dmCard.innerText();
  // The emulator hands out links that expire three hours after the fetch, a moment ago.
  expect(acceptableExpiryLines(Date.now())).toContainEqual(text.match(/Links expire at [^\n]*? in 2 h 59 min/)?.[0]);
});

test('"New call recording" with notify on: the owner gets the new recording\'s card by DM, with who the call was with', async () => {
  await actAs(page, 'owner', 'direct');
  await page.getByTestId('quick-notify on').click();
  await botMessage(page, 'by direct message as soon as Webex has it').waitFor();
  await page.getByTestId('new-recording').click();
  const card = page.getByTestId('card').filter({ hasText: 'Call with' }).filter({ hasText: 'Colin Colleague (+15550100), outgoing' }).last();
  await card.waitFor();
  await expect(cardButton(card, 'Download audio (MP3)').count()).resolves.toBe(1);
  await screenshotFor(page, 'sandbox-new-recording.png');
});
