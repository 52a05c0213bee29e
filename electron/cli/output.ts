import type { ErrorShape } from '../../shared/errors';

/** Exit codes: 0 done, 1 the operation failed, 2 bad usage (wrong arguments or input). */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export class UsageError extends Error {}

export function exitCodeFor(e: ErrorShape): number {
  return e.code === 'VALIDATION' || e.code === 'UNKNOWN_METHOD' ? EXIT.usage : EXIT.failed;
}

/** A plain table for people; `--json` prints the value instead. */
export function table(rows: Array<Record<string, unknown>>, columns: string[]): string {
  if (rows.length === 0) return '(none)';
  const cells = rows.map((r) => columns.map((c) => fmt(r[c])));
  const widths = columns.map((c, i) =>
    Math.max(c.length, ...cells.map((row) => row[i]?.length ?? 0)),
  );
  const line = (vals: string[]): string =>
    vals
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.toUpperCase())), ...cells.map(line)].join('\n');
}

function fmt(v: unknown): string {
  if (v === undefined || v === null) return '-';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(1);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function printError(e: ErrorShape, json: boolean): void {
  if (json) {
    process.stdout.write(JSON.stringify({ ok: false, error: e }) + '\n');
    return;
  }
  process.stderr.write(`error [${e.code}]: ${e.message}\n`);
  const issues = e.details?.issues;
  if (Array.isArray(issues)) {
    for (const i of issues.slice(0, 10) as Array<{ path?: string[]; message?: string }>) {
      process.stderr.write(`  - ${(i.path ?? []).join('.') || '(input)'}: ${i.message ?? ''}\n`);
    }
  }
}
