import type { Blueprint } from '../../../../shared/blueprint';
import { KeelError } from '../../../../shared/errors';
import type { Connection, Environment, StoreKind } from '../../../../shared/models/environment';

/**
 * Which connection of an environment plays which part of the blueprint. Roles are matched
 * first; a smaller environment (one MySQL, one Redis…) falls back to the one it has.
 */
export interface Targets {
  env: Environment;
  blueprint: Blueprint;
  /** The MySQL connection holding the catalog. */
  catalog: Connection;
  /** The MySQL connection of each business database (by name). */
  business: Map<string, Connection>;
  mongoBusiness?: Connection;
  mongoPlatform?: Connection;
  redis?: Connection;
  influx?: Connection;
  /** Stores of the blueprint the environment has no connection for. */
  skipped: Array<{ store: StoreKind; reason: string }>;
}

const byRole = (env: Environment, kind: StoreKind, ...roles: string[]): Connection | undefined => {
  for (const role of roles) {
    const c = env.connections.find((x) => x.kind === kind && x.role === role);
    if (c) return c;
  }
  return undefined;
};

export function resolveTargets(env: Environment, blueprint: Blueprint): Targets {
  const catalog = byRole(env, 'mysql', blueprint.catalog.role, 'core');
  if (!catalog) {
    throw new KeelError(
      'PRECONDITION_FAILED',
      `environment ${env.id} has no MySQL connection with role "${blueprint.catalog.role}": the tenant catalog lives there`,
    );
  }
  const business = new Map<string, Connection>();
  for (const db of blueprint.mysql.databases) {
    business.set(db.name, byRole(env, 'mysql', db.role) ?? catalog);
  }
  const anyMongo = env.connections.find((c) => c.kind === 'mongodb');
  const mongoBusiness =
    byRole(env, 'mongodb', blueprint.mongo.business.role, blueprint.mongo.platform.role) ??
    anyMongo;
  const mongoPlatform =
    byRole(env, 'mongodb', blueprint.mongo.platform.role, blueprint.mongo.business.role) ??
    anyMongo;
  const redis =
    byRole(env, 'redis', blueprint.redis.role) ??
    env.connections.find((c) => c.kind === 'redis' && c.role !== 'jobs');
  const influx =
    byRole(env, 'influxdb', blueprint.influx.role) ??
    env.connections.find((c) => c.kind === 'influxdb');
  const skipped: Targets['skipped'] = [];
  if (!mongoBusiness) {
    skipped.push({
      store: 'mongodb',
      reason: `no MongoDB connection (role ${blueprint.mongo.business.role}): tenant collections are not created`,
    });
  }
  if (!redis) {
    skipped.push({
      store: 'redis',
      reason: `no Redis connection (role ${blueprint.redis.role}): no ACL user or keys`,
    });
  }
  if (!influx) {
    skipped.push({
      store: 'influxdb',
      reason: `no InfluxDB connection (role ${blueprint.influx.role}): no tenant bucket`,
    });
  }
  return {
    env,
    blueprint,
    catalog,
    business,
    ...(mongoBusiness && { mongoBusiness }),
    ...(mongoPlatform && { mongoPlatform }),
    ...(redis && { redis }),
    ...(influx && { influx }),
    skipped,
  };
}

/** Connections reserved for one tenant: MySQL with role `tenant:<id>`. */
export function instanceConnections(
  env: Environment,
): Array<{ connection: Connection; tenantId: string }> {
  return env.connections
    .filter((c) => c.kind === 'mysql' && c.role.startsWith('tenant:'))
    .map((connection) => ({ connection, tenantId: connection.role.slice('tenant:'.length) }));
}
