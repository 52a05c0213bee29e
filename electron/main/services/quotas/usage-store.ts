import { createHash } from 'node:crypto';
import type { RowDataPacket } from 'mysql2/promise';
import type { Dimension, Override, PassInfo, TenantUsage } from '../../../../shared/quotas';
import type { MysqlStore } from '../../stores/mysql.store';
import { table } from '../shared/keel-schema';
import { sqlTime } from '../tenants/catalog';
import { qualified } from '../tenants/ddl';
import { KEEL_ROW_PREFIX, USAGE_TABLE } from './meter-mysql';

type Row = RowDataPacket & Record<string, unknown>;
const iso = (v: unknown): string => new Date(`${String(v).replace(' ', 'T')}Z`).toISOString();
const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));
const BATCH = 1000;

/**
 * Quota tables, created if missing (each statement is idempotent; kept out of the versioned
 * keel-schema and catalog migrations so this domain adds tables without renumbering theirs):
 * - keel.keel_usage_latest / keel_usage_pass: the last pass, for the Quotas page;
 * - keel.keel_quota_flags: the enforcement flags Keel set (Redis holds them for the platform);
 * - <catalog>.tenant_quota_overrides: per-tenant limits over the plan's (the catalog's data).
 */
export function quotaTablesSql(catalogDb: string): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${table('keel_usage_latest')} (
      env_id VARCHAR(63) NOT NULL, tenant_id VARCHAR(64) NOT NULL, at DATETIME(3) NOT NULL,
      usage_json JSON NOT NULL, PRIMARY KEY (env_id, tenant_id)) ENGINE=InnoDB`,
    `CREATE TABLE IF NOT EXISTS ${table('keel_usage_pass')} (
      env_id VARCHAR(63) NOT NULL PRIMARY KEY, at DATETIME(3) NOT NULL, info JSON NOT NULL) ENGINE=InnoDB`,
    `CREATE TABLE IF NOT EXISTS ${table('keel_quota_flags')} (
      env_id VARCHAR(63) NOT NULL, tenant_id VARCHAR(64) NOT NULL, dimension VARCHAR(24) NOT NULL,
      redis_key VARCHAR(200) NOT NULL, usage_value DOUBLE NOT NULL, limit_value BIGINT NOT NULL,
      since DATETIME(3) NOT NULL, PRIMARY KEY (env_id, tenant_id, dimension)) ENGINE=InnoDB`,
    `CREATE TABLE IF NOT EXISTS ${qualified(catalogDb, 'tenant_quota_overrides')} (
      tenant_id VARCHAR(36) NOT NULL, dimension VARCHAR(24) NOT NULL, limit_value BIGINT NULL,
      reason VARCHAR(500) NOT NULL, actor VARCHAR(160) NOT NULL, at DATETIME(3) NOT NULL,
      PRIMARY KEY (tenant_id, dimension)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
  ];
}

export interface StoredFlag {
  tenantId: string;
  dimension: Dimension;
  key: string;
  usage: number;
  limit: number;
  since: string;
}

/** Reads and writes of the quota tables in the core database. */
export class UsageStore {
  constructor(
    readonly core: MysqlStore,
    private readonly catalogDb: string,
    private readonly envId: string,
  ) {}

  async ensure(): Promise<void> {
    for (const sql of quotaTablesSql(this.catalogDb)) await this.core.query(sql);
  }

  async saveLatest(at: Date, usage: TenantUsage[], info: PassInfo): Promise<void> {
    const t = sqlTime(at);
    for (let i = 0; i < usage.length; i += BATCH) {
      await this.core.query(
        `INSERT INTO ${table('keel_usage_latest')} (env_id, tenant_id, at, usage_json) VALUES ? ON DUPLICATE KEY UPDATE at = VALUES(at), usage_json = VALUES(usage_json)`,
        [usage.slice(i, i + BATCH).map((u) => [this.envId, u.tenantId, t, JSON.stringify(u)])],
        { timeoutMs: 60_000 },
      );
    }
    await this.core.query(
      `INSERT INTO ${table('keel_usage_pass')} (env_id, at, info) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE at = VALUES(at), info = VALUES(info)`,
      [this.envId, t, JSON.stringify(info)],
    );
  }

  async latest(tenantId?: string): Promise<Map<string, { at: string; usage: TenantUsage }>> {
    const rows = await this.core.query<Row[]>(
      `SELECT tenant_id, at, usage_json FROM ${table('keel_usage_latest')} WHERE env_id = ?${tenantId ? ' AND tenant_id = ?' : ''}`,
      tenantId ? [this.envId, tenantId] : [this.envId],
      { timeoutMs: 60_000 },
    );
    return new Map(
      rows.map((r) => [
        String(r.tenant_id),
        { at: iso(r.at), usage: json<TenantUsage>(r.usage_json) },
      ]),
    );
  }

