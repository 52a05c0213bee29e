import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import { isKeelError, KeelError } from '../../../../shared/errors';
import { FINAL_STATES, type Actor, type JobPayload, type JobRecord } from '../../../../shared/jobs';
import type { Environment } from '../../../../shared/models/environment';
import {
  tenantSpecSchema,
  type AuditEntry,
  type BlueprintSummary,
  type BulkRowResult,
  type Footprint,
  type Interrupted,
  type ProvisionPlan,
  type TenantDetail,
  type TenantSpec,
  type TenantStatus,
  type TenantSummary,
} from '../../../../shared/tenants';
import type { EventBus } from '../../lib/event-bus';
import type { ClientRegistry } from '../../stores/registry';
import type { EnvironmentsService } from '../environments/environments.service';
import type { JobContext } from '../jobs/types';
import { migrateKeelSchema } from '../shared/keel-schema';
import { AuditLog } from './audit';
import { BlueprintLoader } from './blueprints';
import { parseBulk } from './bulk';
import { Catalog, type JournalEntry } from './catalog';
import { instanceConnections, resolveTargets, type Targets } from './placement';
import { Platform } from './platform';
import { buildSteps, namesOf, placementOf, quotasOf, type Step, type StoreAccess } from './steps';
import { Undoer } from './undo';

/** What the service needs from the jobs engine (the JobService), kept narrow for tests. */
export interface JobStarter {
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
  get(id: string): Promise<JobRecord>;
}

/** Test-only seam: called before each provisioning step (fault injection, slow steps). */
export type StepHook = (key: string, tenantId: string) => Promise<void> | void;

export interface TenantsOptions {
  /** Where environments come from (the environments service, or a fixed one in a job thread). */
  envs: Pick<EnvironmentsService, 'get'>;
  registry: ClientRegistry;
  bus: EventBus;
  logger: Logger;
  jobs?: JobStarter;
  blueprintDir?: string;
  beforeStep?: StepHook;
}

/** One environment's tenant context: blueprint, connections by part, catalog, audit. */
interface Ctx {
  env: Environment;
  targets: Targets;
  source: string;
  catalog: Catalog;
  audit: AuditLog;
  stores: StoreAccess;
  /** Known to have its catalog (so checks need not ask again). */
  applied?: true;
}

const actorName = (a: Actor): string => `${a.type}:${a.name}`;
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Tenants as one thing across MySQL, MongoDB, Redis and InfluxDB: the catalog, provisioning
 * (idempotent, journaled, undone on failure), suspend / resume, two-step deprovisioning, and
 * the audit log of every change.
 */
export class TenantsService {
  private readonly blueprints: BlueprintLoader;
  private readonly schemaReady = new Map<string, Promise<void>>();
  private jobs: JobStarter | undefined;

  constructor(private readonly o: TenantsOptions) {
    this.blueprints = new BlueprintLoader(o.blueprintDir);
    this.jobs = o.jobs;
  }

  /** Tell every console a tenant changed (after work done elsewhere, e.g. on a job thread). */
  changed(envId: string, tenantId?: string): void {
    this.o.bus.publish('tenants.changed', { envId, ...(tenantId && { tenantId }) });
  }

  /** The jobs engine is created after this service (its handlers need it). */
  attachJobs(jobs: JobStarter): void {
    this.jobs = jobs;
  }

  // ── reading ──────────────────────────────────────────────────────────────────────────────

  async blueprint(envId: string): Promise<BlueprintSummary> {
    const c = await this.ctx(envId);
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
    const c = await this.applied(envId);
    return c.catalog.list();
  }

  async get(envId: string, tenantId: string): Promise<TenantDetail> {
    const c = await this.applied(envId);
    const tenant = await c.catalog.get(tenantId);
    const [history, footprint] = await Promise.all([
      c.catalog.history(tenantId),
      this.footprint(c, tenant),
    ]);
    return { tenant, history, footprint };
  }

