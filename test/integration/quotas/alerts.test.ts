import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../electron/main/bootstrap';
import { silentLogger } from '../../../electron/main/lib/logger';
import { KeyCipher } from '../../../electron/main/secrets/cipher';
import { USAGE_CRON, USAGE_SCHEDULE_ID } from '../../../electron/main/services/quotas/schedule';
import type { Alert } from '../../../shared/alerts';
import type { JobRecord } from '../../../shared/jobs';
import type { ScheduleListEntry } from '../../../shared/schedules';
import {
  startMariaDb,
  startRedis,
  waitFor,
  type MariaDbHandle,
  type RedisHandle,
} from '../../support';
import { userCtx } from '../../support/tenants';

const ENV = 'qal';

/**
 * The soft limit through the real alerts engine: a tenant pushed over 90 % of its API calls by
 * new counter values fires the tenant-quota alert after the next pass; an upgrade resolves it.
 * A console with monitoring on (1 s sweeps), its default usage schedule, MariaDB and Redis.
 */
describe('quota alerts', () => {
  let db: MariaDbHandle;
  let redis: RedisHandle;
  let core: Core;
  let dir: string;
  let r: Redis;

  const call = async <T>(method: string, input: unknown): Promise<T> => {
    const res = await core.router.dispatch(method, input, userCtx);
    if (!res.ok) throw Object.assign(new Error(`${method}: ${res.error.message}`), res.error);
    return res.value as T;
  };
  const job = async (method: string, input: unknown): Promise<JobRecord> => {
    const rec = await core.services.jobs.wait((await call<JobRecord>(method, input)).id);
    expect(rec.state, JSON.stringify(rec.error)).toBe('completed');
    return rec;
  };
  const quotaAlerts = async (states: string[], rule = 'tenant-quota') =>
    (await call<Alert[]>('alerts.list', { envId: ENV, states })).filter(
      (a) => a.ruleId === rule && a.labels.tenant === 'acme',
    );
  const today = () => new Date().toISOString().slice(0, 10).replaceAll('-', '');

  beforeAll(async () => {
    [db, redis] = await Promise.all([
      startMariaDb({ name: 'quota-alerts' }),
      startRedis({ name: 'quota-alerts' }),
    ]);
    dir = await mkdtemp(join(tmpdir(), 'keel-quota-alerts-'));
    core = await createCore({
      shell: 'server',
      version: 't',
      userDataDir: dir,
      cipher: new KeyCipher('t', Buffer.alloc(32, 3)),
      logger: silentLogger(),
      monitor: true,
      work: true,
      monitoring: { intervalMs: 1000, slowEvery: 5 },
      env: {
        KEEL_ENV_ID: ENV,
        KEEL_CONN_CORE_URI: `mysql://root@127.0.0.1:${db.port}/`,
        KEEL_CONN_CACHE_URI: `redis://127.0.0.1:${redis.port}/0`,
        KEEL_JOBS_PROGRESS_MS: '100',
      },
    });
    await job('tenants.applyBlueprint', { envId: ENV });
    await job('tenants.provision', {
      envId: ENV,
      spec: { id: 'acme', name: 'Acme', plan: 'basic', tier: 'shared' },
    });
    r = new Redis({ port: redis.port, db: 1 });
  }, 180_000);

  afterAll(async () => {
    r?.disconnect();
    await core?.dispose();
    await Promise.all([db?.stop(), redis?.stop()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('gives the environment its default usage schedule once the catalog exists', async () => {
    const [entry] = await waitFor(
      async () => {
        const got = await call<ScheduleListEntry[]>('schedules.list', { envId: ENV });
        return got[0]?.schedules.some((s) => s.id === USAGE_SCHEDULE_ID) ? got : undefined;
      },
      { timeoutMs: 30_000, what: 'the usage schedule' },
    );
    const s = entry!.schedules.find((x) => x.id === USAGE_SCHEDULE_ID)!;
    expect(s).toMatchObject({ cron: USAGE_CRON, enabled: true, target: { kind: 'usage.scan' } });
  });

  it('fires at 90 % once added usage is measured, and resolves when an upgrade lifts the limit', async () => {
    await r.set(`t:acme:api_calls:${today()}`, 8500); // basic: 10,000 a month
    await job('quotas.scan', { envId: ENV });
    // 85 %: the warning fires, the 90 % alert does not (both rules saw the same value).
    await waitFor(async () => (await quotaAlerts(['firing'], 'tenant-quota-warning')).length > 0, {
      timeoutMs: 30_000,
      what: 'the 80 % warning firing',
    });
    expect(await quotaAlerts(['pending', 'firing'])).toEqual([]);

    await r.incrby(`t:acme:api_calls:${today()}`, 1000); // 95 %
    await job('quotas.scan', { envId: ENV });
    const [firing] = await waitFor(
      async () => {
        const a = await quotaAlerts(['firing']);
        return a.length ? a : undefined;
      },
      { timeoutMs: 30_000, what: 'the tenant-quota alert firing' },
    );
    expect(firing!.labels).toMatchObject({ tenant: 'acme', dimension: 'apiCalls' });
    expect(firing!.value).toBeCloseTo(0.95, 5);

    await call('quotas.changePlan', {
      envId: ENV,
      tenantId: 'acme',
      plan: 'pro',
      reason: 'upgrade',
    });
    await waitFor(
      async () =>
        (await quotaAlerts(['pending', 'firing'])).length === 0 &&
        (await quotaAlerts(['pending', 'firing'], 'tenant-quota-warning')).length === 0,
      { timeoutMs: 30_000, what: 'both alerts resolved' },
    );
    const resolved = (await quotaAlerts(['resolved'])).find((a) => a.id === firing!.id);
    expect(resolved?.state).toBe('resolved');
  });
});
