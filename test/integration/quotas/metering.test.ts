import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRecord } from '../../../shared/jobs';
import type { PlanPreview, QuotaList, TenantUsageDetail } from '../../../shared/quotas';
import { startTenantPlatform, type TenantPlatform } from '../../support/tenants';
import { handlerReads, seedQuotaPlatform, SHARED_ROWS, type Seeded } from './seed';

const ENV = 'plat';
const CLI = join(process.cwd(), 'out/main/cli.js');

/**
 * A metering pass against real MariaDB, Redis and InfluxDB 1.x (and the MongoDB stand-in, or a
 * real MongoDB given by KEEL_TEST_MONGO_URL), on data whose figures the test knows.
 */
describe('usage metering', () => {
  let p: TenantPlatform;
  let seeded: Seeded;
  let reads: number;
  let scan: JobRecord;

  beforeAll(async () => {
    p = await startTenantPlatform('quotas-meter');
    seeded = await seedQuotaPlatform(p, ENV);
    const before = await handlerReads(p);
    scan = await p.job('quotas.scan', { envId: ENV });
    reads = (await handlerReads(p)) - before;
  }, 240_000);

  afterAll(async () => {
    await p?.stop();
  });

  const usage = (tenantId: string) =>
    p.call<TenantUsageDetail>('quotas.usage', { envId: ENV, tenantId });

  it('completes a pass and records what it cost every store', async () => {
    expect(scan.state, JSON.stringify(scan.error)).toBe('completed');
    const list = await p.call<QuotaList>('quotas.list', { envId: ENV });
    expect(list.pass?.tenants).toBe(4);
    expect(list.pass?.partial).toBe(false);
    const stores = list.pass?.costs.map((c) => c.store).sort();
    expect(stores).toEqual(['influxdb', 'mongodb', 'mysql', 'redis']);
    for (const c of list.pass?.costs ?? []) expect(c.error).toBeUndefined();
    // One MySQL server for the shared tables and gamma's schema: a handful of statements.
    const core = list.pass?.costs.find((c) => c.store === 'mysql' && c.connectionId === 'core');
    expect(core?.queries).toBeLessThanOrEqual(5);
  });

  it('counts exactly what exact methods count: users, services, counters, keys, points, documents', async () => {
    const a = (await usage('acme')).usage!;
    expect(a.users).toEqual({ value: 3, method: 'exact', error: 0 });
    expect(a.services).toEqual({ value: 2, method: 'exact', error: 0 });
    expect(a.apiCalls).toEqual({ value: seeded.acmeMonthCalls, method: 'exact', error: 0 });
    expect(a.aiTokens).toEqual({ value: 1500, method: 'exact', error: 0 });
    expect(a.redisKeys).toEqual({ value: seeded.acmeKeys, method: 'exact', error: 0 });
    expect(a.influxPoints).toEqual({ value: 10, method: 'exact', error: 0 });
    expect(a.influxSeries).toEqual({ value: 2, method: 'exact', error: 0 });
    expect(a.mongoDocuments).toEqual({ value: 4, method: 'exact', error: 0 });
    // acme has fewer keys than the memory sample: every key's MEMORY USAGE, summed.
    expect(a.storage.redis.method).toBe('exact');
    expect(a.storage.redis.value).toBe(seeded.acmeRedisBytes);
    const g = (await usage('gamma')).usage!;
    expect(g.users).toEqual({ value: 4, method: 'exact', error: 0 });
    expect(g.services).toEqual({ value: 1, method: 'exact', error: 0 });
    expect(g.storage.mysql.value).toBeGreaterThan(0);
  });

  it('estimates shared-table rows on the primary within the stated error, without scanning', async () => {
    for (const id of ['acme', 'beta'] as const) {
      const m = (await usage(id)).usage!.mysqlRows;
      expect(m.method).toBe('estimate');
      const truth = seeded.sharedRows[id];
      expect(
        Math.abs(m.value - truth),
        `${id}: ${m.value} ± ${m.error} vs ${truth}`,
      ).toBeLessThanOrEqual(m.error);
      // A useful bound, not a vacuous one: within 15 % of the tenant's rows.
      expect(m.error).toBeLessThan(truth * 0.15);
    }
    // The pass read far fewer rows than the 100,000-row table holds (handler counters).
    expect(reads).toBeLessThan(SHARED_ROWS / 4);
  });
});

