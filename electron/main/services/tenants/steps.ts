import { createHash, randomBytes } from 'node:crypto';
import type { RowDataPacket } from 'mysql2/promise';
import { fillTemplate, type MongoCollectionSpec } from '../../../../shared/blueprint';
import { isKeelError, KeelError } from '../../../../shared/errors';
import type { Placement, ProvisionStep, Quotas, TenantSpec } from '../../../../shared/tenants';
import type { InfluxStore } from '../../stores/influx.store';
import type { MongoStore } from '../../stores/mongo.store';
import type { MysqlStore } from '../../stores/mysql.store';
import type { RedisStore } from '../../stores/redis.store';
import type { UndoAction } from './catalog';
import { createDatabaseSql, createTableSql } from './ddl';
import type { Targets } from './placement';

/** Typed store clients by connection id (the registry, scoped to one environment). */
export interface StoreAccess {
  mysql(connectionId: string): Promise<MysqlStore>;
  mongo(connectionId: string): Promise<MongoStore>;
  redis(connectionId: string): Promise<RedisStore>;
  influx(connectionId: string): Promise<InfluxStore>;
}

export type StepGroup = 'mysql' | 'mongodb' | 'redis' | 'influxdb' | 'catalog';

/** One object provisioning creates: what it shows, how it is made, how it is undone. */
export interface Step {
  key: string;
  group: StepGroup;
  view: ProvisionStep;
  undo: UndoAction;
  /** Create the object if it is missing. True when this call created it. */
  apply(signal: AbortSignal): Promise<boolean>;
}

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

const codeNameOf = (e: unknown): string | undefined =>
  isKeelError(e) ? (e.details?.codeName as string | undefined) : undefined;

function mongoCreateCommand(name: string, c: MongoCollectionSpec): Record<string, unknown> {
  return { create: name, ...(c.validator && { validator: c.validator }) };
}

function mongoIndexesCommand(name: string, c: MongoCollectionSpec): Record<string, unknown> {
  return {
    createIndexes: name,
    indexes: c.indexes.map((i) => ({
      key: i.keys,
      name:
        i.name ??
        Object.entries(i.keys)
          .map(([k, v]) => `${k}_${v}`)
          .join('_'),
      ...(i.unique && { unique: true }),
      ...(i.sparse && { sparse: true }),
    })),
  };
}

/**
 * Create a collection (with its validator) if it is missing, and its indexes (createIndexes is
 * idempotent). True when this call created the collection; an existing one is left as it is.
 */
export async function ensureCollection(
  mongo: MongoStore,
  database: string,
  name: string,
  c: MongoCollectionSpec,
  signal: AbortSignal,
): Promise<boolean> {
  let created = true;
  try {
    await mongo.command(database, mongoCreateCommand(name, c), { signal });
  } catch (e) {
    if (codeNameOf(e) !== 'NamespaceExists') throw e;
    created = false;
  }
  if (c.indexes.length > 0) {
    await mongo.command(database, mongoIndexesCommand(name, c), { signal });
  }
  return created;
}

/** ACL rules of a tenant's Redis user: own keys and channels only, the blueprint's commands. */
export function aclRules(t: Targets, tenantId: string, passwordHash: string | null): string[] {
  const n = namesOf(t, tenantId);
  return [
    'reset',
    'on',
    passwordHash ? `#${passwordHash}` : '#<sha256 of a generated password>',
    `~${n.keyPrefix}*`,
    `&${n.keyPrefix}*`,
    ...t.blueprint.redis.aclCommands.split(' '),
  ];
}

/**
 * Every step of provisioning `spec`, in order: MySQL schema (dedicated tiers), Mongo collections
 * with validators and indexes, Redis ACL user and keys, InfluxDB bucket, and last the catalog
 * row — so a tenant is listed only once everything else exists.
 */
