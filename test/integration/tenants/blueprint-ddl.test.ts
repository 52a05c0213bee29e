import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  createConnection,
  type Connection,
  type ResultSetHeader,
  type RowDataPacket,
} from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { blueprintSchema, type TableSpec } from '../../../shared/blueprint';
import { createDatabaseSql, createTableSql } from '../../../electron/main/services/tenants/ddl';
import { startMariaDb, stopAll, type MariaDbHandle } from '../../support';

/**
 * Every database and table of resources/blueprints/default.yaml, created with ddl.ts on a private
 * MariaDB 10.11: the column lists are valid SQL, the seven partitioned tables get their monthly
 * partitions plus pmax, and running the DDL again changes nothing.
 */

const FILE = fileURLToPath(new URL('../../../resources/blueprints/default.yaml', import.meta.url));
const bp = blueprintSchema.parse(parse(readFileSync(FILE, 'utf8')));
const all = bp.mysql.databases.flatMap((db) => db.tables.map((t) => ({ db: db.name, t })));
const partitioned = all.filter(({ t }) => t.partition);

const NOW = new Date();

/** 'p202611' for the month `offset` months from NOW (UTC), computed apart from ddl.ts. */
function monthName(offset: number): string {
  const d = new Date(Date.UTC(NOW.getUTCFullYear(), NOW.getUTCMonth() + offset, 1));
  return `p${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** 'YYYY-MM-DD HH:MM:SS.mmm' in UTC: what a DATETIME(3) column is given, no time zone games. */
const sqlDate = (d: Date): string => d.toISOString().replace('T', ' ').replace('Z', '');

describe('default blueprint DDL on a real MariaDB', () => {
  let server: MariaDbHandle;
  let conn: Connection;

  async function rows<T = Record<string, unknown>>(sql: string, params: unknown[] = []) {
    const [r] = await conn.query<RowDataPacket[]>(sql, params);
    return r as T[];
  }

  /** Runs every CREATE DATABASE / CREATE TABLE; returns the warnings, as `db.table: message`. */
  async function createAll(now: Date): Promise<string[]> {
    const warnings: string[] = [];
    const run = async (what: string, sql: string) => {
      try {
        const [header] = await conn.query<ResultSetHeader>(sql);
        if (header.warningStatus > 0) {
          const shown = await rows<{ Message: string }>('SHOW WARNINGS');
          warnings.push(...shown.map((w) => `${what}: ${w.Message}`));
        }
      } catch (e) {
        throw new Error(`${what}: ${(e as Error).message}`, { cause: e });
      }
    };
    for (const db of bp.mysql.databases) {
      await run(db.name, createDatabaseSql(db.name));
      for (const t of db.tables) await run(`${db.name}.${t.name}`, createTableSql(db.name, t, now));
    }
    return warnings;
  }

  /** Partition name → description (upper bound), in order. */
  async function partitionsOf(
    db: string,
    table: string,
  ): Promise<[string | null, string | null][]> {
    const r = await rows<{ name: string | null; bound: string | null }>(
      `SELECT PARTITION_NAME AS name, PARTITION_DESCRIPTION AS bound
         FROM information_schema.PARTITIONS
        WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?
        ORDER BY PARTITION_ORDINAL_POSITION`,
      [db, table],
    );
    return r.map((p) => [p.name, p.bound]);
  }

  /**
   * A row for `t` with every NOT NULL column without a default filled in, created_at = `at`.
   * Read from information_schema so the test follows the YAML's columns.
   */
  async function insertRow(db: string, t: TableSpec, id: string, at: Date): Promise<void> {
    const cols = await rows<{ name: string; type: string }>(
      `SELECT COLUMN_NAME AS name, DATA_TYPE AS type
         FROM information_schema.COLUMNS
        WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND IS_NULLABLE = 'NO'
          AND (COLUMN_DEFAULT IS NULL OR COLUMN_DEFAULT = 'NULL')
        ORDER BY ORDINAL_POSITION`,
      [db, t.name],
    );
    const values: Record<string, unknown> = { id, tenant_id: 'acme', created_at: sqlDate(at) };
    for (const c of cols) {
      if (c.name in values) continue;
      // MariaDB reports a JSON column as longtext (with a JSON_VALID check): ask the YAML.
      if (new RegExp(`^\\s*${c.name} JSON\\b`, 'm').test(t.columns)) values[c.name] = '{}';
      else if (/char|text/.test(c.type)) values[c.name] = 'x';
      else if (/date|time/.test(c.type)) values[c.name] = sqlDate(at);
      else values[c.name] = 0;
    }
    await conn.query(`INSERT INTO ??.?? SET ?`, [db, t.name, values]);
  }

  beforeAll(async () => {
    server = await startMariaDb({ name: 'blueprint-ddl' });
    conn = await createConnection({
      host: server.host,
      port: server.port,
      user: server.user,
      password: server.password,
    });
  });
  afterAll(async () => {
    await conn?.end();
    await stopAll();
  });

  it('creates every database and table of default.yaml, without a warning', async () => {
    expect(await createAll(NOW)).toEqual([]);
    for (const db of bp.mysql.databases) {
      const names = await rows<{ name: string }>(
        `SELECT TABLE_NAME AS name FROM information_schema.TABLES
          WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME`,
        [db.name],
      );
      expect(names.map((r) => r.name).sort()).toEqual(db.tables.map((t) => t.name).sort());
      const [schema] = await rows<{ charset: string }>(
        `SELECT DEFAULT_CHARACTER_SET_NAME AS charset FROM information_schema.SCHEMATA
          WHERE SCHEMA_NAME = ?`,
        [db.name],
      );
      expect(schema?.charset).toBe('utf8mb4');
    }
    expect(all.length).toBeGreaterThanOrEqual(18);
  });

  it('gives every table an index led by tenant_id', async () => {
    for (const { db, t } of all) {
      const led = await rows(
        `SELECT INDEX_NAME FROM information_schema.STATISTICS
          WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND SEQ_IN_INDEX = 1 AND COLUMN_NAME = 'tenant_id'`,
        [db, t.name],
      );
      expect(led.length, `${db}.${t.name}`).toBeGreaterThan(0);
    }
  });

  it('partitions the seven tables by month: 3 back, this month, 3 ahead, then pmax', async () => {
    expect(partitioned).toHaveLength(7);
    const expected = [-3, -2, -1, 0, 1, 2, 3].map(monthName);
    for (const { db, t } of partitioned) {
      const parts = await partitionsOf(db, t.name);
      expect(
        parts.map(([name]) => name),
        `${db}.${t.name}`,
      ).toEqual([...expected, 'pmax']);
      expect(parts.at(-1)?.[1]).toBe('MAXVALUE');
      // Each bound is the first day of the next month: p202611 < '2026-12-01'.
      for (const [name, bound] of parts.slice(0, -1)) {
        const y = Number(name!.slice(1, 5));
        const m = Number(name!.slice(5, 7));
        const next = new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
        expect(bound, `${t.name} ${name}`).toBe(`'${next}'`);
      }
      const [method] = await rows<{ method: string; expr: string }>(
        `SELECT DISTINCT PARTITION_METHOD AS method, PARTITION_EXPRESSION AS expr
           FROM information_schema.PARTITIONS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?`,
        [db, t.name],
      );
      expect(method).toEqual({ method: 'RANGE COLUMNS', expr: '`created_at`' });
      const pk = await rows<{ col: string }>(
        `SELECT COLUMN_NAME AS col FROM information_schema.STATISTICS
          WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND INDEX_NAME = 'PRIMARY'
          ORDER BY SEQ_IN_INDEX`,
        [db, t.name],
      );
      expect(pk.map((r) => r.col)).toEqual(['id', 'created_at']);
    }
  });

  it('leaves the other tables unpartitioned', async () => {
    for (const { db, t } of all.filter(({ t }) => !t.partition)) {
      expect(await partitionsOf(db, t.name), `${db}.${t.name}`).toEqual([[null, null]]);
    }
  });

  it('puts a row of this month in its partition and one 2 years ahead in pmax', async () => {
    const future = new Date(NOW);
    future.setUTCFullYear(future.getUTCFullYear() + 2);
    for (const { db, t } of partitioned) {
      await insertRow(db, t, 'row-now', NOW);
      await insertRow(db, t, 'row-future', future);
      const where = async (id: string) => {
        for (const name of [...[-3, -2, -1, 0, 1, 2, 3].map(monthName), 'pmax']) {
          const r = await rows(`SELECT id FROM ??.?? PARTITION (??) WHERE id = ?`, [
            db,
            t.name,
            name,
            id,
          ]);
          if (r.length) return name;
        }
        return undefined;
      };
      expect(await where('row-now'), `${db}.${t.name}`).toBe(monthName(0));
      expect(await where('row-future'), `${db}.${t.name}`).toBe('pmax');
    }
  });

  it('runs the DDL twice harmlessly (IF NOT EXISTS), even from a later month', async () => {
    const before = await Promise.all(partitioned.map(({ db, t }) => partitionsOf(db, t.name)));
    const again = await createAll(NOW);
    // Only "already exists" notes: one per database and one per table.
    expect(again).toHaveLength(bp.mysql.databases.length + all.length);
    for (const w of again) expect(w).toMatch(/already exists|database exists/i);
    const later = new Date(NOW);
    later.setUTCMonth(later.getUTCMonth() + 5);
    await createAll(later);
    const after = await Promise.all(partitioned.map(({ db, t }) => partitionsOf(db, t.name)));
    expect(after).toEqual(before);
    // The rows are still there: nothing was dropped and re-created.
    for (const { db, t } of partitioned) {
      const [n] = await rows<{ n: number }>(`SELECT COUNT(*) AS n FROM ??.??`, [db, t.name]);
      expect(Number(n?.n), `${db}.${t.name}`).toBe(2);
    }
  });
});
