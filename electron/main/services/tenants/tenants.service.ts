import { KeelError } from '../../../../shared/errors';
import type { Actor, JobPayload, JobRecord } from '../../../../shared/jobs';
import {
  tenantSpecSchema,
  type AuditEntry,
  type BlueprintSummary,
  type Interrupted,
  type ProvisionPlan,
  type TenantDetail,
  type TenantSpec,
  type TenantSummary,
} from '../../../../shared/tenants';
import { parseBulk } from './bulk';
import { check, checkBulk, purgeAllowed } from './checks';
import { jobLive, stepsOf, TenantContexts, type JobLookup, type TenantDeps } from './context';
import { footprint } from './footprint';
import { quotasOf } from './names';
import { instanceConnections } from './placement';
import { changeStatus } from './status';

/** What the facade needs from the jobs engine (the JobService), kept narrow for tests. */
export interface JobStarter extends JobLookup {
  start<
    K extends
      | 'tenants.provision'
      | 'tenants.bulkProvision'
      | 'tenants.rollback'
      | 'tenants.purge'
      | 'blueprint.apply',
  >(
    kind: K,
    payload: JobPayload<K> & { envId: string },
    opts: { actor: Actor; tenantId?: string },
  ): Promise<JobRecord>;
}

export interface TenantsOptions extends TenantDeps {
  /** Absent (a shell without a job engine): the `start*` calls are refused. */
  jobs?: JobStarter;
}

/**
 * Tenants as one thing across MySQL, MongoDB, Redis and InfluxDB, as the router sees them: the
 * reads, the checks before a job starts (so a bad request changes nothing), the `start*` calls,
 * and the quick status changes. The jobs themselves run in `TenantProvisioner`.
 */
export class TenantsService {
  private readonly contexts: TenantContexts;

  constructor(private readonly o: TenantsOptions) {
    this.contexts = new TenantContexts(o);
  }

  // ── reading ──────────────────────────────────────────────────────────────────────────────

  async blueprint(envId: string): Promise<BlueprintSummary> {
    const c = await this.contexts.ctx(envId);
    const b = c.targets.blueprint;
    const applied = await c.catalog.exists();
    const used = new Set(
      applied
        ? (await c.catalog.list())
            .filter((t) => t.tier === 'dedicated_instance' && t.status !== 'purged')
            .map((t) => t.placement.connectionId)
        : [],
    );
    return {
      envId,
      name: b.name,
      version: b.version,
      source: c.source,
      currency: b.currency,
      plans: Object.entries(b.plans).map(([id, p]) => ({
        id,
        price: p.price,
        quotas: {
          apiCalls: p.apiCalls,
          storageMb: p.storageMb,
          users: p.users,
          services: p.services,
        },
        tiers: (Object.keys(b.tiers) as Array<keyof typeof b.tiers>).filter((tier) =>
          b.tiers[tier].plans.includes(id),
        ),
      })),
      catalog: { connectionId: c.targets.catalog.id, database: b.catalog.database },
      freeInstances: instanceConnections(c.env)
        .filter((x) => !used.has(x.connection.id))
        .map((x) => ({ connectionId: x.connection.id, role: x.connection.role })),
      applied,
    };
  }

  async list(envId: string): Promise<TenantSummary[]> {
    const c = await this.contexts.applied(envId);
    return c.catalog.list();
  }

  async get(envId: string, tenantId: string): Promise<TenantDetail> {
    const c = await this.contexts.applied(envId);
    const tenant = await c.catalog.get(tenantId);
    const [history, fp] = await Promise.all([c.catalog.history(tenantId), footprint(c, tenant)]);
    return { tenant, history, footprint: fp };
  }

  async audit(envId: string, tenantId: string | undefined, limit: number): Promise<AuditEntry[]> {
    const c = await this.contexts.ctx(envId);
    return c.audit.list(envId, tenantId, limit);
  }

  /** Every object provisioning would create, after the same checks provisioning makes. */
  async preview(envId: string, spec: TenantSpec): Promise<ProvisionPlan> {
    const c = await this.contexts.ctx(envId);
    await check(c, spec, { allowExisting: true, jobs: this.o.jobs });
    const steps = stepsOf(c, spec, { type: 'user', name: 'preview' });
    return {
      tenantId: spec.id,
      tier: spec.tier,
      quotas: quotasOf(c.targets, spec.plan),
      steps: steps.map((s) => s.view),
      skipped: c.targets.skipped,
    };
  }

