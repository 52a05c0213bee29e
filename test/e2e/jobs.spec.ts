import { expect, test, type Page } from '@playwright/test';

const URL = () => `${process.env.KEEL_E2E_URL}/?token=${process.env.KEEL_E2E_TOKEN}`;

async function openJobs(page: Page): Promise<void> {
  await page.goto(URL());
  await page.getByTestId('env-select').selectOption('demo');
  await page.getByTestId('nav-jobs').click();
}

test('the demo environment runs coordinated jobs (BullMQ on its Redis)', async ({ page }) => {
  await openJobs(page);
  await expect(page.getByTestId('engine-status')).toHaveAttribute('data-coordinated', 'true');
});

test('a health sweep started from the Jobs page runs to completion and lands in the history', async ({
  page,
}) => {
  await openJobs(page);
  const before = await page.locator('[data-testid="job-row"][data-state="completed"]').count();
  await page.getByTestId('run-health-sweep').click();
  await expect(page.locator('[data-testid="job-row"][data-state="completed"]')).toHaveCount(
    before + 1,
  );
  await page.locator('[data-testid="job-row"][data-state="completed"]').first().click();
  await expect(page.getByTestId('job-log')).toContainText(/core \(primary\) up/);
});

test('a watch started from the Start job dialog shows its progress bar advancing to completion', async ({
  page,
}) => {
  await openJobs(page);
  await page.getByTestId('start-job').click();
  await page.getByTestId('start-job-kind').selectOption('health.watch');
  const duration = page.getByTestId('watch-duration');
  await duration.fill('5');
  await duration.locator('xpath=following-sibling::select').selectOption('s');
  const interval = page.getByTestId('watch-interval');
  await interval.fill('1');
  await interval.locator('xpath=following-sibling::select').selectOption('s');
  await page.getByTestId('start-job-submit').click();

  const running = page.getByTestId('running-job').first();
  await expect(running).toBeVisible();
  const jobId = await running.getAttribute('data-job-id');
  const bar = running.getByTestId('progress-bar');
  await expect
    .poll(async () => Number(await bar.getAttribute('aria-valuenow')), { timeout: 15_000 })
    .toBeGreaterThan(0);
  await expect(page.locator(`[data-testid="job-row"][data-job-id="${jobId}"]`)).toHaveAttribute(
    'data-state',
    'completed',
    { timeout: 20_000 },
  );
});

test('a schedule shows its next run times as the cron is typed, refuses a bad one, and is saved', async ({
  page,
}) => {
  await page.goto(URL());
  await page.getByTestId('env-select').selectOption('demo');
  await page.getByTestId('nav-schedules').click();
  await page.getByTestId('add-schedule').click();
  await page.getByTestId('schedule-name').fill('Nightly sweep');
  await page.getByTestId('schedule-id').fill('nightly-sweep');
  const cron = page.getByTestId('schedule-cron');
  await cron.fill('61 2 * * *');
  await expect(page.getByTestId('cron-error')).toContainText(/0-59/);
  await expect(page.getByTestId('save-schedule')).toBeDisabled();
  await cron.fill('0 2 * * *');
  await expect(page.getByTestId('cron-preview').locator('li')).toHaveCount(5);
  await expect(page.getByTestId('cron-preview')).toContainText(/02:00/);
  await page.getByTestId('save-schedule').click();
  const row = page.locator('[data-testid="schedule-row"][data-schedule-id="nightly-sweep"]');
  await expect(row).toBeVisible();
  await expect(row.getByTestId('schedule-next')).not.toBeEmpty();
  await row.getByTestId('pause-schedule').click();
  await expect(row).toHaveAttribute('data-enabled', 'false');
});
