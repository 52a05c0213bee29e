import mysql from 'mysql2/promise';
import type { PartitionSpec, TableSpec } from '../../../../shared/blueprint';

/** `db`.`table`, both quoted: identifiers never reach SQL unquoted. */
export const qualified = (db: string, table: string): string =>
  `${mysql.escapeId(db)}.${mysql.escapeId(table)}`;

export interface MonthPartition {
  /** p202611 */
  name: string;
  /** First day of the next month, 'YYYY-MM-DD' (RANGE COLUMNS upper bound). */
  lessThan: string;
}

/** The monthly partitions around `now`: `historyMonths` back, the current one, `aheadMonths` ahead. */
export function monthlyPartitions(spec: PartitionSpec, now: Date): MonthPartition[] {
  const out: MonthPartition[] = [];
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  for (let i = -spec.historyMonths; i <= spec.aheadMonths; i++) {
    const start = new Date(Date.UTC(y, m + i, 1));
    const next = new Date(Date.UTC(y, m + i + 1, 1));
    out.push({
      name: `p${start.getUTCFullYear()}${String(start.getUTCMonth() + 1).padStart(2, '0')}`,
      lessThan: next.toISOString().slice(0, 10),
    });
  }
  return out;
}

/**
 * `CREATE TABLE IF NOT EXISTS` from a blueprint table. Partitioned tables get RANGE COLUMNS
 * partitions by month plus `pmax`, a catch-all so a late partition job never makes inserts fail.
 */
export function createTableSql(db: string, t: TableSpec, now: Date): string {
  const comment = t.comment ? ` COMMENT=${mysql.escape(t.comment)}` : '';
  let sql = `CREATE TABLE IF NOT EXISTS ${qualified(db, t.name)} (\n${t.columns.trim()}\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4${comment}`;
  if (t.partition) {
    const parts = monthlyPartitions(t.partition, now).map(
      (p) => `  PARTITION ${mysql.escapeId(p.name)} VALUES LESS THAN (${mysql.escape(p.lessThan)})`,
    );
    parts.push(`  PARTITION ${mysql.escapeId('pmax')} VALUES LESS THAN (MAXVALUE)`);
    sql += `\nPARTITION BY RANGE COLUMNS(${mysql.escapeId(t.partition.column)}) (\n${parts.join(',\n')}\n)`;
  }
  return sql;
}

export const createDatabaseSql = (db: string): string =>
  `CREATE DATABASE IF NOT EXISTS ${mysql.escapeId(db)} DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`;
