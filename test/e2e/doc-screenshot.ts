import type { Page } from '@playwright/test';

/**
 * The README's screenshots come from the e2e suite, but only when asked
 * (`KEEL_UPDATE_SCREENSHOTS=1 npm test -- e2e`): a plain test run leaves the work tree as it was.
 */
export async function docScreenshot(page: Page, name: string): Promise<void> {
  if (process.env.KEEL_UPDATE_SCREENSHOTS !== '1') return;
  await page.screenshot({ path: `docs/screenshots/${name}.png` });
}