describe('quotas, enforcement flags and plan changes', () => {
  let p: TenantPlatform;

  beforeAll(async () => {
    p = await startTenantPlatform('quotas-enforce');
    await seedQuotaPlatform(p, ENV);
    const scan = await p.job('quotas.scan', { envId: ENV });
    expect(scan.state, JSON.stringify(scan.error)).toBe('completed');
  }, 240_000);

  afterAll(async () => {
    await p?.stop();
  });

  const row = async (tenantId: string) =>
    (await p.call<TenantUsageDetail>('quotas.usage', { envId: ENV, tenantId })).row;
  const flag = async (tenantId: string, dim: string): Promise<string | null> => {
    await p.redisClient.select(1);
    try {
      return await p.redisClient.get(`keel:tenant:${tenantId}:over:${dim}`);
    } finally {
      await p.redisClient.select(0);
    }
  };
  const audit = async (tenantId: string) =>
    (
      await p.call<{ action: string; target: string }[]>('tenants.audit', {
        envId: ENV,
        tenantId,
      })
    ).map((a) => `${a.action} ${a.target}`);
  /** Everything a refused call must leave as it was. */
  const snapshot = async () => ({
    census: await p.census(),
    overrides: await p.db.query(
      'SELECT * FROM saas_unified_core.tenant_quota_overrides ORDER BY tenant_id, dimension',
    ),
    flags: await p.db.query(
      'SELECT tenant_id, dimension FROM keel.keel_quota_flags ORDER BY tenant_id, dimension',
    ),
    audit: await p.db.query('SELECT COUNT(*) AS n FROM keel.keel_audit'),
    plans: await p.db.query('SELECT id, plan FROM saas_unified_core.tenants ORDER BY id'),
  });

  it('sets a flag per dimension over its hard limit, in Redis and audited; none under it', async () => {
    const beta = await row('beta');
    expect(beta.flags.sort()).toEqual(['apiCalls', 'users']);
    const calls = beta.dimensions.find((d) => d.dimension === 'apiCalls')!;
    expect(calls).toMatchObject({ limit: 1000, ratio: 1.2, level: 'over', source: 'plan' });
    const value = JSON.parse((await flag('beta', 'apiCalls')) ?? 'null') as Record<string, unknown>;
    expect(value).toMatchObject({ dimension: 'apiCalls', usage: 1200, limit: 1000, by: 'keel' });
    expect(await flag('beta', 'users')).not.toBeNull();
    expect(await flag('beta', 'services')).toBeNull();
    expect(await audit('beta')).toEqual(
      expect.arrayContaining([
        'quota.flag.set keel:tenant:beta:over:apiCalls',
        'quota.flag.set keel:tenant:beta:over:users',
      ]),
    );
    expect((await row('acme')).flags).toEqual([]);
    expect(await flag('acme', 'users')).toBeNull();
    // A second pass changes nothing it need not: no new set or clear.
    const again = await p.job('quotas.scan', { envId: ENV });
    expect(again.result).toMatchObject({ flagsSet: 0, flagsCleared: 0 });
  });

  it('refuses bad overrides with the reason and changes nothing', async () => {
    const before = await snapshot();
    const base = { envId: ENV, tenantId: 'beta', dimension: 'apiCalls', limit: 10, reason: 'test' };
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ limit: -5 }, 'VALIDATION', /negative/],
      [{ limit: 'abc' }, 'VALIDATION', /whole number/],
      [{ limit: 1.5 }, 'VALIDATION', /whole number/],
      [{ dimension: 'disk' }, 'VALIDATION', /not a quota dimension/],
      [{ tenantId: 'nobody' }, 'NOT_FOUND', /no tenant nobody/],
      [{ tenantId: 'delta' }, 'PRECONDITION_FAILED', /pending deletion/],
    ];
    for (const [patch, code, why] of cases) {
      const e = await p.refused('quotas.setOverride', { ...base, ...patch });
      expect(e.code, JSON.stringify(patch)).toBe(code);
      expect(e.message, JSON.stringify(patch)).toMatch(why);
    }
    // No override of apiCalls to clear: refused, not a silent no-op.
    const { limit: _limit, ...clear } = base;
    expect((await p.refused('quotas.clearOverride', clear)).code).toBe('NOT_FOUND');
    expect(await snapshot()).toEqual(before);
  });

  it('clears a flag when an override raises the limit, and sets it again when it goes', async () => {
    const set = await p.call<
      TenantUsageDetail & { enforcement: { cleared: { dimension: string }[] } }
    >('quotas.setOverride', {
      envId: ENV,
      tenantId: 'beta',
      dimension: 'apiCalls',
      limit: 5000,
      reason: 'pilot',
    });
    expect(set.enforcement.cleared.map((f) => f.dimension)).toEqual(['apiCalls']);
    expect(set.row.dimensions.find((d) => d.dimension === 'apiCalls')).toMatchObject({
      limit: 5000,
      source: 'override',
      level: 'ok',
    });
    expect(await flag('beta', 'apiCalls')).toBeNull();
    await p.redisClient.select(1);
    expect(await p.redisClient.hget('keel:tenant:beta:quota', 'api_calls')).toBe('5000');
    await p.redisClient.select(0);
    const log = await audit('beta');
    expect(log).toContain('quota.override.set beta:apiCalls');
    expect(log).toContain('quota.flag.clear keel:tenant:beta:over:apiCalls');
    // Overrides survive a pass.
    await p.job('quotas.scan', { envId: ENV });
    expect(await flag('beta', 'apiCalls')).toBeNull();
    await p.call('quotas.clearOverride', {
      envId: ENV,
      tenantId: 'beta',
      dimension: 'apiCalls',
      reason: 'pilot over',
    });
    expect(await flag('beta', 'apiCalls')).not.toBeNull();
  });

  it('previews a plan change exactly as it then happens (upgrade clears flags)', async () => {
    const preview = await p.call<PlanPreview>('quotas.previewPlan', {
      envId: ENV,
      tenantId: 'beta',
      plan: 'basic',
    });
    expect(preview).toMatchObject({
      from: 'free',
      to: 'basic',
      direction: 'upgrade',
      fits: true,
      confirmRequired: false,
    });
    expect(preview.flagsCleared.sort()).toEqual(['apiCalls', 'users']);
    expect(preview.flagsSet).toEqual([]);
    const done = await p.call<{
      enforcement: { set: unknown[]; cleared: { dimension: string }[] };
    }>('quotas.changePlan', { envId: ENV, tenantId: 'beta', plan: 'basic', reason: 'upgrade' });
    expect(done.enforcement.cleared.map((f) => f.dimension).sort()).toEqual(
      preview.flagsCleared.sort(),
    );
    expect(done.enforcement.set).toEqual([]);
    expect(await flag('beta', 'apiCalls')).toBeNull();
    expect(await flag('beta', 'users')).toBeNull();
    const [t] = await p.db.query<{ plan: string; quota_api_calls: number }>(
      "SELECT plan, quota_api_calls FROM saas_unified_core.tenants WHERE id = 'beta'",
    );
    expect(t).toEqual({ plan: 'basic', quota_api_calls: 10000 });
    expect(await audit('beta')).toContain('tenant.changePlan beta');
  });

  it('asks for the tenant id before a downgrade that sets flags; refuses plans the tier lacks', async () => {
    const preview = await p.call<PlanPreview>('quotas.previewPlan', {
      envId: ENV,
      tenantId: 'acme',
      plan: 'free',
    });
    expect(preview).toMatchObject({ direction: 'downgrade', fits: false, confirmRequired: true });
    expect(preview.flagsSet).toEqual(expect.arrayContaining(['users', 'services']));
    const before = await snapshot();
    const refused = await p.refused('quotas.changePlan', {
      envId: ENV,
      tenantId: 'acme',
      plan: 'free',
      reason: 'x',
    });
    expect(refused.code).toBe('VALIDATION');
    expect(refused.message).toMatch(/type the tenant id \(acme\)/);
    expect(
      (
        await p.refused('quotas.changePlan', {
          envId: ENV,
          tenantId: 'acme',
          plan: 'free',
          reason: 'x',
          confirm: 'acm',
        })
      ).code,
    ).toBe('VALIDATION');
    expect(
      (await p.refused('quotas.previewPlan', { envId: ENV, tenantId: 'acme', plan: 'platinum' }))
        .code,
    ).toBe('VALIDATION');
    expect(
      (await p.refused('quotas.previewPlan', { envId: ENV, tenantId: 'gamma', plan: 'free' })).code,
    ).toBe('PRECONDITION_FAILED');
    expect(await snapshot()).toEqual(before);
    const done = await p.call<{ enforcement: { set: { dimension: string }[] } }>(
      'quotas.changePlan',
      {
        envId: ENV,
        tenantId: 'acme',
        plan: 'free',
        reason: 'downgrade',
        confirm: 'acme',
      },
    );
    expect(done.enforcement.set.map((f) => f.dimension).sort()).toEqual(
      [...preview.flagsSet].sort(),
    );
    expect(await flag('acme', 'users')).not.toBeNull();
  });
});

