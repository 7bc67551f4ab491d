import type { Browser, Page } from 'playwright-core';
import { runSandbox, type Sandbox } from '../../dev/sandbox/main';
import { startSandboxAndBrowser, say } from './browser';
import { DEADLINE_MS, TEST_TIMEOUT_MS } from '../support/waiting';

/**
 * What the page shows beyond the chat: a card's JSON, a call's bodies, and the sandbox stopping
 * and starting again under an open page (a plain sentence instead of the browser's "Failed to
 * fetch", and after a restart a notice that the chat and the inspector start again empty).
 */

jest.setTimeout(TEST_TIMEOUT_MS);

let sandbox: Sandbox | undefined;
let browser: Browser | undefined;
let page: Page;

beforeAll(async () => {
  [sandbox, browser] = await startSandboxAndBrowser({ port: 0, log: false });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
  context.setDefaultTimeout(DEADLINE_MS);
  page = await context.newPage();
  await page.goto(`${sandbox.url}/#as=owner&in=direct`);
  await page.waitForSelector('body[data-ready="true"]');
});

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await sandbox?.close();
});

test("a card's JSON can be read under it, as the bot sent it", async () => {
  await say(page, 'help');
  const message = page.getByTestId('bot-message').last();
  await message.getByText('Card JSON').click();
  const json = await message.getByTestId('card-json').innerText();
  expect(JSON.parse(json)).toMatchObject({ type: 'AdaptiveCard' });
});

test("the inspector shows a call's request and response bodies when its row is clicked", async () => {
  const post = page.getByTestId('call').filter({ hasText: '/v1/messages' }).filter({ hasText: 'POST' }).last();
  await post.click();
  await expect(post.getByTestId('call-request-body').innerText()).resolves.toContain('"markdown"');
  await expect(post.getByTestId('call-response-body').innerText()).resolves.toContain('"id"');
});

test('a message sent while the sandbox is stopped says so, and a restart is announced with the chat and the inspector cleared', async () => {
  await page.getByTestId('call').first().waitFor();
  const trackingIds = () => page.getByTestId('call').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-tracking-id')));
  const before = await trackingIds();
  const port = new URL(sandbox!.url).port;

  await sandbox!.close();
  sandbox = undefined;
  await say(page, 'whoami');
  const notice = page.getByTestId('notice');
  await notice.filter({ hasText: 'The sandbox has stopped' }).waitFor();
  await expect(notice.innerText()).resolves.not.toMatch(/Failed to fetch/);

  sandbox = await runSandbox({ port: Number(port), log: false });
  await notice.filter({ hasText: 'The sandbox restarted' }).waitFor();
  await page.waitForSelector('body[data-ready="true"]');
  await expect(page.getByTestId('bot-message').count()).resolves.toBe(0);
  // The inspector shows the new run's calls (the bot's start), none of the old run's.
  expect((await trackingIds()).filter((id) => before.includes(id))).toEqual([]);
});
