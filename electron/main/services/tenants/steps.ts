import { createHash, randomBytes } from 'node:crypto';
import type { RowDataPacket } from 'mysql2/promise';
import { KeelError } from '../../../../shared/errors';
import type { ProvisionStep, TenantSpec, TenantStatus } from '../../../../shared/tenants';
import type { UndoAction } from './catalog';
import { createDatabaseSql, createTableSql } from './ddl';
import {
  collectionsPresent,
  createCollection,
  mongoCreateCommand,
  mongoIndexesCommand,
} from './mongo-steps';
import { namesOf, placementOf, quotasOf, type StoreAccess } from './names';
import type { Targets } from './placement';
import { aclPermissionsUpdate, aclRules, keelPrefixOf, quotaKeyOf } from './redis-access';

export type StepGroup = 'mysql' | 'mongodb' | 'redis' | 'influxdb' | 'catalog';

/**
 * One object provisioning creates: what it shows, how it is made, how it is undone.
 *
 * Ownership is decided by looking, never by an error code: `exists` runs before anything is
 * journaled, only a missing object gets a journal entry, and a rollback undoes only journaled
 * entries. (MongoDB 7.0+ answers `create` of an existing identical collection with `ok: 1`, and
 * a fault can strike before a step learns what it met: either way an existing object was once
 * claimed, and dropped with the tenant's data.)
 */
export interface Step {
  key: string;
  group: StepGroup;
  view: ProvisionStep;
  undo: UndoAction;
  /** Whether the object is there already. */
  exists(signal: AbortSignal): Promise<boolean>;
  /**
   * Create the object when `existing` is false; otherwise add only what it lacks (tables,
   * indexes) without taking it over.
   */
  apply(signal: AbortSignal, existing: boolean): Promise<void>;
}

/** The catalog row of the tenant: the last step. */
export interface CatalogRow {
  exists(): Promise<boolean>;
  /** Insert the row; false when one was already there. */
  insert(): Promise<boolean>;
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
  catalogRow: CatalogRow,
  /** The tenant's status in the catalog now (null: not in it yet), read when a step runs. */
  catalogStatus: () => Promise<TenantStatus | null>,
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
      exists: async (signal) => {
        const my = await stores.mysql(connectionId);
        const found = await my.query<RowDataPacket[]>(
          'SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
          [db],
          { signal },
        );
        return found.length > 0;
      },
      // CREATE … IF NOT EXISTS throughout: on an existing schema only missing tables are added.
      apply: async (signal) => {
        const my = await stores.mysql(connectionId);
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
      },
    });
  }

  if (t.mongoBusiness) {
    const connectionId = t.mongoBusiness.id;
    const database = b.mongo.business.database;
    const names = b.mongo.business.tenantCollections.map((c) => `${n.collectionPrefix}${c.name}`);
    // One look for all the tenant's collections, taken when the first step asks.
    let present: Promise<Set<string>> | undefined;
    const look = async (signal: AbortSignal): Promise<Set<string>> =>
      (present ??= stores
        .mongo(connectionId)
        .then((mongo) => collectionsPresent(mongo, database, names, signal)));
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
        exists: async (signal) => (await look(signal)).has(name),
        apply: async (signal, existing) =>
          createCollection(await stores.mongo(connectionId), database, name, c, existing, signal),
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
      exists: async (signal) => {
        const redis = await stores.redis(connectionId);
        return (await redis.command(['ACL', 'GETUSER', n.aclUser], { signal })) !== null;
      },
      apply: async (signal, existing) => {
        const redis = await stores.redis(connectionId);
        if (existing) {
          // An existing user gets the current rules (how tenants made before a rule change get
          // it); its on/off state and passwords stay as they are.
          await redis.command(['ACL', 'SETUSER', n.aclUser, ...aclPermissionsUpdate(t, spec.id)], {
            signal,
          });
          return;
        }
        // A suspended or leaving tenant whose user was lost (a Redis restart without an ACL
        // file) gets it back disabled: re-provisioning never turns access on.
        const status = await catalogStatus();
        const on = status === null || status === 'active';
        // The password is generated and only its hash is sent: the platform's admin resets it
        // when wiring the tenant's services (Keel keeps no copy).
        const hash = createHash('sha256').update(randomBytes(32)).digest('hex');
        await redis.command(['ACL', 'SETUSER', n.aclUser, ...aclRules(t, spec.id, hash, on)], {
          signal,
        });
      },
    });
    const quotas = quotasOf(t, spec.plan);
    // Keel's record, outside the tenant's writable keys; its status is the catalog's.
    const quotaKey = quotaKeyOf(spec.id);
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
        action: `write Keel's quota record of the tenant (db ${b.redis.businessDb}; -1 = unlimited; the tenant may read it, not write it)`,
        target: quotaKey,
        statement: `SELECT ${b.redis.businessDb}\nHSET ${quotaKey} ${fields.join(' ')}`,
      },
      undo: {
        store: 'redis',
        connectionId,
        db: b.redis.businessDb,
        deleteKeysWithPrefix: keelPrefixOf(spec.id),
      },
      exists: async (signal) => {
        const redis = await stores.redis(connectionId);
        const [exists] = await redis.pipelineIn(b.redis.businessDb, [['EXISTS', quotaKey]], {
          signal,
        });
        if (exists?.[0]) throw exists[0];
        return Number(exists?.[1]) === 1;
      },
      apply: async (signal, existing) => {
        if (existing) return;
        const redis = await stores.redis(connectionId);
        const status = (await catalogStatus()) ?? 'active';
        const record = [...fields.slice(0, -1), status];
        const [r] = await redis.pipelineIn(b.redis.businessDb, [['HSET', quotaKey, ...record]], {
          signal,
        });
        if (r?.[0]) throw r[0];
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
      exists: async (signal) =>
        (await stores.influx(connectionId)).databaseExists(n.bucket, { signal }),
      apply: async (signal, existing) => {
        if (existing) return;
        await (
          await stores.influx(connectionId)
        ).ensureDatabase(n.bucket, retentionSec, { signal });
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
    exists: () => catalogRow.exists(),
    apply: async (_signal, existing) => {
      if (existing) return;
      if (!(await catalogRow.insert())) {
        throw new KeelError(
          'CONFLICT',
          `tenant ${spec.id} was added to the catalog by another run`,
        );
      }
    },
  });
  return steps;
}
