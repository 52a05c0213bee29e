import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupSummary } from '../../../shared/backups';
import type { JobRecord } from '../../../shared/jobs';
import { startBackupCore, type BackupCore } from '../../support/backup-core';
import { startRedis, type RedisHandle } from '../../support/index';

const DAY = 86_400_000;

/** Retention after a verified run, and the latest verified backup a tenant purge can wait for. */
describe('backup retention and latestVerified', () => {
  let redis: RedisHandle;
  let k: BackupCore;
  let root: string;
  const scope = { type: 'databases', databases: ['0'] };

  beforeAll(async () => {
    redis = await startRedis({ name: 'backup-retention' });
    const r = new Redis({ port: redis.port, lazyConnect: true });
    await r.connect();
    await r.set('k', 'v');
    r.disconnect();
    k = await startBackupCore('backup-retention', {
      KEEL_CONN_CACHE_URI: `redis://127.0.0.1:${redis.port}/0`,
    });
    root = join(k.home, 'backups', 'bk');
  }, 60_000);

  afterAll(async () => {
    await k?.stop();
    await redis?.stop();
  });

  const run = async (extra: Record<string, unknown>): Promise<BackupSummary> => {
    const job = await k.call<JobRecord>('backups.run', {
      envId: 'bk',
      connectionId: 'cache',
      scope,
      ...extra,
    });
    const rec = await k.wait(job.id);
    expect(rec.state, JSON.stringify(rec.error)).toBe('completed');
    return rec.result as BackupSummary;
  };
  /** Make a backup look `days` old (the catalog's times; its files stay as they are). */
  const age = (id: string, days: number) => {
    const at = new Date(Date.now() - days * DAY).toISOString();
    return k.core.services.backups
      .storage('bk')
      .record(id, (old) => old && { ...old, startedAt: at, finishedAt: at });
  };
  const dirs = async () => (await readdir(root)).filter((n) => n.startsWith('b_')).sort();

  it('deletes old verified backups after a newer verified run, keeps the rest', async () => {
    const unverifiedOld = await run({});
    const old1 = await run({ verify: true });
    const old2 = await run({ verify: true });
    expect(old2.verified?.ok).toBe(true);
    await age(unverifiedOld.id, 50);
    await age(old1.id, 45);
    await age(old2.id, 40);
    const fresh = await run({ verify: true, keepDays: 30 });
    expect(await dirs()).toEqual([unverifiedOld.id, fresh.id].sort());
    const ids = (await k.call<BackupSummary[]>('backups.list', { envId: 'bk' })).map((b) => b.id);
    expect(ids.sort()).toEqual([unverifiedOld.id, fresh.id].sort());

    const latest = await k.core.services.backups.latestVerified('bk', scope as never, {
      connectionId: 'cache',
    });
    expect(latest?.id).toBe(fresh.id);
    const later = await k.core.services.backups.latestVerified('bk', scope as never, {
      after: new Date(Date.now() + DAY).toISOString(),
    });
    expect(later).toBeUndefined();
    expect(
      await k.core.services.backups.latestVerified('bk', { type: 'tenant', tenantId: 'acme' }),
    ).toBeUndefined();
  });

  it('refuses a retention below one day, or without verify, writing nothing', async () => {
    const before = await dirs();
    for (const extra of [{ verify: true, keepDays: 0 }, { keepDays: 30 }]) {
      const e = await k.refused('backups.run', {
        envId: 'bk',
        connectionId: 'cache',
        scope,
        ...extra,
      });
      expect(e.code, JSON.stringify(extra)).toBe('VALIDATION');
      expect(e.message).toMatch(/at least 1 day|verify/);
    }
    expect(await dirs()).toEqual(before);
  });

  it('schedules the blueprint policy on the jobs engine: a verified full backup, 30 days kept', async () => {
    const out = await k.call<{
      schedules: Array<{ id: string; cron: string; target: { kind: string; payload: unknown } }>;
      notScheduled: Array<{ what: string; reason: string }>;
    }>('backups.schedule', { envId: 'bk', connectionId: 'cache' });
    expect(out.schedules).toHaveLength(1);
    const s = out.schedules[0];
    expect(s).toMatchObject({
      id: 'backup-full-cache',
      cron: '0 2 * * *',
      target: {
        kind: 'backups.run',
        payload: { connectionId: 'cache', scope: { type: 'server' }, verify: true, keepDays: 30 },
      },
    });
    expect(out.notScheduled.map((n) => n.what).join()).toMatch(/incremental/);
    const listed = await k.call<Array<{ schedules: Array<{ id: string }> }>>('schedules.list', {
      envId: 'bk',
    });
    expect(listed.flatMap((e) => e.schedules.map((x) => x.id))).toContain('backup-full-cache');
    // A run of the schedule is a verified backup of the whole server.
    const job = await k.call<JobRecord>('schedules.runNow', { envId: 'bk', id: s?.id });
    const rec = await k.wait(job.id);
    expect(rec.state, JSON.stringify(rec.error)).toBe('completed');
    expect(rec.result).toMatchObject({ store: 'redis', verified: { ok: true } });
    const unknown = await k.refused('backups.schedule', { envId: 'bk', connectionId: 'nope' });
    expect(unknown.code).toBe('NOT_FOUND');
  });
});
