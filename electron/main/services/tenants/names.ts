import { fillTemplate } from '../../../../shared/blueprint';
import { KeelError } from '../../../../shared/errors';
import type { Placement, Quotas, TenantSpec } from '../../../../shared/tenants';
import type { InfluxStore } from '../../stores/influx.store';
import type { MongoStore } from '../../stores/mongo.store';
import type { MysqlStore } from '../../stores/mysql.store';
import type { RedisStore } from '../../stores/redis.store';
import type { Targets } from './placement';

/** Typed store clients by connection id (the registry, scoped to one environment). */
export interface StoreAccess {
  mysql(connectionId: string): Promise<MysqlStore>;
  mongo(connectionId: string): Promise<MongoStore>;
  redis(connectionId: string): Promise<RedisStore>;
  influx(connectionId: string): Promise<InfluxStore>;
}

/** A tenant's object names in every store, from the blueprint's templates. */
export interface TenantNames {
  database: string;
  collectionPrefix: string;
  keyPrefix: string;
  aclUser: string;
  bucket: string;
}

export function namesOf(t: Targets, tenantId: string): TenantNames {
  const b = t.blueprint;
  return {
    database: fillTemplate(b.mysql.tenantDatabase, tenantId),
    collectionPrefix: fillTemplate(b.mongo.business.collectionPrefix, tenantId),
    keyPrefix: fillTemplate(b.redis.keyPrefix, tenantId),
    aclUser: fillTemplate(b.redis.aclUser, tenantId),
    bucket: fillTemplate(b.influx.tenantBucket, tenantId),
  };
}

export function quotasOf(t: Targets, plan: string): Quotas {
  const p = t.blueprint.plans[plan];
  if (!p) throw new KeelError('VALIDATION', `unknown plan ${plan}`);
  return { apiCalls: p.apiCalls, storageMb: p.storageMb, users: p.users, services: p.services };
}

export function placementOf(t: Targets, spec: TenantSpec): Placement {
  const names = namesOf(t, spec.id);
  if (spec.tier === 'shared') return { tier: 'shared', connectionId: t.catalog.id };
  if (spec.tier === 'dedicated_schema') {
    return { tier: 'dedicated_schema', connectionId: t.catalog.id, database: names.database };
  }
  return {
    tier: 'dedicated_instance',
    connectionId: spec.instanceConnectionId ?? '',
    database: names.database,
  };
}
