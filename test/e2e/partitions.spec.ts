import { expect, test } from '@playwright/test';
import { createConnection } from 'mysql2/promise';
import { BlueprintLoader } from '../../electron/main/services/tenants/blueprints';
import { createDatabaseSql, createTableSql } from '../../electron/main/services/tenants/ddl';

const URL = () => `${process.env.KEEL_E2E_URL}/?token=${process.env.KEEL_E2E_TOKEN}`;
const SCHEMA = 'tenant_shortrun';
const KEY = `core/${SCHEMA}.customer_behavior_events`;

test('a table whose runway ran out is flagged; the plan is previewed and run; the runway grows', async ({
  page,
}) => {
  // A dedicated tenant schema whose table was made four months ago and never maintained: its last
  // bounded partition ended on the 1st of this month.
  const now = new Date();
  const made = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 4, 15));
  const sql = await createConnection({
    host: '127.0.0.1',
    port: Number(process.env.KEEL_E2E_MYSQL_PORT),
    user: 'root',
  });
  try {
    const { blueprint } = await new BlueprintLoader().load('default');
    const spec = blueprint.mysql.databases
      .flatMap((d) => d.tables)
      .find((t) => t.name === 'customer_behavior_events')!;
    await sql.query(`DROP DATABASE IF EXISTS ${SCHEMA}`);
    await sql.query(createDatabaseSql(SCHEMA));
    await sql.query(createTableSql(SCHEMA, spec, made));
  } finally {
    await sql.end();
  }

  await page.goto(URL());
  await page.getByTestId('env-select').selectOption('demo');
  await page.getByTestId('nav-partitions').click();
  const row = page.locator(`[data-testid="partitions-row"][data-key="${KEY}"]`);
  await expect(row.getByTestId('runway')).toHaveAttribute('data-level', 'critical');
  // Worst first: no table has a shorter runway than one already past its end.
  await expect(page.getByTestId('partitions-row').first().getByTestId('runway')).toHaveAttribute(
    'data-level',
    'critical',
  );

  await page.getByTestId('partition-preview').click();
  const plan = page.getByTestId('partition-plan');
  const item = plan
    .getByTestId('plan-item')
    .filter({ hasText: `${SCHEMA}.customer_behavior_events` });
  await expect(item).toContainText(
    `ALTER TABLE \`${SCHEMA}\`.\`customer_behavior_events\` REORGANIZE PARTITION \`pmax\` INTO`,
  );
  await plan.getByTestId('partition-apply').click();
  await expect(plan.getByTestId('apply-result')).toContainText(/failed 0/, { timeout: 45_000 });
  await plan.getByRole('button', { name: /close/i }).first().click();

  await expect(row.getByTestId('runway')).toHaveAttribute('data-level', 'ok');
});
