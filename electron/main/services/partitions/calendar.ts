import type { PartitionSpec } from '../../../../shared/blueprint';
import {
  defaultNaming,
  type PartitionExpression,
  type PartitionInterval,
  type PartitionPolicy,
} from '../../../../shared/partitions';

/**
 * Interval arithmetic in UTC (see shared/partitions.ts for the time-zone rule). An interval is
 * numbered: months since year 0, ISO weeks (Monday first) since 1970, days since 1970.
 */

const DAY_MS = 86_400_000;
/** TO_DAYS('1970-01-01'). */
const TO_DAYS_EPOCH = 719_528;
/** 1970-01-01 was a Thursday: day -3 is the Monday that starts its ISO week. */
const WEEK_OFFSET_DAYS = 3;

export function intervalIndex(ms: number, by: PartitionInterval): number {
  const day = Math.floor(ms / DAY_MS);
  if (by === 'day') return day;
  if (by === 'week') return Math.floor((day + WEEK_OFFSET_DAYS) / 7);
  const d = new Date(ms);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

/** The first instant (UTC) of interval `i`. */
export function intervalStart(i: number, by: PartitionInterval): number {
  if (by === 'day') return i * DAY_MS;
  if (by === 'week') return (i * 7 - WEEK_OFFSET_DAYS) * DAY_MS;
  return Date.UTC(Math.floor(i / 12), ((i % 12) + 12) % 12, 1);
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** The name of the partition of the interval starting at `startMs` (%Y %m %d of that day). */
export function partitionName(pattern: string, startMs: number): string {
  const d = new Date(startMs);
  return pattern
    .replace(/%Y/g, String(d.getUTCFullYear()).padStart(4, '0'))
    .replace(/%m/g, pad(d.getUTCMonth() + 1))
    .replace(/%d/g, pad(d.getUTCDate()));
}

/** 'YYYY-MM-DD' of an instant (UTC). */
export const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** The bound as written in `VALUES LESS THAN (…)` for an expression. */
export function boundValue(ms: number, expression: PartitionExpression): string {
  if (expression === 'to_days') return String(Math.floor(ms / DAY_MS) + TO_DAYS_EPOCH);
  if (expression === 'unix_timestamp') return String(Math.floor(ms / 1000));
  return `'${isoDay(ms)}'`;
}

/**
 * The instant a PARTITION_DESCRIPTION stands for; null for MAXVALUE; undefined when it cannot be
 * read (a bound Keel would not know how to continue from).
 */
export function parseBound(
  description: string,
  expression: PartitionExpression,
): number | null | undefined {
  const text = description.trim();
  if (/^maxvalue$/i.test(text)) return null;
  if (expression === 'columns') {
    const m = /^'?(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?)?'?$/.exec(text);
    if (!m) return undefined;
    const [y, mo, d, h = '0', mi = '0', s = '0'] = m.slice(1);
    return Date.UTC(+y!, +mo! - 1, +d!, +h, +mi, +s);
  }
  if (!/^-?\d+$/.test(text)) return undefined;
  const n = Number(text);
  return expression === 'to_days' ? (n - TO_DAYS_EPOCH) * DAY_MS : n * 1000;
}

/** The policy of a blueprint `partition:` entry, defaults resolved. */
export function policyOf(spec: PartitionSpec): PartitionPolicy {
  return {
    column: spec.column,
    expression: spec.expression,
    interval: spec.by,
    premake: spec.aheadMonths,
    retention: spec.retention,
    archive: spec.archive,
    naming: spec.naming ?? defaultNaming(spec.by),
  };
}

/** Days from `nowMs` to `endMs`, one decimal. */
export const daysBetween = (nowMs: number, endMs: number): number =>
  Math.floor(((endMs - nowMs) / DAY_MS) * 10) / 10;