  async audit(envId: string, tenantId: string | undefined, limit: number): Promise<AuditEntry[]> {
    const c = await this.ctx(envId);
    return c.audit.list(envId, tenantId, limit);
  }

  /** Every object provisioning would create, after the same checks provisioning makes. */
  async preview(envId: string, spec: TenantSpec): Promise<ProvisionPlan> {
    const c = await this.ctx(envId);
    await this.check(c, spec, { allowExisting: true });
    const steps = this.steps(c, spec, { type: 'user', name: 'preview' });
    return {
      tenantId: spec.id,
      tier: spec.tier,
      quotas: quotasOf(c.targets, spec.plan),
      steps: steps.map((s) => s.view),
      skipped: c.targets.skipped,
    };
  }

  async interrupted(envId: string): Promise<Interrupted[]> {
    const c = await this.applied(envId);
    const rows = await c.catalog.provisioning();
    const out: Interrupted[] = [];
    for (const r of rows) {
      if (r.state === 'running' && r.jobId && (await this.jobLive(r.jobId))) continue;
      out.push(r);
    }
    return out;
  }

  // ── starting jobs (checks first, so a bad request changes nothing) ──────────────────────

  async startProvision(envId: string, spec: TenantSpec, actor: Actor): Promise<JobRecord> {
    const c = await this.applied(envId);
    await this.check(c, spec, { allowExisting: true });
    return this.starter().start('tenants.provision', { envId, spec }, { actor, tenantId: spec.id });
  }

  async startBulk(
    envId: string,
    format: 'csv' | 'yaml',
    text: string,
    actor: Actor,
  ): Promise<JobRecord> {
    const c = await this.applied(envId);
    const specs = parseBulk(format, text);
    const problems: string[] = [];
    const existing = new Map((await c.catalog.list()).map((t) => [t.id, t]));
    const subdomains = new Map<string, string>();
    for (const t of existing.values()) if (t.subdomain) subdomains.set(t.subdomain, t.id);
    specs.forEach((s, i) => {
      try {
        this.checkStatic(c, s);
        const have = existing.get(s.id);
        if (have && !sameTenant(have, s)) {
          throw new KeelError('CONFLICT', `tenant ${s.id} already exists with other settings`);
        }
        const owner = s.subdomain ? subdomains.get(s.subdomain) : undefined;
        if (owner && owner !== s.id) {
          throw new KeelError('CONFLICT', `subdomain ${s.subdomain} belongs to ${owner}`);
        }
        if (s.subdomain) subdomains.set(s.subdomain, s.id);
      } catch (e) {
        problems.push(`row ${i + 1} (${s.id}): ${message(e)}`);
      }
    });
    if (problems.length > 0) {
      throw new KeelError(
        'VALIDATION',
        `${problems.length} row(s) refused, nothing was provisioned: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? '; …' : ''}`,
        { rows: problems },
      );
    }
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
    const c = await this.applied(envId);
    purgeAllowed(await c.catalog.get(tenantId));
    return this.starter().start('tenants.purge', { envId, tenantId, reason }, { actor, tenantId });
  }

  async startApply(envId: string, actor: Actor): Promise<JobRecord> {
    await this.ctx(envId);
    return this.starter().start('blueprint.apply', { envId }, { actor });
  }

  // ── quick changes (no job): status, access ──────────────────────────────────────────────

  async suspend(envId: string, tenantId: string, reason: string, actor: Actor) {
    return this.changeStatus(envId, tenantId, 'suspend', reason, actor);
  }

  async resume(envId: string, tenantId: string, reason: string, actor: Actor) {
    return this.changeStatus(envId, tenantId, 'resume', reason, actor);
  }

  async markForDeletion(
    envId: string,
    tenantId: string,
    reason: string,
    graceDays: number,
    actor: Actor,
  ): Promise<TenantSummary> {
    const purgeAfter = new Date(Date.now() + graceDays * 86_400_000);
    return this.changeStatus(envId, tenantId, 'mark-for-deletion', reason, actor, purgeAfter);
  }

