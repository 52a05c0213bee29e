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
 * on the connection's read replica, and on the slow cadence database sizes and rows per
 * partition from information_schema. All statements of a sweep share one pooled connection.
 */
export async function collectMysql(
  store: MysqlStore,
  ctx: CollectContext,
): Promise<Points['list']> {
  const p = new Points();
  await store.withConnection(async (conn) => {
    await status(conn, ctx, p);
    await replication(conn, ctx, p, 'primary');
    if (ctx.slow) {
      await optional(ctx, 'sizes', () => sizes(conn, p));
      await optional(ctx, 'partitions', () => partitions(conn, ctx, p));
    }
  }, ctx.call);
  if (store.connection.replica) {
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

async function sizes(conn: PoolConnection, p: Points): Promise<void> {
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
async function partitions(conn: PoolConnection, ctx: CollectContext, p: Points): Promise<void> {
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
