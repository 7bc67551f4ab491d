import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Sandbox } from '../../dev/sandbox/main';
import { MAIN_RECORDING_ID } from '../../dev/sandbox/fixtures';
import { botMessage, startSandboxAndBrowser } from './browser';
import { screenshotFor } from './screenshots';
import { DEADLINE_MS, TEST_TIMEOUT_MS } from '../support/waiting';

/**
 * The sandbox for everyone: loopback only, no command limit, keyboard use from picking a person
 * to reading a card, text contrast, and a layout that works at 390 px and at 1024 px.
 */

jest.setTimeout(TEST_TIMEOUT_MS);

let sandbox: Sandbox;
let browser: Browser | undefined;
let context: BrowserContext;
let page: Page;

const person = (key: string) => sandbox.info.people.find((p) => p.key === key)!;

/** Signs a cast member in through the emulator (not the page): the tests here are about the page. */
async function connect(key: string): Promise<void> {
  const who = person(key);
  const botId = sandbox.info.bot.id;
  const card = sandbox.emulator.waitForMessage((m) => m.roomId === who.directRoomId && m.personId === botId && Boolean(m.attachments?.length));
  sandbox.emulator.say({ as: who.id, roomId: who.directRoomId, text: 'connect' });
  const authorize = JSON.stringify((await card).attachments).match(/"url":"([^"]*\/authorize\?[^"]*)"/)![1]!;
  const connected = sandbox.emulator.waitForMessage((m) => m.roomId === who.directRoomId && m.personId === botId && /connected as/.test(m.markdown ?? ''));
  expect((await fetch(sandbox.emulator.authorizeAs(authorize, who.id))).status).toBe(200);
  await connected;
}

beforeAll(async () => {
  [sandbox, browser] = await startSandboxAndBrowser({ port: 0, log: false });
  await connect('owner');
  context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US', timezoneId: 'Asia/Singapore' });
  context.setDefaultTimeout(DEADLINE_MS);
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await sandbox?.close();
});

async function open(hash: string, viewport = { width: 1440, height: 900 }): Promise<void> {
  await page.setViewportSize(viewport);
  // A new document each time (a change of hash alone would keep the page as it was).
  await page.goto('about:blank');
  await page.goto(`${sandbox.url}/#${hash}`);
  await page.waitForSelector('body[data-ready="true"]');
}

test('every server of the sandbox listens on the loopback interface only', () => {
  expect((sandbox.bot.server.address() as AddressInfo).address).toBe('127.0.0.1');
  expect((sandbox.page.server.address() as AddressInfo).address).toBe('127.0.0.1');
  expect(new URL(sandbox.emulator.apiUrl).hostname).toBe('127.0.0.1');
});

test('no command limit: 30 quick commands from one person all get their answer', async () => {
  const who = person('compliance');
  const botId = sandbox.info.bot.id;
  const before = sandbox.emulator.messages(who.directRoomId).length;
  for (let i = 0; i < 30; i++) sandbox.emulator.say({ as: who.id, roomId: who.directRoomId, text: 'help' });
  // 30 commands and 30 answers.
  const answers = () => sandbox.emulator.messages(who.directRoomId).slice(before).filter((m) => m.personId === botId);
  await sandbox.emulator.waitForMessage(() => answers().length >= 30, DEADLINE_MS).catch(() => undefined);
  expect(answers()).toHaveLength(30);
  expect(answers().filter((m) => /slow down/.test(m.markdown ?? ''))).toEqual([]);
});

