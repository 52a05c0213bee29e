import type { PoolConnection, RowDataPacket } from 'mysql2/promise';
import type { MetricTags } from '../../../../../shared/monitoring';
import type { MysqlStore } from '../../../stores/mysql.store';
import { num } from '../counters';
import { Points, tagValue, type CollectContext } from './types';

/** The status counters read on every sweep (one `SHOW GLOBAL STATUS`). */
const STATUS = [
  'Threads_connected',
  'Threads_running',
  'Innodb_row_lock_current_waits',
  'Questions',
  'Com_commit',
  'Com_rollback',
  'Slow_queries',
  'Aborted_connects',
  'Aborted_clients',
  'Innodb_buffer_pool_reads',
  'Innodb_buffer_pool_read_requests',
  'Created_tmp_disk_tables',
] as const;

const SYSTEM_SCHEMAS = ['mysql', 'information_schema', 'performance_schema', 'sys'];

/** Partitions reported per sweep at most (the rest are left out and the skip says so). */
export const MAX_PARTITIONS = 5000;

/** Driver codes meaning "you may not read this": the metric is skipped, the sweep goes on. */
const DENIED = new Set([
  'ER_SPECIFIC_ACCESS_DENIED_ERROR',
  'ER_TABLEACCESS_DENIED_ERROR',
  'ER_DBACCESS_DENIED_ERROR',
  'ER_ACCESS_DENIED_ERROR',
  'ER_COLUMNACCESS_DENIED_ERROR',
]);

const driverCode = (e: unknown): string | undefined => (e as { code?: string }).code;

/**
 * MySQL 8 / MariaDB: one `SHOW GLOBAL STATUS … WHERE` and one `SHOW GLOBAL VARIABLES … WHERE` per
 * sweep, replication state (`SHOW REPLICA STATUS`, else `SHOW SLAVE STATUS`) on the server and
 * on the connection's read replica; with `slow`, database sizes and rows per partition from
 * InnoDB's persistent statistics (see slowGroups). All statements of a read share one pooled
 * connection. `fast: false` reads the slow groups only (the slow read beside the sweeps).
 */
export async function collectMysql(
  store: MysqlStore,
  ctx: CollectContext,
): Promise<Points['list']> {
  const p = new Points();
  const fast = ctx.fast ?? true;
  await store.withConnection(async (conn) => {
    if (fast) {
      await status(conn, ctx, p);
      await replication(conn, ctx, p, 'primary');
    }
    if (ctx.slow) await slowGroups(conn, ctx, p);
  }, ctx.call);
  if (fast && store.connection.replica) {
    try {
      await store.withConnection((conn) => replication(conn, ctx, p, 'replica'), {
        ...ctx.call,
        endpoint: 'replica',
      });
    } catch (e) {
      ctx.skip('replication@replica', (e as Error).message);
    }
  }
  return p.list;
}

async function status(conn: PoolConnection, ctx: CollectContext, p: Points): Promise<void> {
  const [rows] = await conn.query<RowDataPacket[]>(
    'SHOW GLOBAL STATUS WHERE Variable_name IN (?)',
    [STATUS],
  );
  const t = Date.now();
  const v: Record<string, number> = {};
  for (const r of rows) v[String(r.Variable_name)] = num(r.Value);
  const [vars] = await conn.query<RowDataPacket[]>(
    "SHOW GLOBAL VARIABLES WHERE Variable_name = 'max_connections'",
  );
  const maxConnections = num(vars[0]?.Value);

  p.add('mysql.threads_connected', v.Threads_connected);
  p.add('mysql.max_connections', maxConnections);
  if (maxConnections > 0)
    p.add('mysql.connections_ratio', (v.Threads_connected ?? NaN) / maxConnections);
  p.add('mysql.threads_running', v.Threads_running);
  p.add('mysql.threads_waiting', v.Innodb_row_lock_current_waits);

  const d = ctx.counters.next('mysql.status', t, v);
  p.add('mysql.qps', d.rate('Questions'));
  p.add('mysql.tps', d.rate('Com_commit', 'Com_rollback'));
  p.add('mysql.slow_queries', d.rate('Slow_queries'));
  p.add('mysql.aborted_connects', d.rate('Aborted_connects'));
  p.add('mysql.aborted_clients', d.rate('Aborted_clients'));
  p.add('mysql.tmp_disk_tables', d.rate('Created_tmp_disk_tables'));
  const requests = d.delta('Innodb_buffer_pool_read_requests');
  const misses = d.delta('Innodb_buffer_pool_reads');
  if (requests !== undefined && misses !== undefined && requests > 0) {
    p.add('mysql.buffer_pool_hit_ratio', Math.max(0, 1 - misses / requests));
  }
}