  async cancelDeletion(envId: string, tenantId: string, reason: string, actor: Actor) {
    return this.changeStatus(envId, tenantId, 'cancel-deletion', reason, actor);
  }

  // ── job handlers ────────────────────────────────────────────────────────────────────────

  /** `blueprint.apply`: catalog, shared databases and tables, platform collections, metrics database. */
  async apply(envId: string, job: JobContext): Promise<{ created: number; existed: number }> {
    const c = await this.ctx(envId);
    const platform = new Platform(c.targets, c.stores, c.catalog);
    const r = await platform.apply(job);
    await c.audit.write({
      envId,
      actor: actorName(job.actor),
      action: 'blueprint.apply',
      target: `${c.targets.blueprint.name} v${c.targets.blueprint.version}`,
      after: r,
    });
    this.o.bus.publish('tenants.changed', { envId });
    return r;
  }

  /** `tenants.provision`: every step, journaled; on failure or cancel everything it created is undone. */
  async provision(
    envId: string,
    spec: TenantSpec,
    job: Pick<JobContext, 'signal' | 'progress' | 'log' | 'actor'> & { id?: string },
  ): Promise<{ tenantId: string; created: number; existed: number }> {
    return this.provisionIn(await this.applied(envId), spec, job);
  }

  /** One tenant in a context already resolved (bulk lists resolve it once, not per row). */
  private async provisionIn(
    c: Ctx,
    spec: TenantSpec,
    job: Pick<JobContext, 'signal' | 'progress' | 'log' | 'actor'> & { id?: string },
  ): Promise<{ tenantId: string; created: number; existed: number }> {
    await this.check(c, spec, { allowExisting: true, ...(job.id && { jobId: job.id }) });
    // One signal per tenant: its steps' store calls each listen to it (bulk runs many at once).
    const ctl = new AbortController();
    setMaxListeners(64, ctl.signal);
    const onAbort = (): void => ctl.abort(job.signal.reason);
    if (job.signal.aborted) onAbort();
    else job.signal.addEventListener('abort', onAbort, { once: true });
    try {
      return await this.provisionSteps(c, spec, { ...job, signal: ctl.signal });
    } finally {
      job.signal.removeEventListener('abort', onAbort);
    }
  }

