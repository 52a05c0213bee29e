import { describe, expect, it } from 'vitest';
import type { BackupSummary } from '../../shared/backups';
import { retentionPlan } from '../../electron/main/services/backups/retention';

const NOW = new Date('2026-03-01T12:00:00Z');
const server = { type: 'server' as const };
let n = 0;

/** A catalog row `daysAgo` old. */
function b(daysAgo: number, status: BackupSummary['status'], verified?: boolean): BackupSummary {
  const at = new Date(NOW.getTime() - daysAgo * 86_400_000).toISOString();
  n++;
  return {
    id: `b_20260101T0000${String(n).padStart(2, '0')}Z_aaaaaa`,
    envId: 'e',
    connectionId: 'core',
    store: 'mysql',
    scope: server,
    status,
    startedAt: at,
    finishedAt: at,
    ...(verified !== undefined && { verified: { at, ok: verified } }),
  };
}
const plan = (list: BackupSummary[], keepDays = 30) =>
  retentionPlan(list, { connectionId: 'core', scope: server }, keepDays, NOW);

describe('backup retention', () => {
  it('deletes verified backups past the retention once a newer verified one exists', () => {
    const old1 = b(40, 'complete', true);
    const old2 = b(35, 'complete', true);
    const fresh = b(1, 'complete', true);
    expect(plan([old1, old2, fresh]).backups.sort()).toEqual([old1.id, old2.id].sort());
  });

  it('never deletes the newest complete nor the newest verified backup, however old', () => {
    const onlyVerified = b(50, 'complete', true);
    const newestUnverified = b(45, 'complete');
    expect(plan([onlyVerified, newestUnverified]).backups).toEqual([]);
    const alone = b(90, 'complete', true);
    expect(plan([alone]).backups).toEqual([]);
  });

  it('keeps old backups that were never verified, or whose verify failed', () => {
    const unverified = b(40, 'complete');
    const bad = b(39, 'complete', false);
    const fresh = b(1, 'complete', true);
    expect(plan([unverified, bad, fresh]).backups).toEqual([]);
  });

  it('keeps what is younger than the retention, and other scopes and connections', () => {
    const young = b(10, 'complete', true);
    const fresh = b(1, 'complete', true);
    const otherConn = { ...b(40, 'complete', true), connectionId: 'other' };
    const otherScope = {
      ...b(40, 'complete', true),
      scope: { type: 'tenant' as const, tenantId: 'acme' },
    };
    expect(plan([young, fresh, otherConn, otherScope]).backups).toEqual([]);
    expect(plan([young, fresh], 7).backups).toEqual([young.id]);
  });

  it('drops the records of old failed and cancelled runs, not of recent ones', () => {
    const failed = b(40, 'failed');
    const cancelled = b(31, 'cancelled');
    const recent = b(2, 'failed');
    const fresh = b(1, 'complete', true);
    expect(plan([failed, cancelled, recent, fresh]).records.sort()).toEqual(
      [failed.id, cancelled.id].sort(),
    );
  });
});

describe('backup policy cron', () => {
  it('takes the seeds’ schedules and refuses one that fires more than once a minute', async () => {
    const { backupCronSchema } = await import('../../shared/blueprint');
    for (const ok of ['0 2 * * *', '0 * * * *', '30 0 2 * * *'])
      expect(backupCronSchema.safeParse(ok).success, ok).toBe(true);
    for (const bad of ['* * * * * *', '*/5 * * * * *', '0,30 * * * * *'])
      expect(backupCronSchema.safeParse(bad).success, bad).toBe(false);
  });
});

describe('backup status per connection and scope', () => {
  it('reports the failure after the last success, and ages of the newest complete and verified', async () => {
    const { backupStatus } = await import('../../electron/main/services/backups/status');
    const verifiedOld = b(3, 'complete', true);
    const done = { ...b(2, 'complete'), bytes: 1234, lockMs: 7 };
    const failed = {
      ...b(1, 'failed'),
      error: { code: 'CONN_REFUSED' as const, message: 'Redis went away' },
    };
    const tenant = { ...b(5, 'failed'), scope: { type: 'tenant' as const, tenantId: 'acme' } };
    const [server, acme] = backupStatus([verifiedOld, done, failed, tenant], NOW);
    expect(server).toMatchObject({
      scope: { type: 'server' },
      lastStatus: 'failed',
      lastFailed: true,
      lastError: { code: 'CONN_REFUSED' },
      failuresSinceSuccess: 1,
      lastBytes: 1234,
      lastLockMs: 7,
      lastDurationMs: 0,
    });
    expect(server?.lastSuccessAgeSec).toBeCloseTo(2 * 86_400, 0);
    expect(server?.lastVerifiedAgeSec).toBeCloseTo(3 * 86_400, 0);
    // Never backed up: no age at all, not zero.
    expect(acme).toMatchObject({
      lastSuccessAgeSec: null,
      lastBytes: null,
      failuresSinceSuccess: 1,
    });
  });
});