  async interrupted(envId: string): Promise<Interrupted[]> {
    const c = await this.contexts.applied(envId);
    const rows = await c.journal.provisioning();
    const out: Interrupted[] = [];
    for (const r of rows) {
      if (r.state === 'running' && r.jobId && (await jobLive(this.o.jobs, r.jobId))) continue;
      out.push(r);
    }
    return out;
  }

  // ── starting jobs (checks first, so a bad request changes nothing) ──────────────────────

  async startProvision(envId: string, spec: TenantSpec, actor: Actor): Promise<JobRecord> {
    const c = await this.contexts.applied(envId);
    await check(c, spec, { allowExisting: true, jobs: this.o.jobs });
    return this.starter().start('tenants.provision', { envId, spec }, { actor, tenantId: spec.id });
  }

  async startBulk(
    envId: string,
    format: 'csv' | 'yaml',
    text: string,
    actor: Actor,
  ): Promise<JobRecord> {
    const c = await this.contexts.applied(envId);
    const specs = parseBulk(format, text);
    await checkBulk(c, specs);
    return this.starter().start('tenants.bulkProvision', { envId, specs }, { actor });
  }

  async startRollback(envId: string, tenantId: string, actor: Actor): Promise<JobRecord> {
    await this.requireInterrupted(envId, tenantId);
    return this.starter().start('tenants.rollback', { envId, tenantId }, { actor, tenantId });
  }

  async startResume(envId: string, tenantId: string, actor: Actor): Promise<JobRecord> {
    const row = await this.requireInterrupted(envId, tenantId);
    const spec = tenantSpecSchema.parse(row.spec);
    return this.starter().start('tenants.provision', { envId, spec }, { actor, tenantId });
  }

  async startPurge(
    envId: string,
    tenantId: string,
    confirm: string,
    reason: string,
    actor: Actor,
  ): Promise<JobRecord> {
    if (confirm !== tenantId) {
      throw new KeelError('VALIDATION', `type the tenant id (${tenantId}) to confirm the purge`);
    }
    const c = await this.contexts.applied(envId);
    purgeAllowed(await c.catalog.get(tenantId));
    return this.starter().start('tenants.purge', { envId, tenantId, reason }, { actor, tenantId });
  }

  async startApply(envId: string, actor: Actor): Promise<JobRecord> {
    await this.contexts.ctx(envId);
    return this.starter().start('blueprint.apply', { envId }, { actor });
  }

  // ── quick changes (no job): status, access ──────────────────────────────────────────────

  async suspend(envId: string, tenantId: string, reason: string, actor: Actor) {
    return this.status(envId, { tenantId, action: 'suspend', reason, actor });
  }

  async resume(envId: string, tenantId: string, reason: string, actor: Actor) {
    return this.status(envId, { tenantId, action: 'resume', reason, actor });
  }

  async markForDeletion(
    envId: string,
    tenantId: string,
    reason: string,
    graceDays: number,
    actor: Actor,
  ): Promise<TenantSummary> {
    const purgeAfter = new Date(Date.now() + graceDays * 86_400_000);
    return this.status(envId, { tenantId, action: 'mark-for-deletion', reason, actor }, purgeAfter);
  }

  async cancelDeletion(envId: string, tenantId: string, reason: string, actor: Actor) {
    return this.status(envId, { tenantId, action: 'cancel-deletion', reason, actor });
  }

  // ── internals ───────────────────────────────────────────────────────────────────────────

  private async status(
    envId: string,
    change: Parameters<typeof changeStatus>[2],
    purgeAfter?: Date,
  ): Promise<TenantSummary> {
    return changeStatus(await this.contexts.applied(envId), this.o, change, purgeAfter ?? null);
  }

  private starter(): JobStarter {
    if (!this.o.jobs) throw new KeelError('UNSUPPORTED', 'no job engine in this shell');
    return this.o.jobs;
  }

  private async requireInterrupted(envId: string, tenantId: string): Promise<Interrupted> {
    const found = (await this.interrupted(envId)).find((r) => r.tenantId === tenantId);
    if (!found) {
      throw new KeelError(
        'NOT_FOUND',
        `no interrupted provisioning of ${tenantId} (it may be running, finished or rolled back)`,
      );
    }
    return found;
  }
}