  private async provisionSteps(
    c: Ctx,
    spec: TenantSpec,
    job: Pick<JobContext, 'signal' | 'progress' | 'log' | 'actor'> & { id?: string },
  ): Promise<{ tenantId: string; created: number; existed: number }> {
    const envId = c.env.id;
    const actor = actorName(job.actor);
    const steps = this.steps(c, spec, job.actor);
    const journal = await c.catalog.begin(spec, job.id ?? null);
    const known = new Map(journal.map((e) => [e.key, e]));
    const seq0 = journal.reduce((m, e) => Math.max(m, e.seq), 0);
    let created = 0;
    let existed = 0;
    let done = 0;
    job.progress({ done, total: steps.length, message: 'starting' });
    try {
      const groups = groupSteps(steps);
      for (const group of groups) {
        job.signal.throwIfAborted();
        const fresh = group.filter((s) => !known.has(s.key));
        await c.catalog.intend(
          spec.id,
          fresh.map((s, i) => ({
            key: s.key,
            seq: seq0 + done + i + 1,
            state: 'creating',
            undo: s.undo,
          })),
        );
        const madeNow: string[] = [];
        const foundNow: string[] = [];
        // Every step of the group settles before the next move: a rollback must not race a
        // step still creating its object.
        const results = await Promise.allSettled(
          group.map(async (s) => {
            await this.o.beforeStep?.(s.key, spec.id);
            job.signal.throwIfAborted();
            const made = await s.apply(job.signal);
            if (made) {
              madeNow.push(s.key);
              created++;
            } else {
              existed++;
              if (!known.has(s.key)) foundNow.push(s.key);
            }
            done++;
            job.progress({ done, total: steps.length, message: s.view.action });
          }),
        );
        await c.catalog.settle(spec.id, madeNow, foundNow);
        const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failed) throw failed.reason;
      }
    } catch (e) {
      const why = job.signal.aborted ? 'cancelled' : 'failed';
      job.log('error', `provisioning ${why}: ${message(e)}; undoing what it created`);
      const undone = await this.undoAll(c, spec.id, job.log).catch((u: unknown) => {
        throw new KeelError(
          'SERVER_ERROR',
          `provisioning of ${spec.id} ${why} (${message(e)}) and its rollback did not finish (${message(u)}): roll it back from the interrupted list when the store is back`,
        );
      });
      await c.audit.write({
        envId,
        actor,
        action: 'tenant.provision',
        target: spec.id,
        tenantId: spec.id,
        after: spec,
        error: message(e),
      });
      if (job.signal.aborted) throw e;
      throw new KeelError(
        isKeelError(e) ? e.code : 'SERVER_ERROR',
        `provisioning of ${spec.id} failed: ${message(e)}. It was rolled back: ${undone} object(s) removed, nothing of the tenant remains.`,
        isKeelError(e) ? e.details : undefined,
      );
    }
    await c.catalog.finish(spec.id);
    await c.audit.write({
      envId,
      actor,
      action: 'tenant.provision',
      target: spec.id,
      tenantId: spec.id,
      after: { spec, created, existed },
    });
    this.o.bus.publish('tenants.changed', { envId, tenantId: spec.id });
    return { tenantId: spec.id, created, existed };
  }

  /** `tenants.bulkProvision`: tenants side by side; each one all-or-nothing; a result per row. */
  async bulk(
    envId: string,
    specs: TenantSpec[],
    job: JobContext,
  ): Promise<{ rows: BulkRowResult[]; ok: number; failed: number }> {
    const c = await this.applied(envId);
    const rows: BulkRowResult[] = new Array(specs.length);
    let next = 0;
    let finished = 0;
    const lanes = Math.min(8, specs.length);
    job.progress({ done: 0, total: specs.length, message: 'provisioning' });
    await Promise.all(
      Array.from({ length: lanes }, async () => {
        while (next < specs.length && !job.signal.aborted) {
          const i = next++;
          const spec = specs[i] as TenantSpec;
          try {
            await this.provisionIn(c, spec, { ...job, progress: () => undefined });
            rows[i] = { row: i + 1, id: spec.id, ok: true };
          } catch (e) {
            rows[i] = { row: i + 1, id: spec.id, ok: false, error: message(e) };
            job.log('warn', `row ${i + 1} (${spec.id}): ${message(e)}`);
          }
          finished++;
          job.progress({ done: finished, total: specs.length, message: spec.id });
        }
      }),
    );
    job.signal.throwIfAborted();
    const list = rows.filter(Boolean);
    const ok = list.filter((r) => r.ok).length;
    return { rows: list, ok, failed: list.length - ok };
  }

  /** `tenants.rollback`: undo an interrupted provisioning. */
  async rollback(envId: string, tenantId: string, job: JobContext): Promise<{ removed: number }> {
    const c = await this.applied(envId);
    const removed = await this.undoAll(c, tenantId, job.log);
    await c.audit.write({
      envId,
      actor: actorName(job.actor),
      action: 'tenant.rollback',
      target: tenantId,
      tenantId,
      after: { removed },
    });
    this.o.bus.publish('tenants.changed', { envId, tenantId });
    return { removed };
  }

  /** `tenants.purge`: delete the tenant's data and access in every store; the catalog keeps a `purged` row. */
  async purge(
    envId: string,
    tenantId: string,
    reason: string,
    job: JobContext,
  ): Promise<{ removed: number }> {
    const c = await this.applied(envId);
    const tenant = await c.catalog.get(tenantId);
    purgeAllowed(tenant);
    const undo = new Undoer(c.stores, c.catalog);
    const n = namesOf(c.targets, tenantId);
    const actions = [
      ...(tenant.placement.database
        ? [
            {
              store: 'mysql' as const,
              connectionId: tenant.placement.connectionId,
              dropDatabase: tenant.placement.database,
            },
          ]
        : []),
      ...(c.targets.mongoBusiness
        ? c.targets.blueprint.mongo.business.tenantCollections.map((col) => ({
            store: 'mongodb' as const,
            connectionId: c.targets.mongoBusiness?.id ?? '',
            database: c.targets.blueprint.mongo.business.database,
            dropCollection: `${n.collectionPrefix}${col.name}`,
          }))
        : []),
      ...(c.targets.redis
        ? [
            { store: 'redis' as const, connectionId: c.targets.redis.id, deleteAclUser: n.aclUser },
            {
              store: 'redis' as const,
              connectionId: c.targets.redis.id,
              db: c.targets.blueprint.redis.businessDb,
              deleteKeysWithPrefix: n.keyPrefix,
            },
          ]
        : []),
      ...(c.targets.influx
        ? [
            {
              store: 'influxdb' as const,
              connectionId: c.targets.influx.id,
              dropDatabase: n.bucket,
            },
          ]
        : []),
    ];
    const total = actions.length + (tenant.tier === 'shared' ? 1 : 0) + 1;
    let done = 0;
    const error = (e: unknown): never => {
      throw new KeelError(
        isKeelError(e) ? e.code : 'SERVER_ERROR',
        `purge of ${tenantId} stopped: ${message(e)}. The tenant stays marked for deletion; run the purge again to finish.`,
      );
    };
    try {
      if (tenant.tier === 'shared') {
        const rows = await new Platform(c.targets, c.stores, c.catalog).deleteSharedRows(
          tenantId,
          job.signal,
        );
        job.log(
          'info',
          `deleted ${rows} row(s) carrying tenant_id = ${tenantId} from the shared tables`,
        );
        job.progress({ done: ++done, total, message: 'shared rows deleted' });
      }
      for (const a of actions) {
        job.signal.throwIfAborted();
        await undo.run(a, job.signal);
        job.progress({ done: ++done, total, message: Undoer.describe(a) });
      }
    } catch (e) {
      await c.audit.write({
        envId,
        actor: actorName(job.actor),
        action: 'tenant.purge',
        target: tenantId,
        tenantId,
        before: tenant,
        error: message(e),
      });
      error(e);
    }
    const { after } = await c.catalog.setStatus(
      tenantId,
      ['pending_deletion'],
      'purged',
      reason,
      actorName(job.actor),
    );
    job.progress({ done: total, total, message: 'purged' });
    await c.audit.write({
      envId,
      actor: actorName(job.actor),
      action: 'tenant.purge',
      target: tenantId,
      tenantId,
      before: tenant,
      after,
    });
    this.o.bus.publish('tenants.changed', { envId, tenantId });
    return { removed: actions.length };
  }

  // ── internals ───────────────────────────────────────────────────────────────────────────

  private starter(): JobStarter {
    if (!this.jobs) throw new KeelError('UNSUPPORTED', 'no job engine in this shell');
    return this.jobs;
  }

  private async ctx(envId: string): Promise<Ctx> {
    const env = await this.o.envs.get(envId);
    const { blueprint, source } = await this.blueprints.load(env.blueprint);
    const targets = resolveTargets(env, blueprint);
    const reg = this.o.registry;
    const stores: StoreAccess = {
      mysql: (id) => reg.of('mysql', envId, id),
      mongo: (id) => reg.of('mongodb', envId, id),
      redis: (id) => reg.of('redis', envId, id),
      influx: (id) => reg.of('influxdb', envId, id),
    };
    const core = await stores.mysql(targets.catalog.id);
    const key = `${envId}/${targets.catalog.id}`;
    let ready = this.schemaReady.get(key);
    if (!ready) {
      ready = migrateKeelSchema(core);
      this.schemaReady.set(key, ready);
      ready.catch(() => this.schemaReady.delete(key));
    }
    await ready;
    return {
      env,
      targets,
      source,
      catalog: new Catalog(core, blueprint.catalog.database),
      audit: new AuditLog(core),
      stores,
    };
  }

  /** The context of an environment whose catalog exists. */
  private async applied(envId: string): Promise<Ctx> {
    const c = await this.ctx(envId);
    if (!(await c.catalog.exists())) {
      throw new KeelError(
        'PRECONDITION_FAILED',
        `the tenant catalog of ${envId} does not exist yet: create it from the blueprint first (tenants applyBlueprint)`,
      );
    }
    return { ...c, applied: true };
  }

  private steps(c: Ctx, spec: TenantSpec, actor: Actor): Step[] {
    return buildSteps(c.targets, spec, c.stores, actorName(actor), async () => {
      const created = await c.catalog.insertTenant(
        spec,
        placementOf(c.targets, spec),
        quotasOf(c.targets, spec.plan),
        actorName(actor),
      );
      return created;
    });
  }

  /** Checks that need only the blueprint and the environment. */
  private checkStatic(c: Ctx, spec: TenantSpec): void {
    const b = c.targets.blueprint;
    if (!(spec.plan in b.plans)) {
      throw new KeelError(
        'VALIDATION',
        `unknown plan ${spec.plan}; plans are ${Object.keys(b.plans).join(', ')}`,
      );
    }
    if (!b.tiers[spec.tier].plans.includes(spec.plan)) {
      throw new KeelError(
        'VALIDATION',
        `plan ${spec.plan} cannot use the ${spec.tier.replace('_', ' ')} tier (it is for ${b.tiers[spec.tier].plans.join(', ')})`,
      );
    }
    if (spec.tier === 'dedicated_instance') {
      const conn = c.env.connections.find((x) => x.id === spec.instanceConnectionId);
      if (!conn || conn.kind !== 'mysql') {
        throw new KeelError(
          'VALIDATION',
          `no MySQL connection ${spec.instanceConnectionId} in ${c.env.id}`,
        );
      }
      if (conn.role !== `tenant:${spec.id}`) {
        throw new KeelError(
          'VALIDATION',
          `connection ${conn.id} has role "${conn.role}": a dedicated instance is a connection with role "tenant:${spec.id}"`,
        );
      }
    }
  }

  /** Every check before anything is touched: the spec against the blueprint and the catalog. */
  private async check(
    c: Ctx,
    spec: TenantSpec,
    o: { allowExisting: boolean; jobId?: string },
  ): Promise<void> {
    this.checkStatic(c, spec);
    if (!c.applied && !(await c.catalog.exists())) return;
    const have = await c.catalog.find(spec.id);
    if (have) {
      if (have.status === 'purged') {
        throw new KeelError(
          'CONFLICT',
          `tenant id ${spec.id} was used by a purged tenant: choose another id`,
        );
      }
      if (!o.allowExisting || !sameTenant(have, spec)) {
        throw new KeelError(
          'CONFLICT',
          `tenant ${spec.id} already exists (${have.name}, ${have.plan}, ${have.tier})`,
        );
      }
    }
    if (spec.subdomain) {
      const owner = await c.catalog.subdomainOwner(spec.subdomain);
      if (owner && owner !== spec.id) {
        throw new KeelError('CONFLICT', `subdomain ${spec.subdomain} belongs to tenant ${owner}`);
      }
    }
    const running = await c.catalog.provisioningOf(spec.id);
    if (running?.jobId && running.jobId !== o.jobId && (await this.jobLive(running.jobId))) {
      throw new KeelError(
        'CONFLICT',
        `tenant ${spec.id} is being provisioned by job ${running.jobId}`,
      );
    }
  }

  private async jobLive(jobId: string): Promise<boolean> {
    if (!this.jobs) return false;
    const rec = await this.jobs.get(jobId).catch(() => undefined);
    return Boolean(rec && !FINAL_STATES.includes(rec.state));
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

  /** Undo every journaled step of a tenant, newest first; the journal goes when all are undone. */
  private async undoAll(
    c: Ctx,
    tenantId: string,
    log: (level: 'info' | 'warn' | 'error', msg: string) => void,
  ): Promise<number> {
    const undo = new Undoer(c.stores, c.catalog);
    const entries: JournalEntry[] = (await c.catalog.journal(tenantId)).reverse();
    let removed = 0;
    try {
      for (const e of entries) {
        // Undo never listens to the job's signal: a cancel must still leave nothing behind.
        await undo.run(e.undo, AbortSignal.timeout(60_000));
        await c.catalog.forgetStep(tenantId, e.key);
        log('info', `undone: ${Undoer.describe(e.undo)}`);
        removed++;
      }
    } catch (u) {
      await c.catalog
        .markFailed(tenantId, `rollback stopped: ${message(u)}`)
        .catch(() => undefined);
      throw u;
    }
    await c.catalog.finish(tenantId);
    this.o.bus.publish('tenants.changed', { envId: c.env.id, tenantId });
    return removed;
  }

  private async changeStatus(
    envId: string,
    tenantId: string,
    action: StatusAction,
    reason: string,
    actor: Actor,
    purgeAfter: Date | null = null,
  ): Promise<TenantSummary> {
    const { from, to, accessOn } = STATUS_ACTIONS[action];
    const c = await this.applied(envId);
    const who = actorName(actor);
    try {
      // Access first: if Redis refuses, the status does not claim what is not true.
      await this.setAccess(c, tenantId, accessOn);
      const { before, after } = await c.catalog.setStatus(
        tenantId,
        from,
        to,
        reason,
        who,
        purgeAfter,
      );
      await c.audit.write({
        envId,
        actor: who,
        action: `tenant.${action}`,
        target: tenantId,
        tenantId,
        before,
        after,
      });
      this.o.bus.publish('tenants.changed', { envId, tenantId });
      return after;
    } catch (e) {
      const before = await c.catalog.find(tenantId).catch(() => undefined);
      if (before && !accessOn && before.status === 'active') {
        // The status change failed after access was turned off: turn it back on.
        await this.setAccess(c, tenantId, true).catch(() => undefined);
      }
      await c.audit
        .write({
          envId,
          actor: who,
          action: `tenant.${action}`,
          target: tenantId,
          tenantId,
          before: before ?? null,
          error: message(e),
        })
        .catch(() => undefined);
      throw e;
    }
  }

  /** Turn a tenant's Redis ACL user on or off; off also disconnects its open connections. */
  private async setAccess(c: Ctx, tenantId: string, on: boolean): Promise<void> {
    if (!c.targets.redis) return;
    const redis = await c.stores.redis(c.targets.redis.id);
    const user = namesOf(c.targets, tenantId).aclUser;
    if ((await redis.command(['ACL', 'GETUSER', user])) === null) return;
    await redis.command(['ACL', 'SETUSER', user, on ? 'on' : 'off']);
    if (!on) await redis.command(['CLIENT', 'KILL', 'USER', user]).catch(() => undefined);
  }

  private async footprint(c: Ctx, t: TenantSummary): Promise<Footprint> {
    const errors: Footprint['errors'] = [];
    const n = namesOf(c.targets, t.id);
    const out: Footprint = { errors };
    const guard = async (store: string, fn: () => Promise<void>): Promise<void> => {
      try {
        await fn();
      } catch (e) {
        errors.push({ store, message: message(e) });
      }
    };
    await Promise.all([
      guard('mysql', async () => {
        const platform = new Platform(c.targets, c.stores, c.catalog);
        const tables = await platform.rowCounts(t);
        out.mysql = {
          connectionId: t.placement.connectionId,
          database: t.placement.database ?? '(shared databases)',
          tables,
        };
      }),
      c.targets.mongoBusiness &&
        guard('mongodb', async () => {
          const conn = c.targets.mongoBusiness;
          if (!conn) return;
          const mongo = await c.stores.mongo(conn.id);
          const db = c.targets.blueprint.mongo.business.database;
          const names = c.targets.blueprint.mongo.business.tenantCollections.map(
            (x) => `${n.collectionPrefix}${x.name}`,
          );
          const listed = await mongo.command(db, {
            listCollections: 1,
            nameOnly: true,
            filter: { name: { $in: names } },
          });
          const present = ((listed.cursor?.firstBatch ?? []) as Array<{ name: string }>)
            .map((x) => x.name)
            .sort();
          const collections = await Promise.all(
            present.map(async (name) => {
              const [count, idx] = await Promise.all([
                mongo.command(db, { count: name }),
                mongo.command(db, { listIndexes: name }),
              ]);
              return {
                name,
                documents: Number(count.n ?? 0),
                indexes: (idx.cursor?.firstBatch ?? []).length as number,
              };
            }),
          );
          out.mongo = { connectionId: conn.id, database: db, collections };
        }),
      c.targets.redis &&
        guard('redis', async () => {
          const conn = c.targets.redis;
          if (!conn) return;
          const redis = await c.stores.redis(conn.id);
          const db = c.targets.blueprint.redis.businessDb;
          const keys = await new Undoer(c.stores, c.catalog).countKeys(redis, db, n.keyPrefix);
          const acl = (await redis.command(['ACL', 'GETUSER', n.aclUser])) as unknown[] | null;
          let enabled: boolean | null = null;
          if (Array.isArray(acl)) {
            const i = acl.indexOf('flags');
            const flags = (i >= 0 ? acl[i + 1] : []) as string[];
            enabled = flags.includes('on');
          }
          out.redis = {
            connectionId: conn.id,
            db,
            prefix: n.keyPrefix,
            keys,
            aclUser: n.aclUser,
            aclEnabled: enabled,
          };
        }),
      c.targets.influx &&
        guard('influxdb', async () => {
          const conn = c.targets.influx;
          if (!conn) return;
          const influx = await c.stores.influx(conn.id);
          out.influx = {
            connectionId: conn.id,
            bucket: n.bucket,
            exists: await influx.databaseExists(n.bucket),
          };
        }),
    ]);
    return out;
  }
}

