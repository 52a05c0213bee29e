import type { BackupScope, BackupSummary } from '../../../../shared/backups';

const DAY_MS = 86_400_000;

const sameScope = (a: BackupScope, b: BackupScope): boolean =>
  JSON.stringify(a) === JSON.stringify(b);

/**
 * What retention removes for one connection and scope, `keepDays` back from `now`:
 * - `backups`: complete backups older than that which were verified, except the newest
 *   complete and the newest verified one, and only when a newer verified backup exists (so a
 *   restorable backup of the scope always remains). An unverified old backup is kept: it may
 *   be the only copy of its day, and nothing has proven a newer one better.
 * - `records`: catalog rows of failed or cancelled runs older than that (they have no files).
 */
export function retentionPlan(
  list: readonly BackupSummary[],
  sel: { connectionId: string; scope: BackupScope },
  keepDays: number,
  now: Date,
): { backups: string[]; records: string[] } {
  const cutoff = now.getTime() - keepDays * DAY_MS;
  const mine = list
    .filter((b) => b.connectionId === sel.connectionId && sameScope(b.scope, sel.scope))
    .sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0));
  const complete = mine.filter((b) => b.status === 'complete');
  const verified = complete.filter((b) => b.verified?.ok === true);
  const keep = new Set([complete[0]?.id, verified[0]?.id]);
  const old = (b: BackupSummary): boolean => Date.parse(b.finishedAt ?? b.startedAt) < cutoff;
  const backups = verified
    .filter((b) => !keep.has(b.id) && old(b))
    .filter((b) => verified.some((n) => n.startedAt > b.startedAt))
    .map((b) => b.id);
  const records = mine
    .filter((b) => (b.status === 'failed' || b.status === 'cancelled') && old(b))
    .map((b) => b.id);
  return { backups, records };
}
