import mysql from 'mysql2/promise';
import type { RowDataPacket } from 'mysql2/promise';
import { fillTemplate, type Blueprint } from '../../../../shared/blueprint';
import type { Environment } from '../../../../shared/models/environment';
import {
  MAX_ACTIVITY_TENANTS,
  type TenantActivity,
  type TenantActivityRow,
} from '../../../../shared/monitoring';
import type { MysqlStore } from '../../stores/mysql.store';
import type { RedisStore } from '../../stores/redis.store';
import type { CallOptions } from '../../stores/types';
import { resolveTargets } from '../tenants/placement';

/**
 * Tenants read per table at most. The ranking is built from complete per-tenant counts; only a
 * table with more tenants than this in one month's partition is cut (its busiest kept), and then
 * the shard's ranking says it is partial.
 */
export const MAX_TENANTS_PER_TABLE = 100_000;
/** SCAN rounds per read (COUNT 1000 each): bounds the work on a big keyspace. */
export const SCAN_ROUNDS = 50;
/** Counter keys read at most. */
export const MAX_COUNTER_KEYS = 5000;

/** Tenant ids as the catalog takes them; anything else in a key or a row is ignored. */
const TENANT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The monthly partition of a moment, as ddl.ts names it: p202612 (UTC). */
export const partitionOf = (d: Date): string =>
  `p${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}`;

/** The day key of the API-call counters (scripts/demo/keys.ts): 20261201 (UTC). */
export const dayOf = (d: Date): string => d.toISOString().slice(0, 10).replaceAll('-', '');

export interface ActivityPlan {
  /** MySQL connection id → partitioned shared tables it holds. */
  shards: Map<string, Array<{ database: string; table: string }>>;
  redis?: { connectionId: string; db: number; pattern: string; tenantOf: (key: string) => string };
}

/**
 * What to count in an environment, from its blueprint: the partitioned tables of every shared
 * business database by the connection holding it, and the business-db API-call counters.
 */
export function activityPlan(env: Environment, blueprint: Blueprint, day: string): ActivityPlan {
  const targets = resolveTargets(env, blueprint);
  const shards: ActivityPlan['shards'] = new Map();
  for (const db of blueprint.mysql.databases) {
    const c = targets.business.get(db.name);
    if (!c) continue;
    const tables = db.tables
      .filter((t) => t.partition)
      .map((t) => ({ database: db.name, table: t.name }));
    if (tables.length === 0) continue;
    shards.set(c.id, [...(shards.get(c.id) ?? []), ...tables]);
  }
  const plan: ActivityPlan = { shards };
  if (targets.redis) {
    const suffix = `api_calls:${day}`;
    const [before, after] = splitTemplate(blueprint.redis.keyPrefix);
    plan.redis = {
      connectionId: targets.redis.id,
      db: blueprint.redis.businessDb,
      pattern: fillTemplate(blueprint.redis.keyPrefix, '*') + suffix,
      tenantOf: (key) => {
        if (!key.startsWith(before) || !key.endsWith(after + suffix)) return '';
        return key.slice(before.length, key.length - after.length - suffix.length);
      },
    };
  }
  return plan;
}

/** Text before the first {tenant} and after the last (the prefix has no glob characters). */
function splitTemplate(t: string): [string, string] {
  const first = t.indexOf('{tenant}');
  const last = t.lastIndexOf('{tenant}');
  return [t.slice(0, first), t.slice(last + '{tenant}'.length)];
}

/**
 * Rows per tenant in one partition of one table: every tenant (set-based, one GROUP BY), unless
 * there are more than `limit`; then the busiest `limit` and `complete: false`.
 */
export async function countPartition(
  store: MysqlStore,
  database: string,
  table: string,
  partition: string,
  call: CallOptions,
  limit = MAX_TENANTS_PER_TABLE,
): Promise<{ counts: Map<string, number>; complete: boolean }> {
  const sql =
    `SELECT tenant_id AS t, COUNT(*) AS n FROM ${mysql.escapeId(database)}.${mysql.escapeId(table)}` +
    ` PARTITION (${mysql.escapeId(partition)}) GROUP BY tenant_id ORDER BY n DESC LIMIT ?`;
  const rows = await store.query<RowDataPacket[]>(sql, [limit + 1], call);
  const counts = new Map<string, number>();
  for (const r of rows.slice(0, limit)) {
    const id = String(r.t);
    if (TENANT_ID.test(id)) counts.set(id, Number(r.n));
  }
  return { counts, complete: rows.length <= limit };
}

/** Today's API calls per tenant: SCAN for the counters (bounded), then GET them. */
export async function readApiCalls(
  store: RedisStore,
  db: number,
  pattern: string,
  tenantOf: (key: string) => string,
  call: CallOptions,
): Promise<{ calls: Map<string, number>; keys: number; truncated: boolean }> {
  const keys = new Set<string>();
  let cursor = '0';
  let rounds = 0;
  do {
    const [res] = await store.pipelineIn(
      db,
      [['SCAN', cursor, 'MATCH', pattern, 'COUNT', 1000]],
      call,
    );
    if (!res || res[0]) throw res?.[0] ?? new Error('SCAN returned nothing');
    const [next, batch] = res[1] as [string, string[]];
    for (const k of batch) if (keys.size < MAX_COUNTER_KEYS) keys.add(k);
    cursor = String(next);
    rounds++;
  } while (cursor !== '0' && rounds < SCAN_ROUNDS && keys.size < MAX_COUNTER_KEYS);
  const list = [...keys];
  const calls = new Map<string, number>();
  for (let i = 0; i < list.length; i += 500) {
    const chunk = list.slice(i, i + 500);
    const [res] = await store.pipelineIn(db, [['MGET', ...chunk]], call);
    if (!res || res[0]) throw res?.[0] ?? new Error('MGET returned nothing');
    const values = res[1] as Array<string | null>;
    chunk.forEach((k, j) => {
      const id = tenantOf(k);
      const n = Number(values[j]);
      if (TENANT_ID.test(id) && Number.isFinite(n) && n > 0) {
        calls.set(id, (calls.get(id) ?? 0) + Math.round(n));
      }
    });
  }
  return { calls, keys: list.length, truncated: cursor !== '0' };
}