export function buildSteps(
  t: Targets,
  spec: TenantSpec,
  stores: StoreAccess,
  actor: string,
  insertCatalogRow: () => Promise<boolean>,
  now = new Date(),
): Step[] {
  const steps: Step[] = [];
  const n = namesOf(t, spec.id);
  const b = t.blueprint;
  const placement = placementOf(t, spec);

  if (spec.tier !== 'shared') {
    const connectionId = placement.connectionId;
    const db = n.database;
    const tables = b.mysql.databases.flatMap((d) => d.tables);
    const ddl = [createDatabaseSql(db), ...tables.map((tb) => createTableSql(db, tb, now))];
    steps.push({
      key: `mysql:database:${db}`,
      group: 'mysql',
      view: {
        key: `mysql:database:${db}`,
        store: 'mysql',
        connectionId,
        action: `create database with ${tables.length} tables (${tables.filter((x) => x.partition).length} partitioned by month)`,
        target: db,
        statement: `${ddl.join(';\n\n')};`,
      },
      undo: { store: 'mysql', connectionId, dropDatabase: db },
      apply: async (signal) => {
        const my = await stores.mysql(connectionId);
        const found = await my.query<RowDataPacket[]>(
          'SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
          [db],
          { signal },
        );
        await my.query(ddl[0] as string, [], { signal });
        // Tables side by side (each CREATE with partitions is a few file operations server-side).
        const rest = ddl.slice(1);
        const lanes = Math.min(4, my.connection.pool.max);
        let next = 0;
        await Promise.all(
          Array.from({ length: lanes }, async () => {
            while (next < rest.length) {
              const sql = rest[next++] as string;
              await my.query(sql, [], { signal, timeoutMs: 60_000 });
            }
          }),
        );
        return found.length === 0;
      },
    });
  }

  if (t.mongoBusiness) {
    const connectionId = t.mongoBusiness.id;
    const database = b.mongo.business.database;
    for (const c of b.mongo.business.tenantCollections) {
      const name = `${n.collectionPrefix}${c.name}`;
      const create = mongoCreateCommand(name, c);
      const indexes = mongoIndexesCommand(name, c);
      steps.push({
        key: `mongodb:collection:${name}`,
        group: 'mongodb',
        view: {
          key: `mongodb:collection:${name}`,
          store: 'mongodb',
          connectionId,
          action: `create collection${c.validator ? ' with validator' : ''} and ${c.indexes.length} index(es)`,
          target: `${database}.${name}`,
          statement: `db.runCommand(${JSON.stringify(create)})\ndb.runCommand(${JSON.stringify(indexes)})`,
        },
        undo: { store: 'mongodb', connectionId, database, dropCollection: name },
        apply: async (signal) =>
          ensureCollection(await stores.mongo(connectionId), database, name, c, signal),
      });
    }
  }

  if (t.redis) {
    const connectionId = t.redis.id;
    const rules = aclRules(t, spec.id, null);
    steps.push({
      key: `redis:acl:${n.aclUser}`,
      group: 'redis',
      view: {
        key: `redis:acl:${n.aclUser}`,
        store: 'redis',
        connectionId,
        action: 'create ACL user (own key prefix and channels only)',
        target: n.aclUser,
        statement: `ACL SETUSER ${n.aclUser} ${rules.join(' ')}`,
      },
      undo: { store: 'redis', connectionId, deleteAclUser: n.aclUser },
      apply: async (signal) => {
        const redis = await stores.redis(connectionId);
        const existing = await redis.command(['ACL', 'GETUSER', n.aclUser], { signal });
        if (existing !== null) return false;
        // The password is generated and only its hash is sent: the platform's admin resets it
        // when wiring the tenant's services (Keel keeps no copy).
        const hash = createHash('sha256').update(randomBytes(32)).digest('hex');
        await redis.command(['ACL', 'SETUSER', n.aclUser, ...aclRules(t, spec.id, hash)], {
          signal,
        });
        return true;
      },
    });
    const quotas = quotasOf(t, spec.plan);
    const quotaKey = `${n.keyPrefix}quota`;
    const fields = [
      'plan',
      spec.plan,
      'api_calls',
      String(quotas.apiCalls ?? -1),
      'storage_mb',
      String(quotas.storageMb ?? -1),
      'users',
      String(quotas.users ?? -1),
      'services',
      String(quotas.services ?? -1),
      'status',
      'active',
    ];
    steps.push({
      key: `redis:keys:${n.keyPrefix}`,
      group: 'redis',
      view: {
        key: `redis:keys:${n.keyPrefix}`,
        store: 'redis',
        connectionId,
        action: `write the tenant's quota hash (db ${b.redis.businessDb}; -1 = unlimited)`,
        target: quotaKey,
        statement: `SELECT ${b.redis.businessDb}\nHSET ${quotaKey} ${fields.join(' ')}`,
      },
      undo: {
        store: 'redis',
        connectionId,
        db: b.redis.businessDb,
        deleteKeysWithPrefix: n.keyPrefix,
      },
      apply: async (signal) => {
        const redis = await stores.redis(connectionId);
        const [exists] = await redis.pipelineIn(b.redis.businessDb, [['EXISTS', quotaKey]], {
          signal,
        });
        if (exists?.[0]) throw exists[0];
        if (Number(exists?.[1]) === 1) return false;
        const [r] = await redis.pipelineIn(b.redis.businessDb, [['HSET', quotaKey, ...fields]], {
          signal,
        });
        if (r?.[0]) throw r[0];
        return true;
      },
    });
  }

  if (t.influx) {
    const connectionId = t.influx.id;
    const retentionSec = b.influx.retentionDays * 86_400;
    steps.push({
      key: `influxdb:bucket:${n.bucket}`,
      group: 'influxdb',
      view: {
        key: `influxdb:bucket:${n.bucket}`,
        store: 'influxdb',
        connectionId,
        action: `create bucket / database (retention ${b.influx.retentionDays ? `${b.influx.retentionDays} d` : 'forever'})`,
        target: n.bucket,
        statement: `CREATE DATABASE "${n.bucket}" WITH DURATION ${retentionSec ? `${retentionSec}s` : 'INF'} NAME "keel"  -- or POST /api/v2/buckets on 2.x`,
      },
      undo: { store: 'influxdb', connectionId, dropDatabase: n.bucket },
      apply: async (signal) => {
        const influx = await stores.influx(connectionId);
        if (await influx.databaseExists(n.bucket, { signal })) return false;
        await influx.ensureDatabase(n.bucket, retentionSec, { signal });
        return true;
      },
    });
  }

  const quotas = quotasOf(t, spec.plan);
  steps.push({
    key: `catalog:tenant:${spec.id}`,
    group: 'catalog',
    view: {
      key: `catalog:tenant:${spec.id}`,
      store: 'catalog',
      connectionId: t.catalog.id,
      action: `add to the catalog as active (plan ${spec.plan}: ${quotas.apiCalls ?? 'unlimited'} API calls, ${quotas.storageMb ?? 'unlimited'} MB)`,
      target: `${b.catalog.database}.tenants`,
      statement: `INSERT INTO \`${b.catalog.database}\`.\`tenants\` (id, name, plan, tier, status, …) VALUES ('${spec.id}', …, 'active', …)  -- by ${actor}`,
    },
    undo: { store: 'catalog', deleteTenant: spec.id },
    apply: () => insertCatalogRow(),
  });
  return steps;
}
