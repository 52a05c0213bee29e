import type { PartitionPolicy, TableLayout, TablePlan } from '../../../../shared/partitions';
import {
  boundValue,
  daysBetween,
  intervalIndex,
  intervalStart,
  parseBound,
  partitionName,
} from './calendar';
import { addSql, dropSql, reorganizeSql, type NewPartition } from './sql';

/**
 * The plan of one table: a pure function of its discovered layout, its policy and `now`.
 *
 * Keel keeps partitions through the end of the interval `premake` intervals after the current
 * one, one partition per interval from the last bound on (so missed months come back as months,
 * not one wide partition). They are added without copying rows: REORGANIZE of the MAXVALUE
 * partition when it is empty, ADD PARTITION when there is none. A MAXVALUE partition holding rows
 * is refused with the rows a split would copy; such a split is never planned silently.
 */

/** What the layout says the expression should look like, per policy. */
function expressionIssue(layout: TableLayout, policy: PartitionPolicy): string | undefined {
  const col = policy.column.toLowerCase();
  const expr = layout.expression.replace(/[`\s]/g, '').toLowerCase();
  const method = layout.method.toUpperCase();
  const want =
    policy.expression === 'columns'
      ? { method: 'RANGE COLUMNS', expr: col, text: `RANGE COLUMNS(${col})` }
      : {
          method: 'RANGE',
          expr: `${policy.expression}(${col})`,
          text: `RANGE (${policy.expression.toUpperCase()}(${col}))`,
        };
  if (method !== want.method || expr !== want.expr)
    return `partitioned by ${layout.method} (${layout.expression}), the policy says ${want.text}: the table is not touched until they agree`;
  return undefined;
}

/** Names and bounds, in order: what apply compares right before its ALTER. */
export const basisOf = (partitions: Array<{ name: string; description: string }>): string =>
  partitions.map((p) => `${p.name}<${p.description}`).join(',');

export function planTable(layout: TableLayout, policy: PartitionPolicy, now: Date): TablePlan {
  const nowMs = now.getTime();
  const base = {
    connectionId: layout.connectionId,
    schema: layout.schema,
    table: layout.table,
    ...(layout.tenantId && { tenantId: layout.tenantId }),
    runwayDays: layout.runwayDays,
    add: [],
    statement: null,
    drops: [],
    dropStatement: null,
    basis: basisOf(layout.partitions),
  };
  const refuse = (reason: string, extra: Partial<TablePlan> = {}): TablePlan => ({
    ...base,
    status: 'refused',
    reason,
    ...extra,
  });

  if (layout.partitions.length === 0)
    return refuse(
      'not partitioned: partitioning an existing table rebuilds it, copying every row, so Keel does not do it',
    );
  const mismatch = expressionIssue(layout, policy);
  if (mismatch) return refuse(mismatch);
  const bounds: Array<{ name: string; ms: number }> = [];
  let maxvalue: { name: string; rows: number; bytes: number } | undefined;
  for (const [i, p] of layout.partitions.entries()) {
    const ms = parseBound(p.description, policy.expression);
    if (ms === undefined)
      return refuse(`partition ${p.name} has a bound Keel cannot read: ${p.description}`);
    if (ms === null) {
      if (i !== layout.partitions.length - 1)
        return refuse(`MAXVALUE partition ${p.name} is not the last`);
      maxvalue = { name: p.name, rows: p.exactRows ?? p.rows, bytes: p.dataBytes + p.indexBytes };
    } else bounds.push({ name: p.name, ms });
  }
  const last = bounds.at(-1);
  if (!last) return refuse('the table has no bounded partition to continue from');

  const by = policy.interval;
  const current = intervalIndex(nowMs, by);
  const target = intervalStart(current + policy.premake + 1, by);
  const add: Array<NewPartition & { lessThan: string }> = [];
  const taken = new Set(layout.partitions.map((p) => p.name));
  // An unaligned last bound (made by hand) is first closed at the next interval start.
  let from = last.ms;
  let next = intervalStart(intervalIndex(from, by) + 1, by);
  while (from < target) {
    const name = partitionName(policy.naming, intervalStart(intervalIndex(next - 1, by), by));
    if (taken.has(name))
      return refuse(
        `the pattern ${policy.naming} names the partition before ${new Date(next).toISOString()} ${name}, which exists already`,
      );
    taken.add(name);
    add.push({
      name,
      value: boundValue(next, policy.expression),
      lessThan: new Date(next).toISOString(),
    });
    from = next;
    next = intervalStart(intervalIndex(next, by) + 1, by);
  }

  const drops = dropsOf(bounds, policy, current);
  const dropPart = drops.length
    ? { drops, dropStatement: dropSql(layout.schema, layout.table, drops) }
    : {};
  const planned = add.map(({ name, value, lessThan }) => ({ name, value, lessThan }));
  if (add.length === 0) return { ...base, ...dropPart, status: 'ok' };
  if (maxvalue && maxvalue.rows > 0) {
    return refuse(
      `MAXVALUE partition ${maxvalue.name} holds ${maxvalue.rows} rows: splitting it copies every one of them under an exclusive lock, so Keel does it only when asked (apply with split)`,
      {
        add: planned,
        costRows: maxvalue.rows,
        costBytes: maxvalue.bytes,
        maxvalue: maxvalue.name,
        ...dropPart,
      },
    );
  }
  const statement = maxvalue
    ? {
        kind: 'reorganize' as const,
        maxvalue: maxvalue.name,
        sql: reorganizeSql(layout.schema, layout.table, maxvalue.name, add, policy.expression),
      }
    : { kind: 'add' as const, sql: addSql(layout.schema, layout.table, add) };
  return { ...base, ...dropPart, status: 'planned', add: planned, statement };
}

/** Bounded partitions wholly older than `retention` intervals before the current one. */
function dropsOf(
  bounds: Array<{ name: string; ms: number }>,
  policy: PartitionPolicy,
  current: number,
): string[] {
  if (policy.retention === null) return [];
  const keepFrom = intervalStart(current - policy.retention, policy.interval);
  // The last bounded partition is kept: the one after it (or the catch-all) would take its range.
  return bounds
    .slice(0, -1)
    .filter((b) => b.ms <= keepFrom)
    .map((b) => b.name);
}

/** Days until the last bounded partition ends; null when there is none. */
export function runwayOf(
  descriptions: string[],
  expression: PartitionPolicy['expression'],
  now: Date,
): number | null {
  const ends = descriptions
    .map((d) => parseBound(d, expression))
    .filter((ms): ms is number => typeof ms === 'number');
  return ends.length ? daysBetween(now.getTime(), Math.max(...ends)) : null;
}
