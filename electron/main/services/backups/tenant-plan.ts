import { KeelError } from '../../../../shared/errors';
import type { Environment } from '../../../../shared/models/environment';
import type { TenantDetail } from '../../../../shared/tenants';
import type { BlueprintLoader } from '../tenants/blueprints';
import { resolveTargets } from '../tenants/placement';
import { namesOf } from '../tenants/names';
import type { TenantPlan } from './scope';

export interface TenantLookup {
  envs: { get(envId: string): Promise<Environment> };
  tenants: { get(envId: string, tenantId: string): Promise<TenantDetail> };
  blueprints: Pick<BlueprintLoader, 'load'>;
}

/**
 * What "one tenant" means on a MySQL connection, from its placement in the catalog: its own
 * schema (dedicated tiers), or its rows of the blueprint's shared tables that live on this
 * connection (shared tier). A connection holding nothing of the tenant is refused.
 */
export async function tenantPlanOf(
  l: TenantLookup,
  envId: string,
  connectionId: string,
  tenantId: string,
): Promise<TenantPlan> {
  const { tenant } = await l.tenants.get(envId, tenantId);
  if (tenant.status === 'purged') {
    throw new KeelError('PRECONDITION_FAILED', `tenant ${tenantId} was purged: nothing to back up`);
  }
  const p = tenant.placement;
  if (p.tier !== 'shared') {
    if (!p.database) throw new KeelError('INTERNAL', `tenant ${tenantId} has no database recorded`);
    if (p.connectionId !== connectionId) {
      throw new KeelError(
        'VALIDATION',
        `tenant ${tenantId}'s schema ${p.database} is on connection ${p.connectionId}, not ${connectionId}`,
      );
    }
    return { tenantId, database: p.database, shared: [] };
  }
  const env = await l.envs.get(envId);
  const { blueprint } = await l.blueprints.load(env.blueprint);
  const targets = resolveTargets(env, blueprint);
  const here = blueprint.mysql.databases.filter(
    (db) => targets.business.get(db.name)?.id === connectionId,
  );
  if (here.length === 0) {
    const where = [...new Set([...targets.business.values()].map((c) => c.id))].join(', ');
    throw new KeelError(
      'VALIDATION',
      `tenant ${tenantId} is on the shared tier and no shared database is on connection ${connectionId} (they are on ${where})`,
    );
  }
  return {
    tenantId,
    shared: here.flatMap((db) =>
      db.tables.map((t) => ({ database: db.name, table: t.name, column: t.tenantColumn })),
    ),
  };
}

/** What "one tenant" means on a Redis, InfluxDB or MongoDB connection. */
export interface TenantStoreNames {
  tenantId: string;
  /** Redis: its key prefix (in every logical database: a tenant may SELECT any). */
  keyPrefix: string;
  /** InfluxDB: its database (1.x) / bucket. */
  bucket: string;
  /** MongoDB: the business database and its collection prefix. */
  mongo: { database: string; collectionPrefix: string };
}

/**
 * A tenant's names in the blueprint, for a connection that must be the one the blueprint puts
 * that store's tenant data on: anything else is refused, like a MySQL connection without it.
 */
export async function tenantNamesOf(
  l: TenantLookup,
  envId: string,
  connectionId: string,
  tenantId: string,
): Promise<TenantStoreNames> {
  const { tenant } = await l.tenants.get(envId, tenantId);
  if (tenant.status === 'purged') {
    throw new KeelError('PRECONDITION_FAILED', `tenant ${tenantId} was purged: nothing to back up`);
  }
  const env = await l.envs.get(envId);
  const { blueprint } = await l.blueprints.load(env.blueprint);
  const targets = resolveTargets(env, blueprint);
  const conn = env.connections.find((c) => c.id === connectionId);
  const expected =
    conn?.kind === 'redis'
      ? targets.redis
      : conn?.kind === 'influxdb'
        ? targets.influx
        : conn?.kind === 'mongodb'
          ? targets.mongoBusiness
          : undefined;
  if (!expected || expected.id !== connectionId) {
    throw new KeelError(
      'VALIDATION',
      `tenant ${tenantId}'s ${conn?.kind ?? ''} data is on connection ${expected?.id ?? '(none)'}, not ${connectionId}`,
    );
  }
  const names = namesOf(targets, tenantId);
  return {
    tenantId,
    keyPrefix: names.keyPrefix,
    bucket: names.bucket,
    mongo: {
      database: blueprint.mongo.business.database,
      collectionPrefix: names.collectionPrefix,
    },
  };
}
