import type { TableLayout } from '@shared/partitions';

/** Runway levels as the default alert rules see them: < 7 days critical, < 30 days warning. */
export type RunwayLevel = 'critical' | 'warning' | 'ok' | 'unknown';

export function runwayLevel(days: number | null): RunwayLevel {
  if (days === null) return 'unknown';
  if (days < 7) return 'critical';
  if (days < 30) return 'warning';
  return 'ok';
}

/** Worst first: shortest runway, unknown runway before healthy ones; then schema, table. */
export function worstFirst(tables: readonly TableLayout[]): TableLayout[] {
  const key = (t: TableLayout): number => (t.runwayDays === null ? -Infinity : t.runwayDays);
  return [...tables].sort(
    (a, b) =>
      key(a) - key(b) ||
      (b.maxvalueRows ?? 0) - (a.maxvalueRows ?? 0) ||
      a.schema.localeCompare(b.schema) ||
      a.table.localeCompare(b.table),
  );
}

/** Rows shown at once: the worst ones; the CSV export carries every table. */
export const SHOWN_ROWS = 500;

export const tableKey = (t: { connectionId: string; schema: string; table: string }): string =>
  `${t.connectionId}/${t.schema}.${t.table}`;

/** The last bounded partition's end (ISO), or undefined. */
export const lastBound = (t: TableLayout): string | undefined =>
  t.partitions.reduce<string | undefined>(
    (m, p) => (p.lessThan && (!m || p.lessThan > m) ? p.lessThan : m),
    undefined,
  );
