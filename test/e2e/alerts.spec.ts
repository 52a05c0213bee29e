import { expect, test, type Page } from '@playwright/test';

const URL = () => `${process.env.KEEL_E2E_URL}/?token=${process.env.KEEL_E2E_TOKEN}`;

async function openAlerts(page: Page): Promise<void> {
  await page.goto(URL());
  await page.getByTestId('env-select').selectOption('demo');
  await page.getByTestId('nav-alerts').click();
}

test('a rule fires an alert; acknowledge it with a note and see the note and the state change', async ({
  page,
}) => {
  await openAlerts(page);
  // A rule that is true on any running MariaDB: at least one client connection (Keel's own).
  await page.getByTestId('alerts-tab-rules').click();
  await page.getByTestId('add-rule').click();
  await page.getByTestId('rule-name').fill('e2e: any connection open');
  await page.getByTestId('rule-metric').selectOption('mysql.threads_connected');
  await page.getByTestId('rule-op').selectOption('>');
  await page.getByTestId('rule-threshold').fill('0');
  await page.getByTestId('rule-for').fill('0');
  await page.getByTestId('rule-save').click();
  await expect(page.getByTestId('rule-editor')).toBeHidden();

  await page.getByTestId('alerts-tab-alerts').click();
  const row = page
    .locator('[data-testid="alert-row"][data-state="firing"]')
    .filter({ hasText: 'e2e: any connection open' })
    .first();
  await expect(row).toBeVisible({ timeout: 40_000 });
  await row.click();
  await expect(page.getByTestId('alert-detail')).toHaveAttribute('data-state', 'firing');

  await page.getByTestId('alert-ack').click();
  await page.getByTestId('ack-note').fill('looking at it — e2e');
  await page.getByTestId('confirm-button').click();
  await expect(page.getByTestId('alert-detail')).toHaveAttribute('data-state', 'acknowledged');
  await expect(page.getByTestId('alert-acked')).toContainText('looking at it — e2e');
  await expect(
    page.locator('[data-testid="alert-history-entry"][data-to="acknowledged"]'),
  ).toContainText('looking at it — e2e');

  // The state history is searchable across alerts.
  await page.keyboard.press('Escape');
  await page.getByTestId('alerts-tab-history').click();
  await page.getByTestId('alerts-history-search').fill('looking at it');
  await expect(
    page.locator('[data-testid="alerts-history-row"][data-to="acknowledged"]'),
  ).toContainText('e2e: any connection open');
});
