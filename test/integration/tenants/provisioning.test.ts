import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRecord } from '../../../shared/jobs';
import type {
  Interrupted,
  ProvisionPlan,
  TenantDetail,
  TenantSpecInput,
  TenantSummary,
} from '../../../shared/tenants';
import { silentLogger } from '../../../electron/main/lib/logger';
import { TenantProvisioner } from '../../../electron/main/services/tenants/provisioner';
import { cliBuilt, CLI } from '../../support/agent';
import {
  JOB_THREAD,
  nothingLeft,
  startTenantPlatform,
  type TenantPlatform,
  directJob,
} from '../../support/tenants';

const ENV = 'plat';

describe('tenants on real MariaDB, Redis and InfluxDB (Mongo: real if KEEL_TEST_MONGO_URL, else the stand-in)', () => {
  let p: TenantPlatform;

  beforeAll(async () => {
    p = await startTenantPlatform('tenants');
    const applied = await p.job('tenants.applyBlueprint', { envId: ENV });
    expect(applied.state, JSON.stringify(applied.error)).toBe('completed');
  }, 120_000);

  afterAll(async () => {
    await p?.stop();
  });

  it('applies the blueprint: catalog, shared databases with monthly partitions, plans', async () => {
    const bp = await p.call<{ applied: boolean; plans: Array<{ id: string }> }>(
      'tenants.blueprint',
      { envId: ENV },
    );
    expect(bp.applied).toBe(true);
    expect(bp.plans.map((x) => x.id)).toEqual(['free', 'basic', 'pro', 'enterprise']);
    const parts = await p.db.query<{ n: number }>(
      "SELECT COUNT(DISTINCT TABLE_SCHEMA, TABLE_NAME) AS n FROM information_schema.PARTITIONS WHERE PARTITION_NAME = 'pmax'",
    );
    expect(Number(parts[0]?.n)).toBe(7);
    const plans = await p.db.query<{ id: string; api_calls: number | null }>(
      'SELECT id, api_calls FROM saas_unified_core.plans ORDER BY price IS NULL, price',
    );
    expect(plans.map((r) => [r.id, r.api_calls === null ? null : Number(r.api_calls)])).toEqual([
      ['free', 1000],
      ['basic', 10000],
      ['pro', 100000],
      ['enterprise', null],
    ]);
    // Applying again changes nothing.
    const again = await p.job('tenants.applyBlueprint', { envId: ENV });
    expect((again.result as { created: number }).created).toBe(1); // the catalog step always runs
  });

  it('previews every object before anything is created', async () => {
    const before = await p.census();
    const plan = await p.call<ProvisionPlan>('tenants.preview', {
      envId: ENV,
      spec: { id: 'preview_only', name: 'Preview', plan: 'pro', tier: 'dedicated_schema' },
    });
    const stores = plan.steps.map((s) => s.store);
    expect(stores[0]).toBe('mysql');
    expect(plan.steps[0]?.statement).toMatch(/CREATE DATABASE IF NOT EXISTS `tenant_preview_only`/);
    expect(plan.steps[0]?.statement).toMatch(/PARTITION BY RANGE COLUMNS\(`created_at`\)/);
    expect(stores.filter((s) => s === 'mongodb')).toHaveLength(9);
    expect(plan.steps.find((s) => s.store === 'redis')?.statement).toMatch(
      /^ACL SETUSER tenant_preview_only reset on #<sha256 of a generated password> ~t:preview_only:\* &t:preview_only:\*/,
    );
    expect(stores.at(-1)).toBe('catalog');
    expect(await p.census()).toEqual(before);
  });

  it.each([
    ['acme', 'basic', 'shared'],
    ['globex', 'pro', 'dedicated_schema'],
    ['initech', 'enterprise', 'dedicated_instance'],
  ] as const)('provisions %s (%s, %s) in every store', async (id, plan, tier) => {
    const spec: TenantSpecInput = {
      id,
      name: `${id} Inc`,
      plan,
      tier,
      ...(tier === 'dedicated_instance' && { instanceConnectionId: 'initech' }),
    };
    const rec = await p.job('tenants.provision', { envId: ENV, spec });
    expect(rec.state, JSON.stringify(rec.error)).toBe('completed');
    expect(rec.tenantId).toBe(id);
    const f = await p.footprint(id);
    expect(f.schemas).toHaveLength(tier === 'shared' ? 0 : 1);
    expect(f.rows).toEqual([{ id, status: 'active' }]);
    expect(f.journal).toEqual([]);
    expect(f.colls).toHaveLength(9);
    expect(f.acl).toHaveLength(1);
    expect(f.keys).toEqual([`keel:tenant:${id}:quota`]);
    expect(f.buckets).toEqual([`tenant_${id}`]);
    const idx = await p.mongoClient.db('business_db').collection(`tenant_${id}_users`).indexes();
    expect(idx.map((i) => i.name)).toEqual(expect.arrayContaining(['username_1', 'email_1']));
    const detail = await p.call<TenantDetail>('tenants.get', { envId: ENV, tenantId: id });
    expect(detail.tenant.tier).toBe(tier);
    expect(detail.footprint.errors).toEqual([]);
    expect(detail.footprint.mongo?.collections).toHaveLength(9);
    expect(detail.footprint.redis).toMatchObject({ keys: 0, aclEnabled: true });
    expect(detail.footprint.influx?.exists).toBe(true);
    if (tier !== 'shared') {
      const parts = await p.db.query<{ n: number }>(
        'SELECT COUNT(*) AS n FROM information_schema.PARTITIONS WHERE TABLE_SCHEMA = ? AND PARTITION_NAME IS NOT NULL',
        [`tenant_${id}`],
      );
      expect(Number(parts[0]?.n)).toBe(7 * 8); // 3 back + this month + 3 ahead + pmax
    }
    const audit = await p.call<Array<{ action: string; actor: string; result: string }>>(
      'tenants.audit',
      { envId: ENV, tenantId: id },
    );
    expect(audit[0]).toMatchObject({
      action: 'tenant.provision',
      actor: 'user:ops@test',
      result: 'ok',
    });
  });

  it('re-running a provisioning finishes what is missing and changes nothing else', async () => {
    const spec = { id: 'globex', name: 'globex Inc', plan: 'pro', tier: 'dedicated_schema' };
    await p.db.query(
      "INSERT INTO tenant_globex.customers (id, tenant_id, customer_code, customer_name) VALUES ('c1', 'globex', 'C1', 'Kept')",
    );
    await p.mongoClient.db('business_db').collection('tenant_globex_agents').drop();
    const again = await p.job('tenants.provision', { envId: ENV, spec });
    expect(again.state, JSON.stringify(again.error)).toBe('completed');
    expect(again.result).toMatchObject({ created: 1 });
    const f = await p.footprint('globex');
    expect(f.colls).toHaveLength(9);
    // The rows already there are untouched.
    expect(await p.db.query('SELECT customer_name FROM tenant_globex.customers')).toEqual([
      { customer_name: 'Kept' },
    ]);
    const rows = await p.db.query(
      'SELECT * FROM saas_unified_core.tenant_status_history WHERE tenant_id = ?',
      ['globex'],
    );
    expect(rows).toHaveLength(1);
  });

  it('refuses a duplicate id with other settings, an unknown plan and a plan not allowed on the tier', async () => {
    const before = await p.census();
    const dup = await p.refused('tenants.provision', {
      envId: ENV,
      spec: { id: 'acme', name: 'Another Acme', plan: 'basic', tier: 'shared' },
    });
    expect(dup.code).toBe('CONFLICT');
    const plan = await p.refused('tenants.provision', {
      envId: ENV,
      spec: { id: 'newco', name: 'New', plan: 'platinum', tier: 'shared' },
    });
    expect(plan).toMatchObject({ code: 'VALIDATION' });
    expect(plan.message).toMatch(/unknown plan platinum/);
    const tier = await p.refused('tenants.provision', {
      envId: ENV,
      spec: { id: 'newco', name: 'New', plan: 'free', tier: 'dedicated_schema' },
    });
    expect(tier.message).toMatch(/cannot use the dedicated schema tier/);
    const instance = await p.refused('tenants.provision', {
      envId: ENV,
      spec: {
        id: 'newco',
        name: 'New',
        plan: 'enterprise',
        tier: 'dedicated_instance',
        instanceConnectionId: 'initech',
      },
    });
    expect(instance.message).toMatch(/role "tenant:initech"/);
    expect(await p.census()).toEqual(before);
  });

  it.each([
    "acme'; DROP DATABASE mysql; --",
    'ac`me',
    'acme.evil',
    'tenant_数据',
    'a'.repeat(200),
    'select',
    '../etc',
    'Acme',
    '',
    'a',
    'a__b',
  ])('refuses the id %j before touching anything', async (id) => {
    const before = await p.census();
    for (const method of ['tenants.preview', 'tenants.provision']) {
      const e = await p.refused(method, { envId: ENV, spec: { id, name: 'x', plan: 'free' } });
      expect(e.code).toBe('VALIDATION');
      expect(e.message).toMatch(/tenant id|reserved/i);
    }
    expect(await p.census()).toEqual(before);
  });

  it('suspends and resumes: status, history, Redis access off and on', async () => {
    const s = await p.call<TenantSummary>('tenants.suspend', {
      envId: ENV,
      tenantId: 'acme',
      reason: 'invoice overdue',
    });
    expect(s).toMatchObject({ status: 'suspended', statusReason: 'invoice overdue' });
    const acl = (await p.redisClient.call('ACL', 'GETUSER', 'tenant_acme')) as unknown[];
    expect(acl[acl.indexOf('flags') + 1]).toContain('off');
    const again = await p.refused('tenants.suspend', {
      envId: ENV,
      tenantId: 'acme',
      reason: 'twice',
    });
    expect(again.code).toBe('PRECONDITION_FAILED');
    const r = await p.call<TenantSummary>('tenants.resume', {
      envId: ENV,
      tenantId: 'acme',
      reason: 'paid',
    });
    expect(r.status).toBe('active');
    const acl2 = (await p.redisClient.call('ACL', 'GETUSER', 'tenant_acme')) as unknown[];
    expect(acl2[acl2.indexOf('flags') + 1]).toContain('on');
    const d = await p.call<TenantDetail>('tenants.get', { envId: ENV, tenantId: 'acme' });
    expect(d.history.map((h) => `${h.from ?? ''}>${h.to}:${h.reason}`)).toEqual([
      'suspended>active:paid',
      'active>suspended:invoice overdue',
      '>active:provisioned',
    ]);
  });

  it('deprovisions in two steps: mark (access off, data kept), then purge after the grace period', async () => {
    await p.redisClient.select(1);
    await p.redisClient.set('t:acme:session:1', 'x');
    await p.redisClient.select(0);
    const marked = await p.call<TenantSummary>('tenants.markForDeletion', {
      envId: ENV,
      tenantId: 'acme',
      reason: 'contract ended',
      graceDays: 30,
    });
    expect(marked.status).toBe('pending_deletion');
    const early = await p.refused('tenants.purge', {
      envId: ENV,
      tenantId: 'acme',
      confirm: 'acme',
      reason: 'now',
    });
    expect(early.message).toMatch(/grace period/);
    await p.call('tenants.cancelDeletion', { envId: ENV, tenantId: 'acme', reason: 'oops' });
    await p.call('tenants.markForDeletion', {
      envId: ENV,
      tenantId: 'acme',
      reason: 'ended',
      graceDays: 0,
    });
    const typo = await p.refused('tenants.purge', {
      envId: ENV,
      tenantId: 'acme',
      confirm: 'acmee',
      reason: 'now',
    });
    expect(typo.code).toBe('VALIDATION');
    const purged = await p.job('tenants.purge', {
      envId: ENV,
      tenantId: 'acme',
      confirm: 'acme',
      reason: 'grace over',
    });
    expect(purged.state, JSON.stringify(purged.error)).toBe('completed');
    const f = await p.footprint('acme');
    expect(f.rows).toEqual([{ id: 'acme', status: 'purged' }]);
    expect({ ...f, rows: [] }).toSatisfy(nothingLeft);
    const reuse = await p.refused('tenants.provision', {
      envId: ENV,
      spec: { id: 'acme', name: 'acme Inc', plan: 'basic', tier: 'shared' },
    });
    expect(reuse.message).toMatch(/purged/);
  });

  describe('failure at each step rolls everything back', () => {
    const stepsOf = async (): Promise<string[]> => {
      const plan = await p.call<ProvisionPlan>('tenants.preview', {
        envId: ENV,
        spec: { id: 'faulty', name: 'Faulty', plan: 'pro', tier: 'dedicated_schema' },
      });
      return plan.steps.map((s) => s.key);
    };

    it('fails at every step in turn and leaves no schema, collection, key, ACL user, bucket or row', async () => {
      const keys = await stepsOf();
      expect(keys.length).toBeGreaterThan(10);
      for (const failAt of keys) {
        const svc = new TenantProvisioner({
          envs: p.core.services.environments,
          registry: p.core.services.registry,
          bus: p.core.bus,
          logger: silentLogger(),
          beforeStep: (key) => {
            if (key === failAt) throw new Error(`injected fault at ${key}`);
          },
        });
        const job = directJob();
        await expect(
          svc.provision(
            ENV,
            { id: 'faulty', name: 'Faulty', plan: 'pro', tier: 'dedicated_schema' },
            job,
          ),
        ).rejects.toThrow(/rolled back/);
        expect(await p.footprint('faulty'), `after a fault at ${failAt}`).toSatisfy(nothingLeft);
      }
    }, 180_000);

    it('a cancel half-way also leaves nothing behind', async () => {
      const ctl = new AbortController();
      const svc = new TenantProvisioner({
        envs: p.core.services.environments,
        registry: p.core.services.registry,
        bus: p.core.bus,
        logger: silentLogger(),
        beforeStep: (key) => {
          if (key.startsWith('redis:')) ctl.abort(new Error('cancelled by the user'));
        },
      });
      await expect(
        svc.provision(
          ENV,
          { id: 'faulty', name: 'Faulty', plan: 'pro', tier: 'dedicated_schema' },
          directJob(ctl.signal),
        ),
      ).rejects.toThrow();
      expect(await p.footprint('faulty')).toSatisfy(nothingLeft);
    });
  });

  describe('a process killed mid-provisioning', () => {
    /** Provision in a child process that SIGKILLs itself before the step `dieAt`. */
    const killMidway = async (id: string, dieAt: string): Promise<number | null> => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', join(process.cwd(), 'test/support/tenants-child.ts')],
        {
          env: {
            ...process.env,
            ...p.env,
            KEEL_HOME: p.home,
            CHILD_TENANT: id,
            CHILD_DIE_AT: dieAt,
          },
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
      let err = '';
      child.stderr?.on('data', (d) => (err += String(d)));
      const code = await new Promise<number | null>((r) =>
        child.once('exit', (c, s) => r(s ? 137 : c)),
      );
      if (code !== 137) throw new Error(`child exited ${code}: ${err}`);
      return code;
    };

    it('is offered for resume, and resuming finishes the tenant', async () => {
      await killMidway('hooli', 'redis:');
      const list = await p.call<Interrupted[]>('tenants.interrupted', { envId: ENV });
      const mine = list.find((x) => x.tenantId === 'hooli');
      expect(mine).toMatchObject({ state: 'running' });
      expect(mine?.stepsDone).toBeGreaterThan(0);
      const f0 = await p.footprint('hooli');
      expect(f0.schemas).toHaveLength(1);
      expect(f0.rows).toEqual([]);
      const rec = await p.job('tenants.resumeProvisioning', { envId: ENV, tenantId: 'hooli' });
      expect(rec.state, JSON.stringify(rec.error)).toBe('completed');
      const f = await p.footprint('hooli');
      expect(f.rows).toEqual([{ id: 'hooli', status: 'active' }]);
      expect(f.colls).toHaveLength(9);
      expect(f.journal).toEqual([]);
      expect(
        (await p.call<Interrupted[]>('tenants.interrupted', { envId: ENV })).map((x) => x.tenantId),
      ).not.toContain('hooli');
    }, 60_000);

    it('or rolled back, after which nothing of it remains', async () => {
      await killMidway('pied', 'influxdb:');
      expect((await p.footprint('pied')).colls).toHaveLength(9);
      const rec: JobRecord = await p.job('tenants.rollback', { envId: ENV, tenantId: 'pied' });
      expect(rec.state, JSON.stringify(rec.error)).toBe('completed');
      expect(await p.footprint('pied')).toSatisfy(nothingLeft);
    }, 60_000);
  });

  it.skipIf(!cliBuilt())(
    'from the CLI: provision follows the job to the end, list shows it, bad input exits 2 (needs out/main/cli.js)',
    async () => {
      const home = await mkdtemp(join(tmpdir(), 'keel-cli-tenants-'));
      // Async: this process is the job worker, so it must not block on the child.
      const keel = (args: string[]) =>
        new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
          const child = spawn(process.execPath, [CLI, '--json', ...args], {
            env: { ...process.env, ...p.env, KEEL_HOME: home, KEEL_LOG_LEVEL: 'error' },
          });
          let stdout = '';
          let stderr = '';
          child.stdout.on('data', (d) => (stdout += String(d)));
          child.stderr.on('data', (d) => (stderr += String(d)));
          child.once('exit', (code) => resolve({ code, stdout, stderr }));
        });
      try {
        const made = await keel([
          'tenants',
          'provision',
          'clico',
          '-e',
          ENV,
          '--name',
          'Cli Co',
          '--plan',
          'free',
        ]);
        expect(made.code, made.stderr).toBe(0);
        expect(JSON.parse(made.stdout)).toMatchObject({ state: 'completed', tenantId: 'clico' });
        const list = await keel(['tenants', 'list', '-e', ENV, '--status', 'active']);
        expect((JSON.parse(list.stdout) as TenantSummary[]).map((t) => t.id)).toContain('clico');
        const bad = await keel([
          'tenants',
          'provision',
          'Bad Id',
          '-e',
          ENV,
          '--name',
          'x',
          '--plan',
          'free',
        ]);
        expect(bad.code).toBe(2);
        expect(bad.stdout + bad.stderr).toMatch(/tenant id/);
      } finally {
        await rm(home, { recursive: true, force: true });
      }
    },
    60_000,
  );

  it('bulk provisions from CSV with one progress bar and a result per row; one bad row refuses the list', async () => {
    const before = await p.census();
    const bad = await p.refused('tenants.bulkProvision', {
      envId: ENV,
      format: 'csv',
      text: 'id,name,plan,tier\nbulk_a,A,free,shared\nbad id,B,free,shared\nbulk_c,C,nope,shared\n',
    });
    expect(bad.code).toBe('VALIDATION');
    expect(bad.message).toMatch(/row 2/);
    expect(await p.census()).toEqual(before);
    const rows = Array.from(
      { length: 40 },
      (_, i) => `bulk_${i},Bulk ${i},${i % 2 ? 'free' : 'basic'},shared`,
    );
    const rec = await p.job('tenants.bulkProvision', {
      envId: ENV,
      format: 'csv',
      text: `id,name,plan,tier\n${rows.join('\n')}\n`,
    });
    expect(rec.state, JSON.stringify(rec.error)).toBe('completed');
    expect(rec.result).toMatchObject({ ok: 40, failed: 0 });
    // A long job: on a worker thread when the build (out/main/job-thread.js) exists.
    if (existsSync(JOB_THREAD)) {
      expect(rec.log.map((l) => l.msg)).toContain('running on a worker thread');
    }
    expect(rec.progress).toMatchObject({ done: 40, total: 40 });
    const list = await p.call<{ tenants: TenantSummary[] }>('tenants.list', { envId: ENV });
    expect(list.tenants.filter((t) => t.id.startsWith('bulk_'))).toHaveLength(40);
  }, 120_000);
});