test('keyboard only: skip link, arrow keys in the pickers, a fixture sent with Enter, the card read', async () => {
  await open('as=admin&in=group');
  await page.keyboard.press('Tab');
  await expect(page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).resolves.toBe('skip-link');
  // The person picker: one Tab stop, arrows move the choice.
  await page.keyboard.press('Tab');
  await expect(page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).resolves.toBe('as-admin');
  await page.keyboard.press('ArrowUp');
  await page.waitForFunction(() => location.hash === '#as=owner&in=group');
  await expect(page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).resolves.toBe('as-owner');
  // Tab leaves the group for the space picker.
  await page.keyboard.press('Tab');
  await expect(page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).resolves.toBe('in-group');
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction(() => location.hash === '#as=owner&in=direct');
  // On to the fixtures: the group's summary, then its first recording; Enter sends it.
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await expect(page.evaluate(() => document.activeElement?.getAttribute('data-recording-id'))).resolves.toBe(MAIN_RECORDING_ID);
  await page.keyboard.press('Enter');
  const card = page.getByTestId('card').filter({ hasText: 'Renewal call with Acme Corp' }).last();
  await card.waitFor();
  // Reading the card: its buttons are reachable from the composer with Shift+Tab, "More details" opens with Enter.
  await page.focus('[data-testid=input]');
  let inCard = false;
  for (let i = 0; i < 20 && !inCard; i++) {
    await page.keyboard.press('Shift+Tab');
    inCard = await card.evaluate((node) => node.contains(document.activeElement) && /More details/.test(document.activeElement?.textContent ?? ''));
  }
  expect(inCard).toBe(true);
  await page.keyboard.press('Enter');
  await card.getByText('Call session ID').waitFor();
  await expect(card.innerText()).resolves.toContain(MAIN_RECORDING_ID);
  // The skip link lands in the composer, and Enter there sends.
  await page.focus('[data-testid=skip-link]');
  await page.keyboard.press('Enter');
  await expect(page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).resolves.toBe('input');
  await page.keyboard.type('whoami');
  await page.keyboard.press('Enter');
  await botMessage(page, 'Linked Webex account').waitFor();
});

test('clicking a fixture sends it, and the header follows `timezone`', async () => {
  await open('as=owner&in=direct');
  await expect(page.getByTestId('chat-zone').innerText()).resolves.toContain('Asia/Singapore');
  await page.locator(`[data-testid=fixture][data-recording-id="${MAIN_RECORDING_ID}"]`).click();
  await page.getByTestId('messages').getByText(`recording ${MAIN_RECORDING_ID}`).last().waitFor();
  await page.getByTestId('input').fill('timezone Asia/Kathmandu');
  await page.getByTestId('input').press('Enter');
  await botMessage(page, 'Asia/Kathmandu').waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid=chat-zone]')?.textContent?.includes('Asia/Kathmandu'));
  // Asked in the group, the answer goes by DM: the header follows it too.
  await page.getByTestId('in-group').click();
  await page.getByTestId('input').fill('timezone auto');
  await page.getByTestId('input').press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid=chat-zone]')?.textContent?.includes('Asia/Singapore'));
});

/** Contrast of every piece of text on screen against the background it sits on (WCAG 2 formula). */
async function lowContrastTexts(): Promise<string[]> {
  return page.evaluate(() => {
    const parse = (css: string): [number, number, number, number] => {
      const m = css.match(/rgba?\(([^)]+)\)/);
      if (!m) return [0, 0, 0, 0];
      const [r, g, b, a] = m[1]!.split(/[ ,/]+/).filter(Boolean).map(Number);
      return [r!, g!, b!, a === undefined ? 1 : a];
    };
    const luminance = ([r, g, b]: number[]) => {
      const lin = (c: number) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
      return 0.2126 * lin(r!) + 0.7152 * lin(g!) + 0.0722 * lin(b!);
    };
    /** The solid background behind an element: its own or its nearest ancestor's; null when it is an image. */
    const backgroundOf = (node: Element | null): number[] | null => {
      for (let at = node; at; at = at.parentElement) {
        const style = getComputedStyle(at);
        if (style.backgroundImage !== 'none') return null;
        const color = parse(style.backgroundColor);
        if (color[3] >= 0.99) return color;
      }
      return [255, 255, 255, 1];
    };
    const failures: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let text = walker.nextNode(); text; text = walker.nextNode()) {
      const element = text.parentElement;
      if (!element || !text.textContent?.trim()) continue;
      const rect = element.getBoundingClientRect();
      const style = getComputedStyle(element);
      if (rect.width === 0 || rect.height === 0 || style.visibility === 'hidden' || element.closest('[hidden], button:disabled, .skip-link:not(:focus)')) continue;
      if (rect.bottom < 0 || rect.top > innerHeight || rect.right < 0 || rect.left > innerWidth) continue;
      const background = backgroundOf(element);
      if (!background) continue;
      const fg = parse(style.color);
      // A translucent text colour shows blended with its background.
      const shown = fg.slice(0, 3).map((c, i) => c * fg[3]! + background[i]! * (1 - fg[3]!));
      const [a, b] = [luminance(shown), luminance(background)];
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      if (ratio < 4.5) failures.push(`${ratio.toFixed(2)}:1 "${text.textContent.trim().slice(0, 40)}" (${element.className || element.tagName}, ${style.color} on rgb(${background.slice(0, 3).join(', ')}))`);
    }
    return failures;
  });
}

