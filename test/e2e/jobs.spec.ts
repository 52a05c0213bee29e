import { expect, test } from '@playwright/test';

const URL = () => `${process.env.KEEL_E2E_URL}/?token=${process.env.KEEL_E2E_TOKEN}`;

test('a health sweep started from the Jobs page runs to completion and lands in the history', async ({
  page,
}) => {
  await page.goto(URL());
  await page.getByTestId('env-select').selectOption('demo');
  await page.getByTestId('nav-jobs').click();
  const before = await page.locator('[data-testid="job-row"][data-state="completed"]').count();
  await page.getByTestId('run-health-sweep').click();
  await expect(page.locator('[data-testid="job-row"][data-state="completed"]')).toHaveCount(
    before + 1,
  );
  await page.locator('[data-testid="job-row"][data-state="completed"]').first().click();
  await expect(page.getByTestId('job-log')).toContainText(/core \(primary\) up/);
});
