/**
 * The sandbox in websocket mode (`SANDBOX_TRANSPORT=websocket`): the bot has no public URL, so
 * its framework registers a device on the emulator and hears through the Mercury socket; the
 * page's inspector shows the socket and its frames beside the API calls.
 */
import type { Browser, Page } from 'playwright-core';
import { MAIN_RECORDING_ID } from '../../dev/sandbox/fixtures';
import type { Sandbox } from '../../dev/sandbox/main';
import { loadSandboxTransport } from '../../src/config';
import { botMessage, cardButton, startSandboxAndBrowser, signInThroughConsentPage } from './browser';
import { screenshotFor } from './screenshots';
import { DEADLINE_MS, TEST_TIMEOUT_MS } from '../support/waiting';

jest.setTimeout(TEST_TIMEOUT_MS);

let sandbox: Sandbox;
let browser: Browser | undefined;

beforeAll(async () => {
  // The bot's Webex SDK logs at debug level under jest, and its metrics timer outlives the test.
  process.env.WEBEX_LOG_LEVEL = 'silent';
  [sandbox, browser] = await startSandboxAndBrowser({ port: 0, log: false, transport: 'websocket' });
});

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await sandbox?.close();
});

it('reads SANDBOX_TRANSPORT: webhook by default, websocket on demand, nothing else', () => {
  expect(loadSandboxTransport({})).toBe('webhook');
  expect(loadSandboxTransport({ SANDBOX_TRANSPORT: 'websocket' })).toBe('websocket');
  expect(() => loadSandboxTransport({ SANDBOX_TRANSPORT: 'socket' })).toThrow(/SANDBOX_TRANSPORT must be webhook or websocket/);
});

it('runs the bot over the socket: a device, an open socket, no message webhook', async () => {
  const { emulator, info } = sandbox;
  expect(info.transport).toBe('websocket');
  await emulator.mercury.waitForSocket((s) => s.personId === info.bot.id);
  expect(emulator.mercury.devices({ personId: info.bot.id })).toHaveLength(1);
  expect(emulator.webhooksOf(info.bot.id)).toEqual([]);
});

it('answers in the page, signs in through the consent page, and the inspector shows the socket frames', async () => {
  const context = await browser!.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US', timezoneId: 'Asia/Singapore' });
  context.setDefaultTimeout(DEADLINE_MS);
  const page: Page = await context.newPage();
  await page.goto(`${sandbox.url}/#as=owner&in=direct`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.locator(`[data-testid=fixture][data-recording-id="${MAIN_RECORDING_ID}"]`).click();
  const connectCard = botMessage(page, 'Sign in with Webex');
  await connectCard.waitFor();
  // Without a public URL the sign-in comes back to the bot on localhost.
  await signInThroughConsentPage(context, cardButton(connectCard, 'Sign in with Webex'), 'olivia.owner@example.com');
  await botMessage(page, 'Renewal call with Acme Corp').getByTestId('card').waitFor();
  const frames = page.getByTestId('socket-event').filter({ hasText: '↓ post ‹' });
  await frames.first().waitFor();
  await expect(frames.first().innerText()).resolves.toMatch(/WS[\s\S]*#\d+[\s\S]*RecBot/);
  await screenshotFor(page, 'sandbox-websocket.png');
  await context.close();
});