/** `SHOW REPLICA STATUS` (MySQL 8.0.22+, MariaDB 10.5.1+), else `SHOW SLAVE STATUS`. */
async function replication(
  conn: PoolConnection,
  ctx: CollectContext,
  p: Points,
  endpoint: 'primary' | 'replica',
): Promise<void> {
  let rows: RowDataPacket[];
  try {
    [rows] = await conn.query<RowDataPacket[]>('SHOW REPLICA STATUS');
  } catch (e) {
    if (DENIED.has(driverCode(e) ?? '')) {
      ctx.skip(`replication@${endpoint}`, `${(e as Error).message} (needs REPLICATION CLIENT)`);
      return;
    }
    if (driverCode(e) !== 'ER_PARSE_ERROR') throw e;
    [rows] = await conn.query<RowDataPacket[]>('SHOW SLAVE STATUS');
  }
  for (const r of rows) {
    const tags: MetricTags = { endpoint };
    const channel = tagValue(r.Channel_Name ?? r.Connection_name);
    if (channel) tags.channel = channel;
    const io = String(r.Replica_IO_Running ?? r.Slave_IO_Running ?? '');
    const sql = String(r.Replica_SQL_Running ?? r.Slave_SQL_Running ?? '');
    const lag = r.Seconds_Behind_Source ?? r.Seconds_Behind_Master;
    p.add('mysql.replication_io_running', io === 'Yes' ? 1 : 0, tags);
    p.add('mysql.replication_sql_running', sql === 'Yes' ? 1 : 0, tags);
    // NULL while a thread is stopped: no lag sample then (the running flags above say why).
    if (lag !== null && lag !== undefined) p.add('mysql.replication_lag_sec', num(lag), tags);
    p.add('mysql.replication_delay_sec', num(r.SQL_Delay), tags);
  }
}

/**
 * Sizes and partition rows. `information_schema.TABLES` / `PARTITIONS` open every table's
 * definition: about 15 s for 2,000 tenant schemas of 10 tables on MariaDB 10.11, longer than a
 * sweep, growing with every schema. InnoDB keeps the same figures in its persistent statistics
 * (`mysql.innodb_table_stats`: the pages behind DATA_LENGTH / INDEX_LENGTH and the row estimate
 * behind TABLE_ROWS, one row per table or partition), and reading that table costs tens of
 * milliseconds at the same size. information_schema is the fallback where the statistics table
 * may not be read or statistics are not persistent; non-InnoDB tables are not counted.
 */
async function slowGroups(conn: PoolConnection, ctx: CollectContext, p: Points): Promise<void> {
  const [vars] = await conn.query<RowDataPacket[]>(
    'SELECT @@innodb_page_size AS page, @@innodb_stats_persistent AS persistent',
  );
  const page = num(vars[0]?.page);
  const persistent = num(vars[0]?.persistent) === 1;
  let fallback: string | undefined = persistent ? undefined : 'innodb_stats_persistent is OFF';
  if (!fallback) {
    try {
      await statsSizes(conn, page, p);
      await statsPartitions(conn, ctx, p);
      return;
    } catch (e) {
      if (!DENIED.has(driverCode(e) ?? '') && driverCode(e) !== 'ER_NO_SUCH_TABLE') throw e;
      fallback = `mysql.innodb_table_stats cannot be read (${(e as Error).message})`;
    }
  }
  ctx.skip(
    'innodb_table_stats',
    `${fallback}: sizes and partitions read from information_schema instead, which costs the server more`,
  );
  await optional(ctx, 'sizes', () => schemaSizes(conn, p));
  await optional(ctx, 'partitions', () => schemaPartitions(conn, ctx, p));
}

/**
 * Names in the statistics tables are file names: characters outside [A-Za-z0-9_] are written as
 * `@` and four hex digits (MySQL's tablename_to_filename).
 */
