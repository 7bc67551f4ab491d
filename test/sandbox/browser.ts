import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { runSandbox, type Sandbox, type SandboxOptions } from '../../dev/sandbox/main';
import { DEADLINE_MS } from '../support/waiting';

/**
 * Browser helpers for the sandbox's page tests: Debian's Chromium driven by playwright-core
 * (never a downloaded browser), and the few gestures the tests repeat.
 */

export const CHROMIUM_PATH = '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`the sandbox's browser tests need Debian's Chromium at ${CHROMIUM_PATH}: run \`bash scripts/install-test-tools.sh\` (as root) or \`apt-get install chromium\``);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    // Under a faked clock (libfaketime, see .ci/run) only the bot's clock moves: Chromium does not
    // start with the library preloaded, and it only renders what the bot posted.
    env: withoutPreload(process.env),
    timeout: DEADLINE_MS,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/**
 * Starts the sandbox and Chromium side by side; if either fails, closes the other, so a failed
 * start leaves no server behind to keep jest from exiting.
 */
export async function startSandboxAndBrowser(options: SandboxOptions): Promise<[Sandbox, Browser]> {
  const [sandbox, browser] = await Promise.allSettled([runSandbox(options), launchChromium()]);
  if (sandbox.status === 'fulfilled' && browser.status === 'fulfilled') return [sandbox.value, browser.value];
  if (sandbox.status === 'fulfilled') await sandbox.value.close();
  if (browser.status === 'fulfilled') await browser.value.close().catch(() => undefined);
  throw sandbox.status === 'rejected' ? sandbox.reason : (browser as PromiseRejectedResult).reason;
}

function withoutPreload(env: NodeJS.ProcessEnv): Record<string, string> {
  const kept = Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[0] !== 'LD_PRELOAD' && !entry[0].startsWith('FAKETIME'));
  return Object.fromEntries(kept);
}

export type CastKey = 'owner' | 'admin' | 'compliance' | 'colleague';

/** Picks who the page acts as and where. */
export async function actAs(page: Page, who: CastKey, where: 'direct' | 'group'): Promise<void> {
  await page.getByTestId(`as-${who}`).click();
  await page.getByTestId(`in-${where}`).click();
  await page.waitForFunction(([w, s]) => location.hash === `#as=${w}&in=${s}`, [who, where] as const);
}

export async function say(page: Page, text: string): Promise<void> {
  await page.getByTestId('input').fill(text);
  await page.getByTestId('input').press('Enter');
}

/** The newest message of the bot on screen that contains `text`. */
export function botMessage(page: Page, text: string | RegExp): Locator {
  return page.getByTestId('bot-message').filter({ hasText: text }).last();
}

export function cardButton(scope: Locator, title: string | RegExp): Locator {
  return scope.locator('.ac-pushButton').filter({ hasText: title });
}

/**
 * Clicks a card's "Sign in with Webex", accepts on the emulator's consent page (opened in a new
 * tab, the acting person preselected) and waits for the bot's callback page.
 */
export async function signInThroughConsentPage(context: BrowserContext, signInButton: Locator, expectedEmail: string): Promise<void> {
  const [consent] = await Promise.all([context.waitForEvent('page'), signInButton.click()]);
  await consent.waitForLoadState('domcontentloaded');
  const chosen = await consent.locator('#personId option:checked').textContent();
  if (!chosen?.includes(expectedEmail)) throw new Error(`consent page preselected ${chosen}, not ${expectedEmail}`);
  await Promise.all([consent.waitForURL(/\/oauth\/callback\?/), consent.locator('#accept').click()]);
  const body = await consent.locator('body').innerText();
  if (!body.includes(expectedEmail)) throw new Error(`callback page did not confirm ${expectedEmail}: ${body}`);
  await consent.close();
}

export const SCREENSHOTS_DIR = path.resolve(__dirname, '../../docs');
