import { expect, test, type Page } from '@playwright/test';
import { docScreenshot } from './doc-screenshot';

const URL = () => `${process.env.KEEL_E2E_URL}/?token=${process.env.KEEL_E2E_TOKEN}`;

/** Open the console on the demo environment (other specs may have switched the shared prefs). */
async function openDemo(page: Page): Promise<void> {
  await page.goto(URL());
  await page.getByTestId('env-select').selectOption('demo');
  // Keel opens on the Overview (issue 15 item 6).
  await page.getByTestId('nav-health').click();
}

/** Collect console errors (a CSP violation, an uncaught exception) so a test can assert none. */
function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  return errors;
}

test.describe('Health page (first vertical slice)', () => {
  test('shows every store of the demo environment live, with status, version and latency', async ({
    page,
  }) => {
    const errors = watchConsole(page);
    await openDemo(page);
    const cards = page.getByTestId('health-card');
    await expect(cards).toHaveCount(4);
    for (const [id, endpoint, version] of [
      ['core', 'primary', /MariaDB/],
      ['core', 'replica', /MariaDB/],
      ['cache', 'primary', /^7\./],
      ['metrics', 'primary', /^1\./],
    ] as const) {
      const card = page.locator(
        `[data-testid="health-card"][data-connection-id="${id}"][data-endpoint="${endpoint}"]`,
      );
      await expect(card).toHaveAttribute('data-status', 'up');
      await expect(card.getByTestId('version')).toHaveText(version);
      await expect(card.getByTestId('latency')).toHaveText(/\d+(\.\d+)?\s*ms/);
    }
    const replica = page.locator(
      '[data-testid="health-card"][data-connection-id="core"][data-endpoint="replica"]',
    );
    await expect(replica.getByTestId('replication-lag')).toBeVisible();
    await expect(page.getByTestId('summary-up')).toHaveAttribute('data-count', '4');
    await docScreenshot(page, 'health');
    expect(errors).toEqual([]);
  });

  test('probes on demand: a new probe time and a latency sparkline', async ({ page }) => {
    await openDemo(page);
    const card = page.locator('[data-testid="health-card"][data-connection-id="cache"]');
    await expect(card).toHaveAttribute('data-status', 'up');
    const probedAt = card.locator('footer time');
    const before = await probedAt.getAttribute('datetime');
    await page.getByTestId('probe-now').click();
    await expect(probedAt).not.toHaveAttribute('datetime', before ?? '');
    // Two or more probes draw the sparkline.
    await expect(card.locator('.sparkline svg')).toBeVisible();
  });

  test('speaks Simplified Chinese and switches to the dark theme', async ({ page }) => {
    await openDemo(page);
    await page.getByTestId('language-select').selectOption('zh-CN');
    await expect(page.getByTestId('nav-health')).toContainText('健康');
    await page.getByTestId('theme-select').selectOption('dark');
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    await docScreenshot(page, 'health-zh-dark');
    // Back to defaults for the other tests (prefs are shared by the server).
    await page.getByTestId('language-select').selectOption('en');
    await page.getByTestId('theme-select').selectOption('system');
    await expect(page.getByTestId('nav-health')).toContainText('Health');
  });
});
