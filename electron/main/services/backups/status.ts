import type { BackupScope, BackupStatus, BackupSummary } from '../../../../shared/backups';

/**
 * Per connection and scope, what the catalog says about its backups now: the figures the
 * "backup failed" / "no complete backup for N hours" rules and the Backups page need. Ages are
 * seconds at `now`; a scope that never completed a backup has no age (null), not a zero.
 */
export function backupStatus(list: readonly BackupSummary[], now: Date): BackupStatus[] {
  const groups = new Map<string, BackupSummary[]>();
  for (const b of list) {
    const key = `${b.connectionId}\u0000${JSON.stringify(b.scope)}`;
    groups.set(key, [...(groups.get(key) ?? []), b]);
  }
  const out: BackupStatus[] = [];
  for (const runs of groups.values()) {
    runs.sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0));
    const first = runs[0] as BackupSummary;
    const ok = runs.find((b) => b.status === 'complete');
    const verified = runs.find((b) => b.status === 'complete' && b.verified?.ok === true);
    const last = runs.find((b) => b.status !== 'running');
    const failuresSinceSuccess = runs.filter(
      (b) =>
        (b.status === 'failed' || b.status === 'cancelled') && (!ok || b.startedAt > ok.startedAt),
    ).length;
    const age = (b?: BackupSummary): number | null =>
      b ? Math.max(0, (now.getTime() - Date.parse(b.finishedAt ?? b.startedAt)) / 1000) : null;
    out.push({
      connectionId: first.connectionId,
      store: first.store,
      scope: first.scope as BackupScope,
      running: runs.some((b) => b.status === 'running'),
      lastStatus: last?.status ?? null,
      lastFailed: last !== undefined && last.status !== 'complete',
      ...(last?.error && { lastError: last.error }),
      failuresSinceSuccess,
      lastSuccessAgeSec: age(ok),
      lastVerifiedAgeSec: age(verified),
      lastDurationMs:
        ok?.finishedAt !== undefined ? Date.parse(ok.finishedAt) - Date.parse(ok.startedAt) : null,
      lastBytes: ok?.bytes ?? null,
      lastLockMs: ok?.lockMs ?? null,
    });
  }
  return out.sort((a, b) =>
    a.connectionId === b.connectionId
      ? JSON.stringify(a.scope) < JSON.stringify(b.scope)
        ? -1
        : 1
      : a.connectionId < b.connectionId
        ? -1
        : 1,
  );
}
