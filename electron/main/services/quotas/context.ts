import { KeelError } from '../../../../shared/errors';
import type { Environment } from '../../../../shared/models/environment';
import type { ClientRegistry } from '../../stores/registry';
import type { EnvironmentsService } from '../environments/environments.service';
import { migrateKeelSchema } from '../shared/keel-schema';
import { AuditLog } from '../tenants/audit';
import type { BlueprintDirs, BlueprintLoader } from '../tenants/blueprints';
import { Catalog } from '../tenants/catalog';
import { resolveTargets, type Targets } from '../tenants/placement';
import type { StoreAccess } from '../tenants/names';
import type { Enforcement } from './enforcement';
import { UsageStore } from './usage-store';

export type { BlueprintDirs };

/** One environment as the quotas domain sees it. */
export interface QuotaCtx {
  env: Environment;
  targets: Targets;
  stores: StoreAccess;
  catalog: Catalog;
  audit: AuditLog;
  usage: UsageStore;
  enforcement: Enforcement;
}

/**
 * Build the context of an environment: its blueprint and connections, the catalog (read through
 * its public methods), the audit log and the quota tables (created on first use).
 */
export async function quotaCtx(
  envs: Pick<EnvironmentsService, 'get'>,
  registry: ClientRegistry,
  blueprints: BlueprintLoader,
  ready: Map<string, Promise<void>>,
  envId: string,
): Promise<QuotaCtx> {
  const env = await envs.get(envId);
  const { blueprint } = await blueprints.load(env.blueprint);
  const targets = resolveTargets(env, blueprint);
  const stores: StoreAccess = {
    mysql: (id) => registry.of('mysql', envId, id),
    mongo: (id) => registry.of('mongodb', envId, id),
    redis: (id) => registry.of('redis', envId, id),
    influx: (id) => registry.of('influxdb', envId, id),
  };
  const core = await stores.mysql(targets.catalog.id);
  const catalog = new Catalog(core, blueprint.catalog.database);
  const usage = new UsageStore(core, blueprint.catalog.database, envId);
  if (!(await catalog.exists())) {
    throw new KeelError(
      'PRECONDITION_FAILED',
      `the tenant catalog of ${envId} does not exist yet: create it from the blueprint first (tenants applyBlueprint)`,
    );
  }
  const key = `${envId}/${targets.catalog.id}`;
  let p = ready.get(key);
  if (!p) {
    p = migrateKeelSchema(core).then(() => usage.ensure());
    ready.set(key, p);
    p.catch(() => ready.delete(key));
  }
  await p;
  const audit = new AuditLog(core);
  const redis = targets.redis
    ? { store: await stores.redis(targets.redis.id), db: blueprint.redis.businessDb }
    : undefined;
  return {
    env,
    targets,
    stores,
    catalog,
    audit,
    usage,
    enforcement: { envId, usage, audit, ...(redis && { redis }) },
  };
}