test('all text on screen, hints and cards included, has a contrast of at least 4.5:1', async () => {
  await open('as=owner&in=direct');
  await page.getByTestId('card').first().waitFor();
  await expect(lowContrastTexts()).resolves.toEqual([]);
  await open('as=owner&in=group');
  await expect(lowContrastTexts()).resolves.toEqual([]);
});

/** Boxes of `selector` that overlap each other, or whose text overflows its box. */
async function collisions(selector: string): Promise<string[]> {
  return page.evaluate((sel) => {
    const nodes = [...document.querySelectorAll(sel)].filter((n) => (n as HTMLElement).offsetParent !== null && getComputedStyle(n).visibility !== 'hidden');
    const found: string[] = [];
    const boxes = nodes.map((n) => n.getBoundingClientRect());
    nodes.forEach((n, i) => {
      const el = n as HTMLElement;
      if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).textOverflow !== 'ellipsis') found.push(`"${el.textContent?.trim()}" overflows its box`);
      for (let j = i + 1; j < nodes.length; j++) {
        const [a, b] = [boxes[i]!, boxes[j]!];
        if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1) found.push(`"${n.textContent?.trim()}" overlaps "${nodes[j]!.textContent?.trim()}"`);
      }
    });
    return found;
  }, selector);
}

test('at 390 px wide the chat is on screen and usable, nothing scrolls sideways', async () => {
  await open('as=owner&in=direct', { width: 390, height: 844 });
  const card = page.getByTestId('card').filter({ hasText: 'Renewal call with Acme Corp' }).last();
  await card.waitFor();
  await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(390);
  for (const testId of ['messages', 'input', 'send']) {
    const box = (await page.getByTestId(testId).boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
  }
  const cardBox = (await card.boundingBox())!;
  expect(cardBox.x + cardBox.width).toBeLessThanOrEqual(390);
  // The chat starts within the first screen.
  expect((await page.getByTestId('messages').boundingBox())!.y).toBeLessThan(844 / 2);
  await page.getByTestId('input').fill('help');
  await page.getByTestId('input').press('Enter');
  await botMessage(page, 'Webex Recording Bot').waitFor();
  await card.scrollIntoViewIfNeeded();
  await screenshotFor(page, 'sandbox-390px.png');
});

test('at 1024 px no inspector heading collides with another', async () => {
  await open('as=owner&in=direct', { width: 1024, height: 768 });
  await page.getByTestId('card').first().waitFor();
  await expect(collisions('.inspector-header .panel-title, .inspector-header .panel-hint, .inspector-tools > *')).resolves.toEqual([]);
  await expect(collisions('.calls-head span')).resolves.toEqual([]);
  await expect(collisions('.chat-header .chat-title, .chat-header .chat-sub, .chat-as')).resolves.toEqual([]);
  await screenshotFor(page, 'sandbox-1024px.png');
});
