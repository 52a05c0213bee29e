import { expect, test, type Page } from '@playwright/test';

const URL = () => `${process.env.KEEL_E2E_URL}/?token=${process.env.KEEL_E2E_TOKEN}`;

async function openTenants(page: Page): Promise<void> {
  await page.goto(URL());
  await page.getByTestId('env-select').selectOption('demo');
  await page.getByTestId('nav-tenants').click();
  // A fresh environment: create the catalog and shared databases from the blueprint first.
  const apply = page.getByTestId('apply-blueprint');
  const count = page.getByTestId('tenant-count');
  await expect(apply.or(count)).toBeVisible({ timeout: 20_000 });
  if (await apply.isVisible()) {
    await apply.click();
    await expect(count).toBeVisible({ timeout: 60_000 });
  }
}

test('provision a tenant from the form: preview, progress, then it is in the table; suspend it', async ({
  page,
}) => {
  await openTenants(page);
  await page.getByTestId('provision-tenant').click();
  await page.getByTestId('provision-name').fill('Hangzhou Yunfan Tech');
  const id = page.getByTestId('provision-id');
  await id.fill('bad id!');
  await expect(page.locator('.field-error').first()).toBeVisible();
  await id.fill('yunfan_e2e');
  await page.getByTestId('provision-plan').selectOption('pro');
  await page.getByTestId('provision-tier').selectOption('dedicated_schema');

  // The preview lists every object before anything runs: its schema, ACL user, bucket, catalog row.
  const preview = page.getByTestId('provision-preview');
  await expect(preview).toHaveAttribute('data-status', 'ok');
  await expect(
    preview.locator('[data-testid="preview-step"][data-key="mysql:database:tenant_yunfan_e2e"]'),
  ).toBeVisible();
  await expect(
    preview.locator('[data-testid="preview-step"][data-key="catalog:tenant:yunfan_e2e"]'),
  ).toBeVisible();
  await expect(preview).toContainText('CREATE DATABASE IF NOT EXISTS `tenant_yunfan_e2e`');
  await expect(preview).toContainText('ACL SETUSER tenant_yunfan_e2e');
  // The e2e environment has no MongoDB: the preview says so instead of failing.
  await expect(page.getByTestId('preview-skipped')).toContainText(/MongoDB/);

  await page.getByTestId('provision-submit').click();
  // Progress while it runs; on completion the dialog closes by itself.
  await expect(page.getByTestId('tenant-job-progress')).toBeVisible();
  await expect(page.getByTestId('provision-dialog')).toBeHidden({ timeout: 30_000 });

  // It is in the table, active.
  await page.getByTestId('tenant-search').fill('yunfan_e2e');
  const row = page.locator('[data-testid="tenant-row"][data-tenant-id="yunfan_e2e"]');
  await expect(row).toHaveAttribute('data-status', 'active');
  await expect(page.getByTestId('tenant-count')).toHaveText(/^1 of [\d,]+ tenants?$/);

  // Suspend it with a reason, confirm, and see the status change in the detail and the table.
  await row.click();
  await expect(page.getByTestId('tenant-detail-status')).toContainText(/active/i);
  await page.getByTestId('tenant-suspend').click();
  const confirm = page.getByTestId('confirm-button');
  await expect(confirm).toBeDisabled();
  await page.getByTestId('tenant-action-reason').fill('invoice overdue');
  await confirm.click();
  await expect(page.getByTestId('tenant-detail-status')).toContainText(/suspended/i);
  await expect(page.getByTestId('tenant-history')).toContainText('invoice overdue');
  await expect(row).toHaveAttribute('data-status', 'suspended');
});

test('a duplicate tenant id is refused with a clear message and nothing runs', async ({ page }) => {
  await openTenants(page);
  await page.getByTestId('provision-tenant').click();
  await page.getByTestId('provision-name').fill('Another Yunfan');
  await page.getByTestId('provision-id').fill('yunfan_e2e');
  await page.getByTestId('provision-plan').selectOption('basic');
  await expect(page.locator('.field-error').first()).toContainText(/already exists/);
  // Nothing to preview, nothing to run.
  await expect(page.getByTestId('provision-preview')).toHaveAttribute('data-status', 'idle');
  await page.getByTestId('provision-submit').click();
  // The click was handled (the form now holds submit back) and it started nothing.
  await expect(page.getByTestId('provision-submit')).toBeDisabled();
  await expect(page.getByTestId('provision-dialog')).toBeVisible();
  await expect(page.getByTestId('tenant-job')).toHaveCount(0);
});

test('the view survives a refresh: search, filter, sort and the open tenant are in the address', async ({
  page,
}) => {
  await openTenants(page);
  await page.getByTestId('tenant-search').fill('yunfan');
  await page.getByTestId('filter-status').selectOption('suspended');
  await page.getByTestId('sort-name').click();
  await page.getByTestId('sort-name').click(); // descending
  await page.locator('[data-testid="tenant-row"][data-tenant-id="yunfan_e2e"]').click();
  await expect(page.getByTestId('tenant-drawer')).toBeVisible();
  await expect(page).toHaveURL(/open=yunfan_e2e/);

  await page.reload();
  await expect(page.getByTestId('tenant-search')).toHaveValue('yunfan');
  await expect(page.getByTestId('filter-status')).toHaveValue('suspended');
  await expect(page.locator('th[aria-sort="descending"]')).toContainText(/name/i);
  await expect(page.getByTestId('tenant-drawer')).toBeVisible();
  await expect(page.getByTestId('tenant-detail')).toContainText('yunfan_e2e');
});

test('bulk provisioning shows every problem of every row at once, before anything is sent', async ({
  page,
}) => {
  await openTenants(page);
  await page.getByTestId('bulk-provision').click();
  await page
    .getByTestId('bulk-text')
    .fill(
      [
        'id,name,plan,tier',
        'bulk_ok_e2e,Fine,basic,shared',
        'Bad-Id,Bad id,basic,shared',
        'bulk_tier_e2e,Wrong tier,free,dedicated_instance',
        'bulk_ok_e2e,Repeated,basic,shared',
      ].join('\n'),
    );
  const preview = page.getByTestId('bulk-preview');
  await expect(preview).toHaveAttribute('data-bad', '3');
  const cell = (row: number, field: string) =>
    preview.locator(
      `[data-testid="bulk-preview-row"][data-row="${row}"] td[data-field="${field}"]`,
    );
  await expect(cell(2, 'id')).toHaveAttribute('aria-invalid', 'true');
  await expect(cell(3, 'tier')).toHaveAttribute('aria-invalid', 'true');
  await expect(cell(4, 'id')).toHaveAttribute('aria-invalid', 'true');
  await expect(cell(1, 'id')).not.toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('bulk-submit')).toBeDisabled();
});
