import { z } from 'zod';
import { bulkRowResultSchema, type BulkRowResult } from '@shared/tenants';
import type { CsvCell } from '../../lib/csv';

/** Bulk provisioning: the input's format, a rough row count, and the job's per-row result. */

export type BulkFormat = 'csv' | 'yaml';
export const BULK_FORMATS: readonly BulkFormat[] = ['csv', 'yaml'];

/** Files larger than this are refused before reading (the contract takes 5,000,000 characters). */
export const BULK_MAX_BYTES = 5_000_000;

export const CSV_TEMPLATE = 'id,name,plan,tier,subdomain\nacme,Acme Ltd,basic,shared,acme\n';
export const YAML_TEMPLATE = '- id: acme\n  name: Acme Ltd\n  plan: basic\n  tier: shared\n';

/** The format of a chosen file: by its extension, else by its first line. */
export function guessFormat(fileName: string, text: string): BulkFormat {
  const ext = /\.([a-z]+)$/i.exec(fileName)?.[1]?.toLowerCase();
  if (ext === 'yaml' || ext === 'yml') return 'yaml';
  if (ext === 'csv') return 'csv';
  const first = text.split(/\r?\n/).find((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  return first !== undefined && /^\s*(-(\s|$)|[\w-]+:(\s|$))/.test(first) ? 'yaml' : 'csv';
}

/**
 * About how many tenants the text lists, shown before sending (the server checks for real):
 * CSV lines after the header, or YAML list items at the top level.
 */
export function countBulkRows(format: BulkFormat, text: string): number {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  if (format === 'csv') return Math.max(0, lines.length - 1);
  return lines.filter((l) => /^-(\s|$)/.test(l)).length;
}

export const bulkResultSchema = z.object({
  rows: z.array(bulkRowResultSchema),
  ok: z.int().nonnegative(),
  failed: z.int().nonnegative(),
});
export type BulkResult = z.infer<typeof bulkResultSchema>;

/** A finished bulk job's `result`, or undefined when it is not one (still running, other shape). */
export function parseBulkResult(result: unknown): BulkResult | undefined {
  const parsed = bulkResultSchema.safeParse(result);
  return parsed.success ? parsed.data : undefined;
}

export const BULK_CSV_COLUMNS = ['row', 'id', 'outcome', 'error'] as const;

/** Failed rows first (what one acts on), then by row number. */
export function bulkRowsForDisplay(rows: readonly BulkRowResult[]): BulkRowResult[] {
  return [...rows].sort((a, b) => Number(a.ok) - Number(b.ok) || a.row - b.row);
}

export function bulkCsvRows(
  rows: readonly BulkRowResult[],
  labels: { ok: string; failed: string },
): CsvCell[][] {
  return rows.map((r) => [r.row, r.id, r.ok ? labels.ok : labels.failed, r.error]);
}