export function fromFileName(name: string): string {
  return name.replace(/@([0-9a-f]{4})/gi, (_, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
}

async function statsSizes(conn: PoolConnection, page: number, p: Points): Promise<void> {
  const [rows] = await conn.query<RowDataPacket[]>(
    `SELECT database_name AS db, SUM(clustered_index_size) AS data,
            SUM(sum_of_other_index_sizes) AS idx
       FROM mysql.innodb_table_stats
      WHERE database_name NOT IN (?)
      GROUP BY database_name`,
    [SYSTEM_SCHEMAS],
  );
  for (const r of rows) {
    const database = tagValue(fromFileName(String(r.db)));
    if (!database) continue;
    p.add('mysql.database_data_bytes', num(r.data ?? 0) * page, { database });
    p.add('mysql.database_index_bytes', num(r.idx ?? 0) * page, { database });
  }
}

/**
 * A partition's statistics row is named `table#P#partition` (MariaDB; `#p#` in MySQL 8), a
 * subpartition's `table#P#partition#SP#sub`: subpartitions are summed into their partition.
 */
export function splitPartitionName(name: string): { table: string; partition: string } | undefined {
  const m = /^(.+?)#[Pp]#(.+?)(?:#[Ss][Pp]#.+)?$/.exec(name);
  return m?.[1] && m[2] ? { table: fromFileName(m[1]), partition: fromFileName(m[2]) } : undefined;
}

async function statsPartitions(
  conn: PoolConnection,
  ctx: CollectContext,
  p: Points,
): Promise<void> {
  const [rows] = await conn.query<RowDataPacket[]>(
    `SELECT database_name AS db, table_name AS name, n_rows AS n
       FROM mysql.innodb_table_stats
      WHERE database_name NOT IN (?) AND (table_name LIKE '%#P#%' OR table_name LIKE '%#p#%')
      ORDER BY database_name, table_name`,
    [SYSTEM_SCHEMAS],
  );
  const sums = new Map<string, { database: string; table: string; partition: string; n: number }>();
  for (const r of rows) {
    const database = tagValue(fromFileName(String(r.db)));
    const part = splitPartitionName(String(r.name));
    if (!database || !part) continue;
    const key = `${database}\u0000${part.table}\u0000${part.partition}`;
    const had = sums.get(key);
    if (had) had.n += num(r.n ?? 0);
    else sums.set(key, { database, ...part, n: num(r.n ?? 0) });
  }
  if (sums.size > MAX_PARTITIONS) {
    ctx.skip('partitions', `more than ${MAX_PARTITIONS} partitions: only the first are reported`);
  }
  let left = MAX_PARTITIONS;
  for (const s of sums.values()) {
    if (left-- <= 0) break;
    const table = tagValue(s.table);
    const partition = tagValue(s.partition);
    if (!table || !partition) continue;
    p.add('mysql.partition_rows', s.n, { database: s.database, table, partition });
  }
}

async function schemaSizes(conn: PoolConnection, p: Points): Promise<void> {
  const [rows] = await conn.query<RowDataPacket[]>(
    `SELECT TABLE_SCHEMA AS db, SUM(DATA_LENGTH) AS data, SUM(INDEX_LENGTH) AS idx
       FROM information_schema.TABLES
      WHERE TABLE_SCHEMA NOT IN (?)
      GROUP BY TABLE_SCHEMA`,
    [SYSTEM_SCHEMAS],
  );
  for (const r of rows) {
    const database = tagValue(r.db);
    if (!database) continue;
    p.add('mysql.database_data_bytes', num(r.data ?? 0), { database });
    p.add('mysql.database_index_bytes', num(r.idx ?? 0), { database });
  }
}

/** Rows per partition of partitioned tables only (subpartitions summed), bounded. */
async function schemaPartitions(
  conn: PoolConnection,
  ctx: CollectContext,
  p: Points,
): Promise<void> {
  const [rows] = await conn.query<RowDataPacket[]>(
    `SELECT TABLE_SCHEMA AS db, TABLE_NAME AS tbl, PARTITION_NAME AS part, SUM(TABLE_ROWS) AS n
       FROM information_schema.PARTITIONS
      WHERE PARTITION_NAME IS NOT NULL AND TABLE_SCHEMA NOT IN (?)
      GROUP BY TABLE_SCHEMA, TABLE_NAME, PARTITION_NAME
      ORDER BY TABLE_SCHEMA, TABLE_NAME, PARTITION_NAME
      LIMIT ?`,
    [SYSTEM_SCHEMAS, MAX_PARTITIONS + 1],
  );
  if (rows.length > MAX_PARTITIONS) {
    ctx.skip('partitions', `more than ${MAX_PARTITIONS} partitions: only the first are reported`);
  }
  for (const r of rows.slice(0, MAX_PARTITIONS)) {
    const database = tagValue(r.db);
    const table = tagValue(r.tbl);
    const partition = tagValue(r.part);
    if (!database || !table || !partition) continue;
    p.add('mysql.partition_rows', num(r.n ?? 0), { database, table, partition });
  }
}

/** Run a metric group whose failure for want of privileges must not fail the sweep. */
async function optional(
  ctx: CollectContext,
  group: string,
  fn: () => Promise<void>,
): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (!DENIED.has(driverCode(e) ?? '')) throw e;
    ctx.skip(group, (e as Error).message);
  }
}
