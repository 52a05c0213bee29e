import { expect, test } from '@playwright/test';
import { startRedis, type RedisHandle } from '../support';

const URL = () => `${process.env.KEEL_E2E_URL}/?token=${process.env.KEEL_E2E_TOKEN}`;

test.describe('Connections: add one through the form, watch it through an outage', () => {
  let redis: RedisHandle;
  test.beforeAll(
    async () => void (redis = await startRedis({ name: 'e2e-form', password: 'Form-Pw-8' })),
  );
  test.afterAll(async () => redis.stop());

  test('add → test → save → healthy → killed → down → restarted → recovered', async ({ page }) => {
    await page.goto(URL());
    await page.getByTestId('nav-connections').click();

    // A new environment.
    await page.getByTestId('add-environment').click();
    const envDialog = page.getByRole('dialog');
    await envDialog.getByLabel('Name', { exact: true }).fill('E2E Staging');
    await envDialog.getByLabel('ID', { exact: true }).fill('e2e-staging');
    await page.getByTestId('save-environment').click();
    await expect(page.locator('[data-testid="env-item"][data-env-id="e2e-staging"]')).toBeVisible();
    await page.locator('[data-testid="env-item"][data-env-id="e2e-staging"]').click();

    // A connection from a pasted connection string; the password lands in the password field.
    await page.getByTestId('add-connection').click();
    const dialog = page.getByTestId('connection-dialog');
    await dialog
      .getByLabel('Paste connection string')
      .fill(`redis://:Form-Pw-8@127.0.0.1:${redis.port}/0`);
    await dialog.getByRole('button', { name: 'Fill in' }).click();
    await expect(dialog.getByLabel('Host', { exact: true })).toHaveValue('127.0.0.1');
    await expect(dialog.getByLabel('Port', { exact: true })).toHaveValue(String(redis.port));
    await expect(dialog.getByLabel('Password', { exact: true })).toHaveValue('Form-Pw-8');
    await dialog.getByLabel('Name', { exact: true }).fill('Session cache');
    await dialog.getByLabel('ID', { exact: true }).fill('sessions');

    await page.getByTestId('test-connection').click();
    await expect(page.getByTestId('probe-result')).toContainText(/7\.\d+\.\d+/);
    await page.getByTestId('save-connection').click();
    const row = page.locator('[data-testid="connection-row"][data-connection-id="sessions"]');
    await expect(row).toBeVisible();
    await expect(row).not.toContainText('Form-Pw-8');

    // Health of the new environment.
    await page.getByTestId('env-select').selectOption('e2e-staging');
    await page.getByTestId('nav-health').click();
    const card = page.locator('[data-testid="health-card"][data-connection-id="sessions"]');
    await expect(card).toHaveAttribute('data-status', 'up');
    await expect(card.getByTestId('version')).toHaveText(/^7\./);

    await redis.kill('SIGKILL');
    await page.getByTestId('probe-now').click();
    await expect(card).toHaveAttribute('data-status', 'down');
    await expect(card.getByTestId('plain-error')).toContainText(
      /Check that the server is running|127\.0\.0\.1/,
    );

    await redis.restart();
    // Recovery needs no click: the scheduled probes see it (interval 10 s, reconnect ≤ 5 s).
    await expect(card).toHaveAttribute('data-status', 'up', { timeout: 30_000 });
  });

  test('refuses bad input in the form before anything is saved', async ({ page }) => {
    await page.goto(URL());
    await page.getByTestId('nav-connections').click();
    await page.locator('[data-testid="env-item"][data-env-id="e2e-staging"]').click();
    await page.getByTestId('add-connection').click();
    const dialog = page.getByTestId('connection-dialog');
    await dialog.getByLabel('Paste connection string').fill('ftp://nowhere');
    await dialog.getByRole('button', { name: 'Fill in' }).click();
    await expect(dialog.getByRole('alert')).toContainText(/unsupported scheme/);
    await dialog.getByLabel('ID', { exact: true }).fill('Bad Id!');
    await page.getByTestId('save-connection').click();
    await expect(dialog).toBeVisible();
    await expect(
      page.locator('[data-testid="connection-row"][data-connection-id="Bad Id!"]'),
    ).toHaveCount(0);
  });
});
