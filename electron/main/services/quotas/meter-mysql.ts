import type { PoolConnection, RowDataPacket } from 'mysql2/promise';
import type { TableSpec } from '../../../../shared/blueprint';
import type { TenantSummary } from '../../../../shared/tenants';
import type { MysqlStore } from '../../stores/mysql.store';
import { qualified } from '../tenants/ddl';
import type { Targets } from '../tenants/placement';
import { estimateFromRuns, runStarts, unseenError, type SampledRow } from './sample';
import { cost, estimate, exact, messageOf, put, UNKNOWN, type MeterResult } from './tally';

type Row = RowDataPacket & Record<string, unknown>;

/** The blueprint tables the plan's users and services limits count, and the seeds' usage table. */
export const USERS_TABLE = 'saas_unified_users';
export const SERVICES_TABLE = 'services';
export const USAGE_TABLE = 'saas_unified_usage_stats';
/** Rows Keel writes to usage_stats have ids starting with this (never the platform's UUIDs). */
export const KEEL_ROW_PREFIX = 'keel-';

export interface MysqlMeterSettings {
  /** Primary-key runs read per shared table on the primary. */
  sampleRuns: number;
  /** Rows per run. */
  sampleRows: number;
  /** A table with at most this many rows (statistics) is counted exactly: cheaper than sampling. */
  exactBelowRows: number;
}

export const DEFAULT_MYSQL_METER: MysqlMeterSettings = {
  sampleRuns: 64,
  sampleRows: 16,
  exactBelowRows: 2_000,
};

interface SharedTable {
  database: string;
  spec: TableSpec;
}

/** What one MySQL server holds of the tenants: the shared tables and the dedicated schemas. */
export interface MysqlShard {
  connectionId: string;
  store: MysqlStore;
  replica: boolean;
  shared: SharedTable[];
  sharedTenants: string[];
  dedicated: Array<{ tenantId: string; database: string }>;
}

/** Group the tenants and the blueprint's shared tables by the MySQL connection holding them. */
export function mysqlShards(
  t: Targets,
  tenants: TenantSummary[],
  store: (connectionId: string) => MysqlStore,
): MysqlShard[] {
  const byId = new Map<string, MysqlShard>();
  const shard = (connectionId: string): MysqlShard => {
    let s = byId.get(connectionId);
    if (!s) {
      const conn = t.env.connections.find((c) => c.id === connectionId);
      s = {
        connectionId,
        store: store(connectionId),
        replica: Boolean(conn?.replica),
        shared: [],
        sharedTenants: [],
        dedicated: [],
      };
      byId.set(connectionId, s);
    }
    return s;
  };
  const sharedIds = tenants.filter((x) => !x.placement.database).map((x) => x.id);
  for (const db of t.blueprint.mysql.databases) {
    const conn = t.business.get(db.name) ?? t.catalog;
    const s = shard(conn.id);
    for (const spec of db.tables) s.shared.push({ database: db.name, spec });
  }
  for (const s of byId.values()) if (s.shared.length) s.sharedTenants = sharedIds;
  for (const x of tenants) {
    if (x.placement.database) {
      shard(x.placement.connectionId).dedicated.push({
        tenantId: x.id,
        database: x.placement.database,
      });
    }
  }
  return [...byId.values()];
}

/** Table sizes of a server: bytes and row statistics by database and table (partitions summed). */
type Sizes = Map<string, { bytes: number; rows: number }>;
const sizeKey = (db: string, table: string): string => `${db}\u0000${table}`;

