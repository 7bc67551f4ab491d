import path from 'node:path';
import type { Page } from 'playwright-core';
import { SCREENSHOTS_DIR } from './browser';

/**
 * The README's screenshots of the chat page come from the browser test, at the moments it
 * reaches: `SCREENSHOTS=1 npx jest test/sandbox` writes them under docs/.
 */
export const TAKE_SCREENSHOTS = process.env.SCREENSHOTS === '1';

export async function screenshotFor(page: Page, name: string): Promise<void> {
  if (!TAKE_SCREENSHOTS) return;
  // Fresh-row highlights in the inspector fade within 1.2 s; let them, and the fonts, settle.
  await page.waitForTimeout(1300);
  await page.screenshot({ path: path.join(SCREENSHOTS_DIR, name) });
}