  async pass(): Promise<PassInfo | null> {
    const rows = await this.core.query<Row[]>(
      `SELECT info FROM ${table('keel_usage_pass')} WHERE env_id = ?`,
      [this.envId],
    );
    return rows[0] ? json<PassInfo>(rows[0].info) : null;
  }

  async flags(tenantId?: string): Promise<StoredFlag[]> {
    const rows = await this.core.query<Row[]>(
      `SELECT * FROM ${table('keel_quota_flags')} WHERE env_id = ?${tenantId ? ' AND tenant_id = ?' : ''}`,
      tenantId ? [this.envId, tenantId] : [this.envId],
    );
    return rows.map((r) => ({
      tenantId: String(r.tenant_id),
      dimension: r.dimension as Dimension,
      key: String(r.redis_key),
      usage: Number(r.usage_value),
      limit: Number(r.limit_value),
      since: iso(r.since),
    }));
  }

  async putFlag(f: StoredFlag): Promise<void> {
    await this.core.query(
      `INSERT INTO ${table('keel_quota_flags')} (env_id, tenant_id, dimension, redis_key, usage_value, limit_value, since) VALUES (?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE usage_value = VALUES(usage_value), limit_value = VALUES(limit_value)`,
      [this.envId, f.tenantId, f.dimension, f.key, f.usage, f.limit, sqlTime(new Date(f.since))],
    );
  }

  async dropFlag(tenantId: string, dimension: Dimension): Promise<void> {
    await this.core.query(
      `DELETE FROM ${table('keel_quota_flags')} WHERE env_id = ? AND tenant_id = ? AND dimension = ?`,
      [this.envId, tenantId, dimension],
    );
  }

  async overrides(tenantId?: string): Promise<Map<string, Override[]>> {
    const rows = await this.core.query<Row[]>(
      `SELECT * FROM ${qualified(this.catalogDb, 'tenant_quota_overrides')}${tenantId ? ' WHERE tenant_id = ?' : ''}`,
      tenantId ? [tenantId] : [],
    );
    const out = new Map<string, Override[]>();
    for (const r of rows) {
      const id = String(r.tenant_id);
      const list = out.get(id) ?? [];
      list.push({
        dimension: r.dimension as Dimension,
        limit: r.limit_value === null ? null : Number(r.limit_value),
        reason: String(r.reason),
        actor: String(r.actor),
        at: iso(r.at),
      });
      out.set(id, list);
    }
    return out;
  }

  async setOverride(tenantId: string, o: Omit<Override, 'at'>): Promise<void> {
    await this.core.query(
      `INSERT INTO ${qualified(this.catalogDb, 'tenant_quota_overrides')} (tenant_id, dimension, limit_value, reason, actor, at) VALUES (?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE limit_value = VALUES(limit_value), reason = VALUES(reason), actor = VALUES(actor), at = VALUES(at)`,
      [tenantId, o.dimension, o.limit, o.reason, o.actor.slice(0, 160), sqlTime()],
    );
  }

  async clearOverride(tenantId: string, dimension: Dimension): Promise<void> {
    await this.core.query(
      `DELETE FROM ${qualified(this.catalogDb, 'tenant_quota_overrides')} WHERE tenant_id = ? AND dimension = ?`,
      [tenantId, dimension],
    );
  }
}

/** The id of Keel's daily usage_stats row of a tenant: stable, so a second pass updates it. */
export const dailyRowId = (envId: string, tenantId: string, day: string): string =>
  KEEL_ROW_PREFIX +
  createHash('sha256').update(`${envId}|${tenantId}|${day}`).digest('hex').slice(0, 31);

/**
 * Keel's daily row per tenant in the seeds' usage_stats table: the day's API calls (counters)
 * and the storage measured, user_id NULL. Tokens stay 0 here: the platform's own rows carry
 * them, and the metering sums those (rows with Keel's id prefix are left out of every sum).
 */
export async function writeDailyRows(
  store: MysqlStore,
  database: string,
  envId: string,
  day: string,
  rows: Array<{ tenantId: string; apiCalls: number; storageMb: number }>,
): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) {
    await store.query(
      `INSERT INTO ${qualified(database, USAGE_TABLE)} (id, tenant_id, user_id, stat_date, api_calls, tokens_used, storage_used_mb) VALUES ? ON DUPLICATE KEY UPDATE api_calls = VALUES(api_calls), storage_used_mb = VALUES(storage_used_mb)`,
      [
        rows
          .slice(i, i + BATCH)
          .map((r) => [
            dailyRowId(envId, r.tenantId, day),
            r.tenantId,
            null,
            day,
            Math.round(r.apiCalls),
            0,
            Math.round(r.storageMb),
          ]),
      ],
      { timeoutMs: 60_000 },
    );
  }
}
