import mysql from 'mysql2/promise';
import type { TableSpec } from '../../../../shared/blueprint';
import { initialPartitionClause } from '../partitions/initial';

/** `db`.`table`, both quoted: identifiers never reach SQL unquoted. */
export const qualified = (db: string, table: string): string =>
  `${mysql.escapeId(db)}.${mysql.escapeId(table)}`;

/**
 * `CREATE TABLE IF NOT EXISTS` from a blueprint table. Partitioned tables get their policy's
 * partitions (partitions/initial.ts) plus `pmax`, a catch-all so a late partition job never
 * makes inserts fail.
 */
export function createTableSql(db: string, t: TableSpec, now: Date): string {
  const comment = t.comment ? ` COMMENT=${mysql.escape(t.comment)}` : '';
  let sql = `CREATE TABLE IF NOT EXISTS ${qualified(db, t.name)} (\n${t.columns.trim()}\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4${comment}`;
  if (t.partition) sql += `\n${initialPartitionClause(t.partition, now)}`;
  return sql;
}

export const createDatabaseSql = (db: string): string =>
  `CREATE DATABASE IF NOT EXISTS ${mysql.escapeId(db)} DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`;
