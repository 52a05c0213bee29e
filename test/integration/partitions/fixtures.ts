import type { Connection } from 'mysql2/promise';
import type { JobContext } from '../../../electron/main/services/jobs/types';
import { BlueprintLoader } from '../../../electron/main/services/tenants/blueprints';
import { createDatabaseSql, createTableSql } from '../../../electron/main/services/tenants/ddl';

/** Helpers shared by the partition suites (real MariaDB, the default blueprint's tables). */

export const NOW = new Date();
export const TABLE = 'customer_behavior_events';
export const SHARED_DB = 'customer_management';

/** 'p202611' for the month `offset` months from `from` (UTC). */
export function monthName(offset: number, from = NOW): string {
  const d = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + offset, 1));
  return `p${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** Mid-month, `offset` months from now (UTC). */
export const monthsFrom = (offset: number): Date =>
  new Date(Date.UTC(NOW.getUTCFullYear(), NOW.getUTCMonth() + offset, 15, 12));

/** A job context for calling a job body directly (tests that move the clock). */
export function jobCtx(attempt = 1): JobContext & { lines: string[] } {
  const lines: string[] = [];
  return {
    id: 'test',
    runKey: 'test',
    attempt,
    actor: { type: 'user', name: 'ops@test' },
    queuedAt: new Date().toISOString(),
    signal: new AbortController().signal,
    progress: () => undefined,
    log: (level, msg) => void lines.push(`${level}: ${msg}`),
    lines,
  };
}

const blueprints = new BlueprintLoader();

/** The partitioned tables of the blueprint in `schema` (or their own database), made at `at`. */
export async function createTables(
  sql: Connection,
  schema: string | undefined,
  at: Date,
  only?: string,
): Promise<void> {
  const { blueprint } = await blueprints.load('default');
  for (const d of blueprint.mysql.databases) {
    for (const t of d.tables) {
      if (!t.partition || (only && t.name !== only)) continue;
      const target = schema ?? d.name;
      await sql.query(createDatabaseSql(target));
      await sql.query(createTableSql(target, t, at));
    }
  }
}

/** Partition names of `schema`.`table`, in order. */
export async function partitionNames(
  sql: Connection,
  schema: string,
  table = TABLE,
): Promise<string[]> {
  const [rows] = await sql.query(
    `SELECT PARTITION_NAME AS n FROM information_schema.PARTITIONS
      WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY PARTITION_ORDINAL_POSITION`,
    [schema, table],
  );
  return (rows as Array<{ n: string }>).map((r) => r.n);
}

/** Insert `n` rows dated `at` into `schema`.TABLE (MariaDB's seq engine makes the numbers). */
export async function insertRows(
  sql: Connection,
  schema: string,
  n: number,
  at: Date | string,
  prefix = 'r',
): Promise<void> {
  await sql.query(
    `INSERT INTO \`${schema}\`.${TABLE} (id, tenant_id, customer_id, event_type, event_time, created_at)
     SELECT CONCAT(?, seq), 'acme', CONCAT('c', seq % 1000), 'view', ?, ? FROM \`${schema}\`.seq_1_to_${n}`,
    [prefix, at, at],
  );
}
