import { describe, expect, it } from 'vitest';
import { partitionSchema } from '../../shared/blueprint';
import type { PartitionPolicy, TableLayout } from '../../shared/partitions';
import {
  boundValue,
  intervalIndex,
  intervalStart,
  parseBound,
  partitionName,
} from '../../electron/main/services/partitions/calendar';
import { initialPartitions } from '../../electron/main/services/partitions/initial';
import { planTable } from '../../electron/main/services/partitions/planner';
import { quoteId } from '../../electron/main/services/partitions/sql';

/**
 * The planner is a pure function of (layout, policy, now): these pin the DDL a DBA would see in
 * `keel partitions plan` for the cases that break hand-written maintenance scripts.
 */

const month: PartitionPolicy = {
  column: 'created_at',
  expression: 'columns',
  interval: 'month',
  premake: 3,
  retention: null,
  archive: true,
  naming: 'p%Y%m',
};

/** A layout of RANGE COLUMNS month partitions ending before each bound, then pmax (rows). */
function layout(
  bounds: Array<[string, string]>,
  maxRows: number | null = 0,
  over: Partial<TableLayout> = {},
): TableLayout {
  return {
    connectionId: 'core',
    server: '127.0.0.1:3306',
    schema: 'ai_agent_platform',
    table: 'ai_call_logs',
    method: 'RANGE COLUMNS',
    expression: '`created_at`',
    partitions: [
      ...bounds.map(([name, d]) => ({
        name,
        description: d,
        lessThan: null,
        rows: 10,
        dataBytes: 16384,
        indexBytes: 0,
      })),
      ...(maxRows === null
        ? []
        : [
            {
              name: 'pmax',
              description: 'MAXVALUE',
              lessThan: null,
              rows: maxRows,
              dataBytes: 16384,
              indexBytes: 0,
            },
          ]),
    ],
    runwayDays: 0,
    maxvalueRows: maxRows,
    ...over,
  };
}

const at = (iso: string): Date => new Date(iso);