describe.skipIf(!existsSync(CLI))(
  'keel usage / quotas / tenants change-plan (built CLI; skipped only when the build is missing)',
  () => {
    let p: TenantPlatform;

    beforeAll(async () => {
      p = await startTenantPlatform('quotas-cli');
      await seedQuotaPlatform(p, ENV);
    }, 240_000);

    afterAll(async () => {
      await p?.stop();
    });

    // Asynchronous: this process is also the Keel worker that runs the CLI's jobs.
    const keel = (args: string[]) =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
        const c = spawn(process.execPath, [CLI, ...args], {
          env: { ...process.env, ...p.env, KEEL_HOME: p.home },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        c.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        c.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        const timer = setTimeout(() => c.kill('SIGKILL'), 60_000);
        c.on('error', reject);
        c.on('close', (status) => {
          clearTimeout(timer);
          resolve({ status, stdout, stderr });
        });
      });

    it('scans, shows, refuses a bad limit with exit 2, previews a plan change and wants --yes', async () => {
      const scan = await keel(`--json usage scan -e ${ENV}`.split(' '));
      expect(scan.status, scan.stderr).toBe(0);
      expect(JSON.parse(scan.stdout)).toMatchObject({ state: 'completed', result: { tenants: 4 } });
      const show = await keel(`--json usage show beta -e ${ENV}`.split(' '));
      expect(show.status, show.stderr).toBe(0);
      expect((JSON.parse(show.stdout) as TenantUsageDetail).row.flags.sort()).toEqual([
        'apiCalls',
        'users',
      ]);
      const human = await keel(`usage show beta -e ${ENV}`.split(' '));
      expect(human.stdout).toMatch(/apiCalls\s+1200\s+1000\s+120\.0 %\s+over\s+plan\s+SET/);
      const bad = await keel(
        `quotas set-override beta -e ${ENV} --dimension storageMb --limit -3 --reason x`.split(' '),
      );
      expect(bad.status).toBe(2);
      expect(bad.stderr).toMatch(/negative/);
      const text = await keel(
        `quotas set-override beta -e ${ENV} --dimension storageMb --limit lots --reason x`.split(
          ' ',
        ),
      );
      expect(text.status).toBe(2);
      expect(text.stderr).toMatch(/whole number/);
      const preview = await keel(
        `--json tenants change-plan beta -e ${ENV} --plan basic --preview`.split(' '),
      );
      expect(preview.status, preview.stderr).toBe(0);
      expect(JSON.parse(preview.stdout)).toMatchObject({
        direction: 'upgrade',
        fits: true,
        flagsSet: [],
      });
      const noYes = await keel(
        `tenants change-plan beta -e ${ENV} --plan basic --reason r`.split(' '),
      );
      expect(noYes.status).toBe(2);
      expect(noYes.stderr).toMatch(/--yes/);
      const done = await keel(
        `--json tenants change-plan beta -e ${ENV} --plan basic --reason r --yes`.split(' '),
      );
      expect(done.status, done.stderr).toBe(0);
      expect(JSON.parse(done.stdout)).toMatchObject({ tenant: { plan: 'basic' } });
    });
  },
);