/**
 * Sum per-table counts per tenant and rank: by rows, then API calls; the first
 * MAX_ACTIVITY_TENANTS, with how many tenants were counted in all.
 */
export function rank(
  perTable: Array<{ name: string; counts: Map<string, number> }>,
  calls: Map<string, number>,
): { ranking: TenantActivityRow[]; tenants: number } {
  const rows = new Map<string, TenantActivityRow>();
  for (const { name, counts } of perTable) {
    for (const [tenantId, n] of counts) {
      let r = rows.get(tenantId);
      if (!r) {
        r = { tenantId, rows: 0, apiCalls: calls.get(tenantId) ?? 0, byTable: {} };
        rows.set(tenantId, r);
      }
      r.rows += n;
      r.byTable[name] = n;
    }
  }
  const ranking = [...rows.values()]
    .sort(
      (a, b) => b.rows - a.rows || b.apiCalls - a.apiCalls || a.tenantId.localeCompare(b.tenantId),
    )
    .slice(0, MAX_ACTIVITY_TENANTS);
  return { ranking, tenants: rows.size };
}

export interface ActivityStores {
  mysql(connectionId: string): Promise<MysqlStore>;
  redis(connectionId: string): Promise<RedisStore>;
}

/** Read an environment's tenant activity (one shard with `connectionId`). */
export async function readTenantActivity(
  env: Environment,
  blueprint: Blueprint,
  stores: ActivityStores,
  call: CallOptions,
  now: Date,
  connectionId?: string,
): Promise<TenantActivity> {
  const partition = partitionOf(now);
  const day = dayOf(now);
  const plan = activityPlan(env, blueprint, day);
  const skipped: TenantActivity['skipped'] = [];
  const reason = (e: unknown): string => (e instanceof Error ? e.message : String(e));

  let calls = new Map<string, number>();
  let redis: TenantActivity['redis'] = null;
  if (plan.redis) {
    const r = plan.redis;
    try {
      const got = await readApiCalls(
        await stores.redis(r.connectionId),
        r.db,
        r.pattern,
        r.tenantOf,
        call,
      );
      calls = got.calls;
      redis = { connectionId: r.connectionId, db: r.db, keys: got.keys, truncated: got.truncated };
    } catch (e) {
      skipped.push({ what: `redis ${r.connectionId} db ${r.db}`, reason: reason(e) });
    }
  } else {
    skipped.push({ what: 'redis', reason: 'no Redis connection: API calls are not counted' });
  }

  const shards: TenantActivity['shards'] = [];
  for (const [id, tables] of plan.shards) {
    if (connectionId !== undefined && id !== connectionId) continue;
    const perTable: Array<{ name: string; counts: Map<string, number> }> = [];
    let partial = false;
    let store: MysqlStore | undefined;
    try {
      store = await stores.mysql(id);
    } catch (e) {
      skipped.push({ what: `mysql ${id}`, reason: reason(e) });
    }
    if (store) {
      for (const t of tables) {
        const name = `${t.database}.${t.table}`;
        try {
          const got = await countPartition(store, t.database, t.table, partition, call);
          perTable.push({ name, counts: got.counts });
          if (!got.complete) partial = true;
        } catch (e) {
          skipped.push({ what: `${id}: ${name} ${partition}`, reason: reason(e) });
        }
      }
    }
    shards.push({
      connectionId: id,
      tables: tables.map((t) => `${t.database}.${t.table}`),
      ...rank(perTable, calls),
      partial,
    });
  }
  return { envId: env.id, at: now.getTime(), partition, day, shards, redis, skipped };
}

/**
 * One tenant-activity read per environment at a time, kept for `ttlMs` (the slow cadence). A read
 * in flight is joined, even on refresh; a failed read is not kept.
 */
export class ActivityCache {
  private readonly entries = new Map<
    string,
    { at: number; busy: boolean; read: Promise<TenantActivity> }
  >();

  get(
    envId: string,
    ttlMs: number,
    refresh: boolean,
    read: () => Promise<TenantActivity>,
  ): Promise<TenantActivity> {
    let entry = this.entries.get(envId);
    if (!entry || (!entry.busy && (refresh || Date.now() - entry.at > ttlMs))) {
      const e = { at: Date.now(), busy: true, read: read() };
      e.read.then(
        () => (e.busy = false),
        () => this.entries.get(envId) === e && this.entries.delete(envId),
      );
      this.entries.set(envId, (entry = e));
    }
    return entry.read;
  }

  forget(envId: string): void {
    this.entries.delete(envId);
  }
}