/** The status changes a user can make by hand: from which states, to which, and Redis access after. */
const STATUS_ACTIONS = {
  suspend: { from: ['active'], to: 'suspended', accessOn: false },
  resume: { from: ['suspended'], to: 'active', accessOn: true },
  'mark-for-deletion': { from: ['active', 'suspended'], to: 'pending_deletion', accessOn: false },
  // Taking back a deletion leaves the tenant suspended: someone resumes it on purpose.
  'cancel-deletion': { from: ['pending_deletion'], to: 'suspended', accessOn: false },
} as const satisfies Record<
  string,
  { from: readonly TenantStatus[]; to: TenantStatus; accessOn: boolean }
>;
type StatusAction = keyof typeof STATUS_ACTIONS;

/** The same tenant asked for again (a re-run), not another one with the same id. */
function sameTenant(have: TenantSummary, spec: TenantSpec): boolean {
  return have.name === spec.name && have.plan === spec.plan && have.tier === spec.tier;
}

/** Steps run group by group (a store at a time); steps of one group run side by side. */
function groupSteps(steps: Step[]): Step[][] {
  const out: Step[][] = [];
  for (const s of steps) {
    const last = out.at(-1);
    if (last && last[0]?.group === s.group) last.push(s);
    else out.push([s]);
  }
  return out;
}

function purgeAllowed(t: TenantSummary): void {
  if (t.status !== 'pending_deletion') {
    throw new KeelError(
      'PRECONDITION_FAILED',
      `tenant ${t.id} is ${t.status.replace('_', ' ')}: mark it for deletion first, then purge after the grace period`,
    );
  }
  if (t.purgeAfter && Date.parse(t.purgeAfter) > Date.now()) {
    throw new KeelError(
      'PRECONDITION_FAILED',
      `the grace period of ${t.id} ends ${t.purgeAfter}: it cannot be purged before`,
    );
  }
}