describe('partition planner', () => {
  it('adds exactly the missing months ahead by reorganizing an empty pmax', () => {
    const plan = planTable(
      layout([
        ['p202610', "'2026-11-01'"],
        ['p202611', "'2026-12-01'"],
        ['p202612', "'2027-01-01'"],
      ]),
      month,
      at('2026-11-15T10:00:00Z'),
    );
    expect(plan.status).toBe('planned');
    // November + 3 months ahead: through February 2027.
    expect(plan.add.map((p) => [p.name, p.value])).toEqual([
      ['p202701', "'2027-02-01'"],
      ['p202702', "'2027-03-01'"],
    ]);
    expect(plan.statement).toEqual({
      kind: 'reorganize',
      maxvalue: 'pmax',
      sql:
        'ALTER TABLE `ai_agent_platform`.`ai_call_logs` REORGANIZE PARTITION `pmax` INTO (\n' +
        "  PARTITION `p202701` VALUES LESS THAN ('2027-02-01'),\n" +
        "  PARTITION `p202702` VALUES LESS THAN ('2027-03-01'),\n" +
        '  PARTITION `pmax` VALUES LESS THAN (MAXVALUE)\n)',
    });
  });

  it('crosses December into January of the next year', () => {
    const plan = planTable(
      layout([['p202611', "'2026-12-01'"]]),
      month,
      at('2026-12-31T23:59:59Z'),
    );
    expect(plan.add.map((p) => `${p.name}<${p.value}`)).toEqual([
      "p202612<'2027-01-01'",
      "p202701<'2027-02-01'",
      "p202702<'2027-03-01'",
      "p202703<'2027-04-01'",
    ]);
  });

  it('counts the month boundary in UTC: 1 January 00:00 UTC is already January', () => {
    const before = planTable(
      layout([['p202703', "'2027-04-01'"]]),
      month,
      at('2026-12-31T23:59:59.999Z'),
    );
    const after = planTable(
      layout([['p202703', "'2027-04-01'"]]),
      month,
      at('2027-01-01T00:00:00Z'),
    );
    expect(before.status).toBe('ok');
    expect(after.add.map((p) => p.name)).toEqual(['p202704']);
  });

  it('fills a gap of missed months one month each, not one wide partition', () => {
    const plan = planTable(
      layout([['p202606', "'2026-07-01'"]]),
      month,
      at('2026-10-03T00:00:00Z'),
    );
    expect(plan.add.map((p) => p.name)).toEqual([
      'p202607',
      'p202608',
      'p202609',
      'p202610',
      'p202611',
      'p202612',
      'p202701',
    ]);
    expect(plan.runwayDays).toBe(0); // the layout's own runway is passed through
  });

  it('plans nothing when partitions already reach further ahead than premake', () => {
    const plan = planTable(
      layout([
        ['p202612', "'2027-01-01'"],
        ['p202706', "'2027-07-01'"],
      ]),
      month,
      at('2026-12-10T00:00:00Z'),
    );
    expect(plan).toMatchObject({ status: 'ok', add: [], statement: null });
  });

  it('uses ADD PARTITION when there is no MAXVALUE partition', () => {
    const plan = planTable(
      layout([['p202612', "'2027-01-01'"]], null),
      month,
      at('2026-12-10T00:00:00Z'),
    );
    expect(plan.statement?.kind).toBe('add');
    expect(plan.statement?.sql).toBe(
      'ALTER TABLE `ai_agent_platform`.`ai_call_logs` ADD PARTITION (\n' +
        "  PARTITION `p202701` VALUES LESS THAN ('2027-02-01'),\n" +
        "  PARTITION `p202702` VALUES LESS THAN ('2027-03-01'),\n" +
        "  PARTITION `p202703` VALUES LESS THAN ('2027-04-01')\n)",
    );
  });

  it('refuses a MAXVALUE partition holding rows, with the rows to copy, and plans no DDL', () => {
    const plan = planTable(
      layout([['p202612', "'2027-01-01'"]], 4200),
      month,
      at('2026-12-10T00:00:00Z'),
    );
    expect(plan.status).toBe('refused');
    expect(plan.costRows).toBe(4200);
    expect(plan.statement).toBeNull();
    expect(plan.reason).toMatch(/pmax holds 4200 rows/);
    // What a split would add is still shown.
    expect(plan.add).toHaveLength(3);
  });

  it('prefers an exact count of MAXVALUE rows over the estimate', () => {
    const l = layout([['p202612', "'2027-01-01'"]], 7);
    l.partitions.at(-1)!.exactRows = 0;
    expect(planTable(l, month, at('2026-12-10T00:00:00Z')).status).toBe('planned');
  });

  it('writes TO_DAYS bounds as day numbers and reads them back', () => {
    const policy = { ...month, expression: 'to_days' as const };
    // TO_DAYS('2027-01-01') = 740347 (MySQL).
    expect(boundValue(Date.UTC(2027, 0, 1), 'to_days')).toBe('740347');
    const plan = planTable(
      layout([['p202612', '740347']], 0, { method: 'RANGE', expression: 'to_days(`created_at`)' }),
      policy,
      at('2026-12-10T00:00:00Z'),
    );
    expect(plan.add.map((p) => `${p.name}<${p.value}`)).toEqual([
      'p202701<740378',
      'p202702<740406',
      'p202703<740437',
    ]);
    expect(plan.statement?.sql).toContain('VALUES LESS THAN MAXVALUE\n)');
  });

  it('writes UNIX_TIMESTAMP bounds as epoch seconds', () => {
    const policy = { ...month, expression: 'unix_timestamp' as const };
    const plan = planTable(
      layout([['p202612', String(Date.UTC(2027, 0, 1) / 1000)]], 0, {
        method: 'RANGE',
        expression: 'unix_timestamp(`created_at`)',
      }),
      policy,
      at('2026-12-10T00:00:00Z'),
    );
    expect(plan.add.map((p) => p.value)).toEqual(
      [Date.UTC(2027, 1, 1), Date.UTC(2027, 2, 1), Date.UTC(2027, 3, 1)].map((ms) =>
        String(ms / 1000),
      ),
    );
  });

  it('refuses a table partitioned another way than its policy says', () => {
    const plan = planTable(
      layout([['p202612', '740347']], 0, { method: 'RANGE', expression: 'to_days(`created_at`)' }),
      month,
      at('2026-12-10T00:00:00Z'),
    );
    expect(plan.status).toBe('refused');
    expect(plan.reason).toMatch(/RANGE COLUMNS\(created_at\)/);
  });

  it('names partitions by the pattern and weeks from Monday, days by date', () => {
    expect(partitionName('log_%Y_%m', Date.UTC(2027, 0, 1))).toBe('log_2027_01');
    const week = { ...month, interval: 'week' as const, naming: 'w%Y%m%d', premake: 2 };
    // 2026-12-10 is a Thursday: its week starts Monday 7 December.
    const plan = planTable(
      layout([['w20261207', "'2026-12-14'"]]),
      week,
      at('2026-12-10T00:00:00Z'),
    );
    expect(plan.add.map((p) => `${p.name}<${p.value}`)).toEqual([
      "w20261214<'2026-12-21'",
      "w20261221<'2026-12-28'",
    ]);
    const day = { ...month, interval: 'day' as const, naming: 'd%Y%m%d', premake: 1 };
    const daily = planTable(
      layout([['d20261231', "'2027-01-01'"]]),
      day,
      at('2026-12-31T12:00:00Z'),
    );
    expect(daily.add.map((p) => p.name)).toEqual(['d20270101']);
  });

  it('refuses when the pattern would reuse an existing name', () => {
    const plan = planTable(
      layout([['p202612', "'2026-12-15'"]]),
      month,
      at('2026-12-10T00:00:00Z'),
    );
    expect(plan.status).toBe('refused');
    expect(plan.reason).toMatch(/p202612, which exists already/);
  });

  it('plans retention drops but never puts them in the statement it runs', () => {
    const plan = planTable(
      layout([
        ['p202607', "'2026-08-01'"],
        ['p202608', "'2026-09-01'"],
        ['p202609', "'2026-10-01'"],
        ['p202610', "'2026-11-01'"],
        ['p202611', "'2026-12-01'"],
        ['p202612', "'2027-01-01'"],
      ]),
      { ...month, retention: 3 },
      at('2026-12-10T00:00:00Z'),
    );
    // Keep September, October, November (3 before December) and on.
    expect(plan.drops).toEqual(['p202607', 'p202608']);
    expect(plan.dropStatement).toBe(
      'ALTER TABLE `ai_agent_platform`.`ai_call_logs` DROP PARTITION `p202607`, `p202608`',
    );
    expect(plan.statement?.sql).not.toMatch(/DROP/);
  });

  it('refuses a table without partitions: partitioning it would copy every row', () => {
    const plan = planTable(
      layout([], null, { method: '', expression: '' }),
      month,
      at('2026-12-10T00:00:00Z'),
    );
    expect(plan).toMatchObject({ status: 'refused', statement: null });
    expect(plan.reason).toMatch(/not partitioned/);
  });

  it('refuses bounds it cannot read instead of guessing', () => {
    const plan = planTable(layout([['p202612', "'yesterday'"]]), month, at('2026-12-10T00:00:00Z'));
    expect(plan.status).toBe('refused');
    expect(plan.reason).toMatch(/cannot read/);
  });

  it('reads the bounds MariaDB and MySQL print', () => {
    expect(parseBound("'2027-01-01'", 'columns')).toBe(Date.UTC(2027, 0, 1));
    expect(parseBound("'2027-01-01 00:00:00'", 'columns')).toBe(Date.UTC(2027, 0, 1));
    expect(parseBound('MAXVALUE', 'columns')).toBeNull();
    expect(parseBound('740347', 'to_days')).toBe(Date.UTC(2027, 0, 1));
    expect(intervalStart(intervalIndex(Date.UTC(2027, 0, 31, 23), 'month'), 'month')).toBe(
      Date.UTC(2027, 0, 1),
    );
  });

  it('creates new tables with the same names and bounds maintenance would add', () => {
    const spec = partitionSchema.parse({ column: 'created_at', historyMonths: 1, aheadMonths: 2 });
    expect(initialPartitions(spec, at('2026-12-10T00:00:00Z'))).toEqual([
      { name: 'p202611', value: "'2026-12-01'" },
      { name: 'p202612', value: "'2027-01-01'" },
      { name: 'p202701', value: "'2027-02-01'" },
      { name: 'p202702', value: "'2027-03-01'" },
    ]);
  });

  it.each(['a`b', 'tenant.x', 'Acme', '', 'x'.repeat(65), "p'1"])(
    'refuses to quote %j as an identifier',
    (name) => {
      expect(() => quoteId(name)).toThrow(/not an identifier/);
    },
  );
});
