import mysql, { type RowDataPacket } from 'mysql2/promise';
import type { Blueprint } from '../../../../shared/blueprint';
import { KeelError } from '../../../../shared/errors';
import type {
  Placement,
  Quotas,
  StatusChange,
  TenantSpec,
  TenantStatus,
  TenantSummary,
} from '../../../../shared/tenants';
import { Coalescer } from '../../lib/coalescer';
import type { MysqlStore } from '../../stores/mysql.store';
import { qualified } from './ddl';

/**
 * The tenant catalog in the core database named by the blueprint (seed 002's `tenants` table,
 * extended): tenants, plans, status history, and the tables of the provisioning journal
 * (journal.ts) that makes provisioning idempotent and undoable. Migrations are versioned and additive; a destructive
 * one would need a backup step first (none exists yet, so none is allowed).
 */
interface Migration {
  version: number;
  name: string;
  statements: (t: (name: string) => string) => string[];
}

const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'tenants, plans, status history, provisioning journal',
    statements: (t) => [
      `CREATE TABLE IF NOT EXISTS ${t('tenants')} (
        id VARCHAR(36) NOT NULL PRIMARY KEY,
        name VARCHAR(100) NOT NULL,
        subdomain VARCHAR(50) NULL,
        plan VARCHAR(20) NOT NULL,
        status VARCHAR(20) NOT NULL,
        tier VARCHAR(24) NOT NULL,
        placement JSON NOT NULL,
        quota_api_calls INT NULL,
        quota_storage_mb INT NULL,
        quota_users INT NULL,
        quota_services INT NULL,
        status_reason VARCHAR(500) NULL,
        purge_after DATETIME(3) NULL,
        created_at DATETIME(3) NOT NULL,
        updated_at DATETIME(3) NOT NULL,
        UNIQUE KEY uk_subdomain (subdomain),
        KEY idx_plan (plan),
        KEY idx_status (status),
        KEY idx_tier (tier)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
      `CREATE TABLE IF NOT EXISTS ${t('plans')} (
        id VARCHAR(20) NOT NULL PRIMARY KEY,
        price DECIMAL(12,2) NULL,
        api_calls INT NULL,
        storage_mb INT NULL,
        users INT NULL,
        services INT NULL,
        updated_at DATETIME(3) NOT NULL
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
      `CREATE TABLE IF NOT EXISTS ${t('tenant_status_history')} (
        id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
        tenant_id VARCHAR(36) NOT NULL,
        at DATETIME(3) NOT NULL,
        from_status VARCHAR(20) NULL,
        to_status VARCHAR(20) NOT NULL,
        reason VARCHAR(500) NULL,
        actor VARCHAR(160) NOT NULL,
        KEY idx_tenant_at (tenant_id, at)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
      `CREATE TABLE IF NOT EXISTS ${t('tenant_provisioning')} (
        tenant_id VARCHAR(36) NOT NULL PRIMARY KEY,
        spec JSON NOT NULL,
        state VARCHAR(16) NOT NULL,
        job_id VARCHAR(128) NULL,
        error TEXT NULL,
        started_at DATETIME(3) NOT NULL,
        updated_at DATETIME(3) NOT NULL
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
      `CREATE TABLE IF NOT EXISTS ${t('tenant_provision_step')} (
        tenant_id VARCHAR(36) NOT NULL,
        step_key VARCHAR(200) NOT NULL,
        seq INT NOT NULL,
        state VARCHAR(16) NOT NULL,
        undo_action JSON NOT NULL,
        at DATETIME(3) NOT NULL,
        PRIMARY KEY (tenant_id, step_key)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
    ],
  },
];
const LATEST = MIGRATIONS.at(-1)?.version ?? 0;

/** What a step needs to be undone: enough to act without the blueprint that created it. */
export type UndoAction =
  | { store: 'mysql'; connectionId: string; dropDatabase: string }
  | { store: 'mongodb'; connectionId: string; database: string; dropCollection: string }
  | { store: 'redis'; connectionId: string; deleteAclUser: string }
  /** `db: 'all'`: every logical database (a tenant may SELECT any of them). */
  | { store: 'redis'; connectionId: string; db: number | 'all'; deleteKeysWithPrefix: string }
  | { store: 'influxdb'; connectionId: string; dropDatabase: string }
  | { store: 'catalog'; deleteTenant: string };

export interface JournalEntry {
  key: string;
  seq: number;
  /** `creating`: the step started and may or may not have created its object. */
  state: 'creating' | 'created';
  undo: UndoAction;
}

/** Refuse a status change from a state it does not start from. */
export function requireStatus(t: TenantSummary, from: readonly TenantStatus[]): void {
  if (!from.includes(t.status)) {
    throw new KeelError(
      'PRECONDITION_FAILED',
      `tenant ${t.id} is ${t.status.replace('_', ' ')}; this needs it to be ${from.join(' or ').replaceAll('_', ' ')}`,
    );
  }
}

export type Row = RowDataPacket & Record<string, unknown>;

export const iso = (v: unknown): string =>
  new Date(`${String(v).replace(' ', 'T')}Z`).toISOString();
const isoOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : iso(v));
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
export const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

function toSummary(r: Row): TenantSummary {
  return {
    id: String(r.id),
    name: String(r.name),
    plan: String(r.plan),
    tier: r.tier as TenantSummary['tier'],
    status: r.status as TenantStatus,
    subdomain: (r.subdomain as string | null) ?? null,
    placement: json<Placement>(r.placement),
    quotas: {
      apiCalls: num(r.quota_api_calls),
      storageMb: num(r.quota_storage_mb),
      users: num(r.quota_users),
      services: num(r.quota_services),
    },
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    purgeAfter: isoOrNull(r.purge_after),
    statusReason: (r.status_reason as string | null) ?? null,
  };
}

/** MySQL DATETIME(3) text in UTC from a Date. */
export const sqlTime = (d: Date = new Date()): string =>
  d.toISOString().replace('T', ' ').replace('Z', '');

export class Catalog {
  constructor(
    readonly store: MysqlStore,
    readonly database: string,
  ) {}

  readonly t = (name: string): string => qualified(this.database, name);

  /** Create or upgrade the catalog and write the blueprint's plans. Idempotent; serialized by a lock. */
  async migrate(blueprint: Blueprint): Promise<void> {
    const lock = `keel:catalog:${this.database}`;
    await this.store.withConnection(
      async (conn) => {
        const [[got]] = await conn.query<Row[]>('SELECT GET_LOCK(?, 30) AS got', [lock]);
        if (Number(got?.got) !== 1) {
          throw new KeelError('TIMEOUT', 'another Keel is migrating the catalog; try again');
        }
        try {
          await conn.query(
            `CREATE DATABASE IF NOT EXISTS ${mysql.escapeId(this.database)} DEFAULT CHARACTER SET utf8mb4`,
          );
          await conn.query(
            `CREATE TABLE IF NOT EXISTS ${this.t('keel_catalog_version')} (version INT NOT NULL PRIMARY KEY, name VARCHAR(200) NOT NULL, blueprint VARCHAR(120) NOT NULL, applied_at DATETIME(3) NOT NULL) ENGINE=InnoDB`,
          );
          const [[cur]] = await conn.query<Row[]>(
            `SELECT COALESCE(MAX(version), 0) AS v FROM ${this.t('keel_catalog_version')}`,
          );
          const current = Number(cur?.v ?? 0);
          if (current > LATEST) {
            throw new KeelError(
              'PRECONDITION_FAILED',
              `the catalog is at version ${current}, newer than this Keel knows (${LATEST}): upgrade Keel`,
            );
          }
          for (const m of MIGRATIONS.filter((x) => x.version > current)) {
            for (const sql of m.statements(this.t)) await conn.query(sql);
            await conn.query(
              `INSERT INTO ${this.t('keel_catalog_version')} (version, name, blueprint, applied_at) VALUES (?, ?, ?, NOW(3))`,
              [m.version, m.name, `${blueprint.name} v${blueprint.version}`],
            );
          }
          const plans = Object.entries(blueprint.plans);
          await conn.query(
            `INSERT INTO ${this.t('plans')} (id, price, api_calls, storage_mb, users, services, updated_at) VALUES ? ON DUPLICATE KEY UPDATE price = VALUES(price), api_calls = VALUES(api_calls), storage_mb = VALUES(storage_mb), users = VALUES(users), services = VALUES(services), updated_at = VALUES(updated_at)`,
            [
              plans.map(([id, p]) => [
                id,
                p.price,
                p.apiCalls,
                p.storageMb,
                p.users,
                p.services,
                sqlTime(),
              ]),
            ],
          );
        } finally {
          await conn.query('SELECT RELEASE_LOCK(?)', [lock]);
        }
      },
      { timeoutMs: 60_000 },
    );
  }

  /** Whether the catalog tables exist (the blueprint has been applied). */
  async exists(): Promise<boolean> {
    const rows = await this.store.query<Row[]>(
      'SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
      [this.database, 'tenant_provision_step'],
    );
    return rows.length > 0;
  }

  async list(): Promise<TenantSummary[]> {
    const rows = await this.store.query<Row[]>(
      `SELECT * FROM ${this.t('tenants')} ORDER BY created_at DESC, id`,
      [],
      { timeoutMs: 60_000 },
    );
    return rows.map(toSummary);
  }

  // Look-ups made side by side (the tenants of a bulk list) are answered by one query.
  private readonly finds = new Coalescer<string, TenantSummary | undefined>(async (ids) => {
    const rows = await this.store.query<Row[]>(
      `SELECT * FROM ${this.t('tenants')} WHERE id IN (?)`,
      [[...new Set(ids)]],
    );
    const byId = new Map(rows.map((r) => [String(r.id), toSummary(r)]));
    return ids.map((id) => byId.get(id));
  });

  async find(id: string): Promise<TenantSummary | undefined> {
    return this.finds.run(id);
  }

  async get(id: string): Promise<TenantSummary> {
    const t = await this.find(id);
    if (!t) throw new KeelError('NOT_FOUND', `no tenant ${id}`);
    return t;
  }

  async subdomainOwner(subdomain: string): Promise<string | undefined> {
    const rows = await this.store.query<Row[]>(
      `SELECT id FROM ${this.t('tenants')} WHERE subdomain = ?`,
      [subdomain],
    );
    return rows[0] ? String(rows[0].id) : undefined;
  }

  async history(id: string): Promise<StatusChange[]> {
    const rows = await this.store.query<Row[]>(
      `SELECT * FROM ${this.t('tenant_status_history')} WHERE tenant_id = ? ORDER BY at DESC, id DESC LIMIT 200`,
      [id],
    );
    return rows.map((r) => ({
      at: iso(r.at),
      from: (r.from_status as TenantStatus | null) ?? null,
      to: r.to_status as TenantStatus,
      reason: (r.reason as string | null) ?? null,
      actor: String(r.actor),
    }));
  }

  /** The catalog row and its first history line, in one transaction. Returns false if it existed. */
  async insertTenant(
    spec: TenantSpec,
    placement: Placement,
    quotas: Quotas,
    actor: string,
  ): Promise<boolean> {
    return this.store.withConnection(async (conn) => {
      await conn.beginTransaction();
      try {
        const now = sqlTime();
        const [res] = await conn.query<mysql.ResultSetHeader>(
          `INSERT IGNORE INTO ${this.t('tenants')} (id, name, subdomain, plan, status, tier, placement, quota_api_calls, quota_storage_mb, quota_users, quota_services, created_at, updated_at) VALUES (?, ?, ?, ?, 'active', ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            spec.id,
            spec.name,
            spec.subdomain ?? null,
            spec.plan,
            spec.tier,
            JSON.stringify(placement),
            quotas.apiCalls,
            quotas.storageMb,
            quotas.users,
            quotas.services,
            now,
            now,
          ],
        );
        if (res.affectedRows === 1) {
          await conn.query(
            `INSERT INTO ${this.t('tenant_status_history')} (tenant_id, at, from_status, to_status, reason, actor) VALUES (?, ?, NULL, 'active', 'provisioned', ?)`,
            [spec.id, now, actor],
          );
        }
        await conn.commit();
        return res.affectedRows === 1;
      } catch (e) {
        await conn.rollback().catch(() => undefined);
        throw e;
      }
    });
  }

  async deleteTenant(id: string): Promise<void> {
    await this.store.query(`DELETE FROM ${this.t('tenant_status_history')} WHERE tenant_id = ?`, [
      id,
    ]);
    await this.store.query(`DELETE FROM ${this.t('tenants')} WHERE id = ?`, [id]);
  }

  /** Change a tenant's status if it is in one of `from`; history row in the same transaction. */
  async setStatus(
    id: string,
    from: readonly TenantStatus[],
    to: TenantStatus,
    reason: string,
    actor: string,
    purgeAfter: Date | null = null,
  ): Promise<{ before: TenantSummary; after: TenantSummary }> {
    return this.store.withConnection(async (conn) => {
      await conn.beginTransaction();
      try {
        const [rows] = await conn.query<Row[]>(
          `SELECT * FROM ${this.t('tenants')} WHERE id = ? FOR UPDATE`,
          [id],
        );
        if (!rows[0]) throw new KeelError('NOT_FOUND', `no tenant ${id}`);
        const before = toSummary(rows[0]);
        requireStatus(before, from);
        const now = sqlTime();
        await conn.query(
          `UPDATE ${this.t('tenants')} SET status = ?, status_reason = ?, purge_after = ?, updated_at = ? WHERE id = ?`,
          [to, reason, purgeAfter ? sqlTime(purgeAfter) : null, now, id],
        );
        await conn.query(
          `INSERT INTO ${this.t('tenant_status_history')} (tenant_id, at, from_status, to_status, reason, actor) VALUES (?, ?, ?, ?, ?, ?)`,
          [id, now, before.status, to, reason, actor],
        );
        const [after] = await conn.query<Row[]>(`SELECT * FROM ${this.t('tenants')} WHERE id = ?`, [
          id,
        ]);
        await conn.commit();
        return { before, after: toSummary(after[0] as Row) };
      } catch (e) {
        await conn.rollback().catch(() => undefined);
        throw e;
      }
    });
  }
}
