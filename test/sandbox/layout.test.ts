import type { Browser } from 'playwright-core';
import type { Sandbox } from '../../dev/sandbox/main';
import { startSandboxAndBrowser, say } from './browser';
import { DEADLINE_MS, TEST_TIMEOUT_MS } from '../support/waiting';

/** The page's layout at a laptop's 1280 px and a phone's 390 px, in Debian's Chromium. */

jest.setTimeout(TEST_TIMEOUT_MS);

let sandbox: Sandbox | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  [sandbox, browser] = await startSandboxAndBrowser({ port: 0, log: false });
});

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await sandbox?.close();
});

async function open(width: number, height: number) {
  const context = await browser!.newContext({ viewport: { width, height }, locale: 'en-US' });
  context.setDefaultTimeout(DEADLINE_MS);
  const page = await context.newPage();
  await page.goto(`${sandbox!.url}/#as=owner&in=direct`);
  await page.waitForSelector('body[data-ready="true"]');
  return { page, context };
}

/** Lines of text an element spans (its height over its line height). */
const lines = (selector: string) => (el: Element) => {
  const style = getComputedStyle(el);
  return Math.round(el.getBoundingClientRect().height / parseFloat(style.lineHeight));
};

test("at 1280 px the chat header's 'You are' line is not squeezed into a column, and no persona name wraps on its badge", async () => {
  const { page, context } = await open(1280, 800);
  const as = page.locator('.chat-as');
  await expect(as.evaluate(lines('.chat-as'))).resolves.toBe(1);
  const names = await page.locator('.pick-name').evaluateAll((nodes) =>
    nodes.map((n) => Math.round(n.getBoundingClientRect().height / parseFloat(getComputedStyle(n).lineHeight))),
  );
  expect(names.every((n) => n === 1)).toBe(true);
  await context.close();
});

test('at 390 px most of the screen below the pickers is left for the messages', async () => {
  const { page, context } = await open(390, 844);
  await say(page, 'help');
  await page.getByTestId('bot-message').first().waitFor();
  const box = (await page.getByTestId('messages').boundingBox())!;
  expect(box.height).toBeGreaterThanOrEqual(450);
  await context.close();
});

test('Tab reaches the message box in a few steps: each fixture group is one Tab stop, arrow keys move within it', async () => {
  const { page, context } = await open(1280, 800);
  let presses = 0;
  while (presses < 25 && (await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))) !== 'input') {
    await page.keyboard.press('Tab');
    presses += 1;
  }
  expect(presses).toBeLessThanOrEqual(20);
  // Within a group, the arrows go from one recording to the next.
  await page.locator('[data-testid=fixture]').first().focus();
  const first = await page.evaluate(() => document.activeElement?.getAttribute('data-recording-id'));
  await page.keyboard.press('ArrowDown');
  const second = await page.evaluate(() => document.activeElement?.getAttribute('data-recording-id'));
  expect(second).toBeTruthy();
  expect(second).not.toBe(first);
  await context.close();
});
