import { createConnection, type Connection, type RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partitionSchema, tableSchema } from '../../../shared/blueprint';
import { policyOf } from '../../../electron/main/services/partitions/calendar';
import {
  layoutsFromRows,
  TABLE_LAYOUT_SQL,
  type LayoutRow,
} from '../../../electron/main/services/partitions/discovery';
import { planTable } from '../../../electron/main/services/partitions/planner';
import {
  tenantSchemaPattern,
  type ServerScope,
} from '../../../electron/main/services/partitions/scope';
import { createDatabaseSql, createTableSql } from '../../../electron/main/services/tenants/ddl';
import { startMariaDb, stopAll, type MariaDbHandle } from '../../support';

/**
 * Every expression and interval a policy allows, on a real MariaDB 10.11: the table Keel creates
 * is valid DDL, the layout MariaDB reports back (PARTITION_METHOD / EXPRESSION / DESCRIPTION as
 * it prints them) is read, planned against the policy, the planned ALTER runs, rows stay where
 * they were, and planning again finds nothing to do.
 */

const cases = [
  { name: 'by_month_columns', by: 'month', expression: 'columns', type: 'DATETIME(3)' },
  { name: 'by_week_to_days', by: 'week', expression: 'to_days', type: 'DATE' },
  { name: 'by_day_unix', by: 'day', expression: 'unix_timestamp', type: 'TIMESTAMP' },
] as const;

const server: ServerScope = {
  server: 'test',
  via: undefined as never,
  connectionIds: ['core'],
  shared: new Map([['exprs', 'core']]),
  instances: new Map(),
  schemaConnection: 'core',
};

describe('partition expressions on a real MariaDB', () => {
  let db: MariaDbHandle;
  let sql: Connection;

  beforeAll(async () => {
    db = await startMariaDb({ name: 'partition-exprs' });
    sql = await createConnection({ host: db.host, port: db.port, user: 'root', timezone: 'Z' });
    await sql.query("SET time_zone = '+00:00'");
    await sql.query(createDatabaseSql('exprs'));
  });
  afterAll(async () => {
    await sql?.end();
    await stopAll();
  });

  it.each(cases)('$name: created, read back, extended and planned again as nothing', async (c) => {
    const created = new Date(Date.now() - 40 * 86_400_000);
    const spec = partitionSchema.parse({
      column: 'at',
      by: c.by,
      expression: c.expression,
      historyMonths: 2,
      aheadMonths: 2,
    });
    const table = tableSchema.parse({
      name: c.name,
      columns: `id INT NOT NULL,\nat ${c.type} NOT NULL,\nPRIMARY KEY (id, at)`,
      partition: spec,
    });
    await sql.query(createTableSql('exprs', table, created));
    // A row of the day the table was made: it must stay in its partition through the ALTER.
    await sql.query(`INSERT INTO exprs.${c.name} VALUES (1, ?)`, [created]);
    const home = async (names: string[]): Promise<string[]> => {
      const out: string[] = [];
      for (const n of names) {
        const [r] = await sql.query<RowDataPacket[]>(`SELECT id FROM exprs.?? PARTITION (??)`, [
          c.name,
          n,
        ]);
        if (r.length) out.push(n);
      }
      return out;
    };

    const policy = policyOf(spec);
    const read = async () => {
      const [rows] = await sql.query<RowDataPacket[]>(TABLE_LAYOUT_SQL, ['exprs', c.name]);
      const policies = new Map([[c.name, policy]]);
      return layoutsFromRows(
        rows as LayoutRow[],
        server,
        tenantSchemaPattern('tenant_{tenant}'),
        policies,
        new Date(),
      )[0]!;
    };
    const before = await read();
    const was = await home(before.partitions.map((p) => p.name));
    expect(was).toHaveLength(1);
    expect(was[0]).not.toBe('pmax');
    expect(
      before.partitions.every((p) => p.description === 'MAXVALUE' || p.lessThan !== null),
    ).toBe(true);
    const plan = planTable(before, policy, new Date());
    expect(plan.status, plan.reason).toBe('planned');
    expect(plan.statement?.kind).toBe('reorganize');
    await sql.query(plan.statement!.sql);

    const after = await read();
    expect(after.partitions.map((p) => p.name)).toEqual([
      ...before.partitions.slice(0, -1).map((p) => p.name),
      ...plan.add.map((p) => p.name),
      'pmax',
    ]);
    expect(planTable(after, policy, new Date()).status).toBe('ok');
    expect(after.runwayDays).toBeGreaterThan(before.runwayDays!);
    expect(await home(after.partitions.map((p) => p.name))).toEqual(was);
  });
});
