import { KeelError } from '../../../../shared/errors';
import { FINAL_STATES, type Actor, type JobRecord } from '../../../../shared/jobs';
import type { Logger } from 'pino';
import type { Environment } from '../../../../shared/models/environment';
import type { TenantSpec, TenantStatus } from '../../../../shared/tenants';
import type { EventBus } from '../../lib/event-bus';
import type { ClientRegistry } from '../../stores/registry';
import type { EnvironmentsService } from '../environments/environments.service';
import { migrateKeelSchema } from '../shared/keel-schema';
import { AuditLog } from './audit';
import { BlueprintLoader, type BlueprintDirs } from './blueprints';
import { Catalog } from './catalog';
import { Journal } from './journal';
import { placementOf, quotasOf, type StoreAccess } from './names';
import { resolveTargets, type Targets } from './placement';
import { buildSteps, type Step } from './steps';

/** What tenant code asks of the jobs engine about a job it did not start (is it still running?). */
export interface JobLookup {
  get(id: string): Promise<JobRecord>;
}

/** What every part of the tenants domain is built from (the facade and the job side alike). */
export interface TenantDeps {
  /** Where environments come from (the environments service, or a fixed one in a job thread). */
  envs: Pick<EnvironmentsService, 'get'>;
  registry: ClientRegistry;
  bus: EventBus;
  logger: Logger;
  /** Where blueprints are found by name (a string: the bundled folder). */
  blueprintDir?: string | BlueprintDirs;
  /** Absent (a job thread): no job counts as running elsewhere. */
  jobs?: JobLookup;
}

/** One environment's tenant context: blueprint, connections by part, catalog, journal, audit. */
export interface Ctx {
  env: Environment;
  targets: Targets;
  source: string;
  catalog: Catalog;
  journal: Journal;
  audit: AuditLog;
  stores: StoreAccess;
  /** Known to have its catalog (so checks need not ask again). */
  applied?: true;
}

export const actorName = (a: Actor): string => `${a.type}:${a.name}`;
export const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Resolves environments into tenant contexts; the `keel` schema is migrated once per server. */
export class TenantContexts {
  private readonly blueprints: BlueprintLoader;
  private readonly schemaReady = new Map<string, Promise<void>>();

  constructor(private readonly o: Pick<TenantDeps, 'envs' | 'registry' | 'blueprintDir'>) {
    this.blueprints = new BlueprintLoader(o.blueprintDir);
  }

  async ctx(envId: string): Promise<Ctx> {
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
      journal: new Journal(core, blueprint.catalog.database),
      audit: new AuditLog(core),
      stores,
    };
  }

  /** The context of an environment whose catalog exists. */
  async applied(envId: string): Promise<Ctx> {
    const c = await this.ctx(envId);
    if (!(await c.catalog.exists())) {
      throw new KeelError(
        'PRECONDITION_FAILED',
        `the tenant catalog of ${envId} does not exist yet: create it from the blueprint first (tenants applyBlueprint)`,
      );
    }
    return { ...c, applied: true };
  }
}

/** Whether a job is still running somewhere (false without a jobs engine, or when unknown). */
export async function jobLive(jobs: JobLookup | undefined, jobId: string): Promise<boolean> {
  if (!jobs) return false;
  const rec = await jobs.get(jobId).catch(() => undefined);
  return Boolean(rec && !FINAL_STATES.includes(rec.state));
}

/** Every step of provisioning `spec` in this context (the preview shows the same ones). */
export function stepsOf(c: Ctx, spec: TenantSpec, actor: Actor): Step[] {
  // Read once when the first step that needs it runs (the Redis steps run side by side).
  let status: Promise<TenantStatus | null> | undefined;
  return buildSteps(
    c.targets,
    spec,
    c.stores,
    actorName(actor),
    {
      exists: async () => (await c.catalog.find(spec.id)) !== undefined,
      insert: () =>
        c.catalog.insertTenant(
          spec,
          placementOf(c.targets, spec),
          quotasOf(c.targets, spec.plan),
          actorName(actor),
        ),
    },
    () => (status ??= c.catalog.find(spec.id).then((t) => t?.status ?? null)),
  );
}
