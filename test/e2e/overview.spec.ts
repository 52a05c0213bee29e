import { expect, test } from '@playwright/test';

const URL = () => `${process.env.KEEL_E2E_URL}/?token=${process.env.KEEL_E2E_TOKEN}`;

test('the overview shows every store with live numbers; a store page charts its metrics with data points', async ({
  page,
}) => {
  await page.goto(URL());
  await page.getByTestId('env-select').selectOption('demo');
  // Keel opens on the Overview.
  await expect(page.getByTestId('nav-overview')).toHaveAttribute('aria-current', 'page');
  await expect(page).toHaveURL(/#\/overview$/);
  const core = page.locator('[data-testid="store-card"][data-connection-id="core"]');
  await expect(core).toHaveAttribute('data-status', 'up', { timeout: 30_000 });
  await expect(
    core.locator('[data-testid="key-number"][data-metric="mysql.connections_ratio"]'),
  ).toContainText(/\d/, { timeout: 30_000 });

  await core.getByTestId('store-link').click();
  await expect(page.getByTestId('store-page')).toHaveAttribute('data-connection-id', 'core');
  // Samples every 2 s (global setup): a chart fills within a few sweeps.
  const chart = page.locator('[data-testid="metric-chart"][data-metric="mysql.threads_connected"]');
  await expect
    .poll(async () => Number(await chart.getAttribute('data-points')), { timeout: 30_000 })
    .toBeGreaterThanOrEqual(2);
  // Points are drawn: a series with few filled buckets shows each as a dot.
  await expect
    .poll(() => chart.locator('.recharts-line-dots .recharts-dot').count(), { timeout: 30_000 })
    .toBeGreaterThanOrEqual(1);
  await page.getByTestId('range-24h').click();
  await expect(page.getByTestId('range-shown')).toBeVisible();
});