async function readSizes(
  conn: PoolConnection,
  databases: string[],
): Promise<{ sizes: Sizes; method: string; queries: number }> {
  const sizes: Sizes = new Map();
  const addSize = (db: string, table: string, bytes: number, rows: number): void => {
    const k = sizeKey(db, table);
    const cur = sizes.get(k) ?? { bytes: 0, rows: 0 };
    sizes.set(k, { bytes: cur.bytes + bytes, rows: cur.rows + rows });
  };
  try {
    const [rows] = await conn.query<Row[]>(
      `SELECT s.database_name AS db, s.table_name AS tb, s.n_rows AS n,
              (s.clustered_index_size + s.sum_of_other_index_sizes) * @@innodb_page_size AS bytes
         FROM mysql.innodb_table_stats s WHERE s.database_name IN (?)`,
      [databases],
    );
    // A partition's row is named table#P#partition (MariaDB; #p# in MySQL 8): summed into its table.
    for (const r of rows)
      addSize(String(r.db), String(r.tb).split(/#p#/i)[0] ?? '', Number(r.bytes), Number(r.n));
    return { sizes, method: 'mysql.innodb_table_stats', queries: 1 };
  } catch (e) {
    const code = (e as { code?: string }).code ?? '';
    if (!/ACCESS_DENIED|NO_SUCH_TABLE|TABLEACCESS/.test(code)) throw e;
    const [rows] = await conn.query<Row[]>(
      `SELECT TABLE_SCHEMA AS db, TABLE_NAME AS tb, TABLE_ROWS AS n, DATA_LENGTH + INDEX_LENGTH AS bytes
         FROM information_schema.TABLES WHERE TABLE_SCHEMA IN (?)`,
      [databases],
    );
    for (const r of rows) addSize(String(r.db), String(r.tb), Number(r.bytes), Number(r.n));
    return { sizes, method: 'information_schema (innodb_table_stats not readable)', queries: 1 };
  }
}

const col = (c: string): string => `\`${c.replaceAll('`', '``')}\``;
const hasUuidKey = (t: SharedTable): boolean =>
  /PRIMARY KEY\s*\(\s*`?id`?\s*[,)]/i.test(t.spec.columns);

/**
 * Meter one MySQL server in a constant number of statements, whatever the tenant count:
 * sizes from InnoDB's persistent statistics; shared-table rows per tenant exactly on the read
 * replica (GROUP BY tenant_id) or by primary-key sampling on the primary (sample.ts); users,
 * services and month-to-date usage_stats by GROUP BY (replica when there is one); the dedicated
 * schemas' users, services and usage in one UNION ALL.
 */
export async function meterMysql(
  s: MysqlShard,
  monthStart: string,
  settings: MysqlMeterSettings,
  signal: AbortSignal,
): Promise<MeterResult> {
  const t0 = performance.now();
  const tallies: MeterResult['tallies'] = new Map();
  let queries = 0;
  const methods: string[] = [];
  const opts = { signal, timeoutMs: 120_000 };
  try {
    const databases = [
      ...new Set([...s.shared.map((x) => x.database), ...s.dedicated.map((d) => d.database)]),
    ];
    const {
      sizes,
      method,
      queries: q,
    } = await s.store.withConnection((c) => readSizes(c, databases), opts);
    queries += q;
    methods.push(`sizes: ${method}`);
    const present = s.shared.filter((x) => sizes.has(sizeKey(x.database, x.spec.name)));
    const countOn = s.replica ? ('replica' as const) : ('primary' as const);

    // Shared tables: which are counted exactly, which sampled.
    const exactTables = present.filter(
      (x) =>
        s.replica ||
        (sizes.get(sizeKey(x.database, x.spec.name))?.rows ?? 0) <= settings.exactBelowRows,
    );
    const sampled = present.filter((x) => !exactTables.includes(x));
    const parts: string[] = [];
    const params: unknown[] = [];
    exactTables.forEach((x) => {
      parts.push(
        `SELECT ? AS k, ${col(x.spec.tenantColumn)} AS t, COUNT(*) AS n, NULL AS id, 0 AS r FROM ${qualified(x.database, x.spec.name)} GROUP BY ${col(x.spec.tenantColumn)}`,
      );
      params.push(sizeKey(x.database, x.spec.name));
    });
    const starts = runStarts(settings.sampleRuns);
    const sampleable = sampled.filter(hasUuidKey);
    for (const x of sampled.filter((y) => !hasUuidKey(y))) {
      methods.push(`${x.database}.${x.spec.name}: no UUID primary key to sample by (unknown)`);
      for (const id of s.sharedTenants) put(tallies, id, 'mysqlBytes', UNKNOWN);
    }
    sampleable.forEach((x) => {
      starts.forEach((start, run) => {
        parts.push(
          `(SELECT ? AS k, ${col(x.spec.tenantColumn)} AS t, 1 AS n, id, ? AS r FROM ${qualified(x.database, x.spec.name)} WHERE id >= ? ORDER BY id LIMIT ${settings.sampleRows})`,
        );
        params.push(sizeKey(x.database, x.spec.name), run, start);
      });
    });
    const counted = new Map<string, Row[]>();
    if (parts.length) {
      const rows = await s.store.withConnection(
        async (c) => (await c.query<Row[]>(parts.join(' UNION ALL '), params))[0],
        { ...opts, endpoint: countOn },
      );
      queries++;
      for (const r of rows) {
        const k = String(r.k);
        const list = counted.get(k) ?? [];
        list.push(r);
        counted.set(k, list);
      }
    }
    for (const x of exactTables) {
      const k = sizeKey(x.database, x.spec.name);
      const size = sizes.get(k);
      const rows = counted.get(k) ?? [];
      const total = rows.reduce((a, r) => a + Number(r.n), 0);
      for (const r of rows) {
        const n = Number(r.n);
        const bytes = total > 0 ? ((size?.bytes ?? 0) * n) / total : 0;
        put(tallies, String(r.t), 'mysqlBytes', exact(bytes));
        put(tallies, String(r.t), 'mysqlRows', exact(n));
      }
    }
    if (exactTables.length) {
      methods.push(
        `${exactTables.length} shared tables: exact GROUP BY tenant on the ${countOn}${s.replica ? '' : ' (small tables)'}`,
      );
    }
    for (const x of sampleable) {
      const k = sizeKey(x.database, x.spec.name);
      const bytes = sizes.get(k)?.bytes ?? 0;
      const got: SampledRow[] = (counted.get(k) ?? []).map((r) => ({
        run: Number(r.r),
        id: String(r.id),
        tenant: String(r.t),
      }));
      const est = estimateFromRuns(starts, settings.sampleRows, got);
      if (!est) {
        methods.push(`${x.database}.${x.spec.name}: ids are not UUIDs, cannot sample (unknown)`);
        for (const id of s.sharedTenants) put(tallies, id, 'mysqlBytes', UNKNOWN);
        continue;
      }
      const perRow = est.total.rows > 0 ? bytes / est.total.rows : 0;
      for (const id of s.sharedTenants) {
        const e = est.byTenant.get(id) ?? { rows: 0, error: unseenError(est.covered) };
        put(tallies, id, 'mysqlRows', estimate(e.rows, e.error));
        put(tallies, id, 'mysqlBytes', estimate(e.rows * perRow, e.error * perRow));
      }
    }
    if (sampleable.length) {
      methods.push(
        `${sampleable.length} shared tables: ${settings.sampleRuns}×${settings.sampleRows}-row primary-key sample on the primary`,
      );
    }

    // Users, services and this month's usage_stats of the shared tenants.
    const counts = present.filter((x) => [USERS_TABLE, SERVICES_TABLE].includes(x.spec.name));
    const usage = present.find((x) => x.spec.name === USAGE_TABLE);
    const cparts = counts.map(
      (x) =>
        `SELECT ${x.spec.name === USERS_TABLE ? "'users'" : "'services'"} AS k, ${col(x.spec.tenantColumn)} AS t, COUNT(*) AS n FROM ${qualified(x.database, x.spec.name)} GROUP BY ${col(x.spec.tenantColumn)}`,
    );
    const cparams: unknown[] = [];
    if (usage) {
      for (const [k, field] of [
        ['calls', 'api_calls'],
        ['tokens', 'tokens_used'],
      ] as const) {
        cparts.push(
          `SELECT '${k}' AS k, ${col(usage.spec.tenantColumn)} AS t, COALESCE(SUM(${field}), 0) AS n FROM ${qualified(usage.database, USAGE_TABLE)} WHERE stat_date >= ? AND id NOT LIKE '${KEEL_ROW_PREFIX}%' GROUP BY ${col(usage.spec.tenantColumn)}`,
        );
        cparams.push(monthStart);
      }
    }
    if (cparts.length && s.sharedTenants.length) {
      const rows = await s.store.withConnection(
        async (c) => (await c.query<Row[]>(cparts.join(' UNION ALL '), cparams))[0],
        { ...opts, endpoint: countOn },
      );
      queries++;
      const shared = new Set(s.sharedTenants);
      for (const r of rows) {
        const id = String(r.t);
        if (!shared.has(id)) continue;
        const k = String(r.k);
        put(
          tallies,
          id,
          k === 'calls'
            ? 'platformApiCalls'
            : k === 'tokens'
              ? 'aiTokens'
              : (k as 'users' | 'services'),
          exact(Number(r.n)),
        );
      }
      for (const id of s.sharedTenants) {
        for (const f of ['users', 'services', 'aiTokens', 'platformApiCalls'] as const) {
          if (!tallies.get(id)?.[f]) put(tallies, id, f, exact(0));
        }
      }
    }

    // Dedicated schemas: storage from the statistics, counts in one UNION ALL.
    const dparts: string[] = [];
    const dparams: unknown[] = [];
    for (const d of s.dedicated) {
      let bytes = 0;
      for (const [k, v] of sizes) if (k.startsWith(`${d.database}\u0000`)) bytes += v.bytes;
      // Statistics pages: exact at the last statistics update (InnoDB recalculates after 10 % change).
      put(tallies, d.tenantId, 'mysqlBytes', estimate(bytes, bytes * 0.1));
      const has = (table: string): boolean => sizes.has(sizeKey(d.database, table));
      const q = (table: string, expr: string, where = ''): string =>
        has(table) ? `(SELECT ${expr} FROM ${qualified(d.database, table)}${where})` : '0';
      dparts.push(
        `SELECT ? AS t, ${q(USERS_TABLE, 'COUNT(*)')} AS users, ${q(SERVICES_TABLE, 'COUNT(*)')} AS services, ${q(USAGE_TABLE, 'COALESCE(SUM(api_calls), 0)', ` WHERE stat_date >= ? AND id NOT LIKE '${KEEL_ROW_PREFIX}%'`)} AS calls, ${q(USAGE_TABLE, 'COALESCE(SUM(tokens_used), 0)', ` WHERE stat_date >= ? AND id NOT LIKE '${KEEL_ROW_PREFIX}%'`)} AS tokens`,
      );
      dparams.push(d.tenantId, ...(has(USAGE_TABLE) ? [monthStart, monthStart] : []));
    }
    if (dparts.length) {
      const rows = await s.store.withConnection(
        async (c) => (await c.query<Row[]>(dparts.join(' UNION ALL '), dparams))[0],
        { ...opts, endpoint: countOn },
      );
      queries++;
      for (const r of rows) {
        const id = String(r.t);
        put(tallies, id, 'users', exact(Number(r.users)));
        put(tallies, id, 'services', exact(Number(r.services)));
        put(tallies, id, 'platformApiCalls', exact(Number(r.calls)));
        put(tallies, id, 'aiTokens', exact(Number(r.tokens)));
      }
      methods.push(`${s.dedicated.length} dedicated schemas: one UNION ALL on the ${countOn}`);
    }
    return { tallies, costs: [cost('mysql', s.connectionId, queries, t0, methods.join('; '))] };
  } catch (e) {
    signal.throwIfAborted();
    const ids = [...s.sharedTenants, ...s.dedicated.map((d) => d.tenantId)];
    for (const id of ids) {
      for (const f of ['mysqlBytes', 'users', 'services', 'aiTokens'] as const) {
        put(tallies, id, f, UNKNOWN);
      }
    }
    return {
      tallies,
      costs: [cost('mysql', s.connectionId, queries, t0, methods.join('; '), messageOf(e))],
    };
  }
}
