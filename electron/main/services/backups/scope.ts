import type { RowDataPacket } from 'mysql2';
import type { BackupScope } from '../../../../shared/backups';
import { KeelError } from '../../../../shared/errors';
import type { Worker } from './mysql-conn';

/** Schemas of the server itself: never in a server-wide backup. */
export const SYSTEM_SCHEMAS = ['mysql', 'information_schema', 'performance_schema', 'sys'];

/** What a tenant scope means on one connection (resolved from the tenant's placement). */
export interface TenantPlan {
  tenantId: string;
  /** Its dedicated schema (dedicated tiers). */
  database?: string;
  /** Shared tables holding its rows, with the column that carries its id (shared tier). */
  shared: Array<{ database: string; table: string; column: string }>;
}

export interface TableRef {
  database: string;
  table: string;
  engine: string | null;
  /** information_schema estimates, for chunking and the free-space check. */
  dataLength: number;
  rowsEstimate: number;
  filter?: { column: string; value: string };
}

export interface ResolvedScope {
  /** Databases whose whole schema is taken (views, routines, triggers, events with them). */
  databases: string[];
  tables: TableRef[];
}

/** The tables a scope covers on this server; unknown databases, tables or tenants are refused. */
export async function resolveScope(
  w: Worker,
  scope: BackupScope,
  tenant?: TenantPlan,
): Promise<ResolvedScope> {
  const [schemaRows] = await w.q.query<RowDataPacket[]>(
    'SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA',
  );
  const existing = new Set(schemaRows.map((r) => String(r.name)));
  const requireDbs = (dbs: string[]): void => {
    const missing = dbs.filter((d) => !existing.has(d));
    if (missing.length > 0)
      throw new KeelError('NOT_FOUND', `no database ${missing.join(', ')} on this server`);
  };
  let databases: string[];
  let wanted: Array<{ database: string; table: string; filter?: TableRef['filter'] }> | undefined;
  switch (scope.type) {
    case 'server':
      databases = [...existing].filter((d) => !SYSTEM_SCHEMAS.includes(d.toLowerCase())).sort();
      break;
    case 'databases':
      if (scope.databases.some((d) => SYSTEM_SCHEMAS.includes(d.toLowerCase())))
        throw new KeelError('VALIDATION', 'system schemas are not backed up by Keel');
      requireDbs(scope.databases);
      databases = [...new Set(scope.databases)];
      break;
    case 'tables':
      requireDbs([...new Set(scope.tables.map((t) => t.database))]);
      databases = [];
      wanted = scope.tables;
      break;
    case 'tenant': {
      if (!tenant) throw new KeelError('INTERNAL', 'tenant scope without its placement');
      if (tenant.database) {
        requireDbs([tenant.database]);
        databases = [tenant.database];
      } else {
        databases = [];
        wanted = tenant.shared.map((s) => ({
          database: s.database,
          table: s.table,
          filter: { column: s.column, value: tenant.tenantId },
        }));
        requireDbs([...new Set(wanted.map((t) => t.database))]);
      }
      break;
    }
  }
  const dbs = [...new Set([...databases, ...(wanted ?? []).map((t) => t.database)])];
  if (dbs.length === 0) return { databases, tables: [] };
  const [rows] = await w.q.query<RowDataPacket[]>(
    `SELECT TABLE_SCHEMA AS db, TABLE_NAME AS name, ENGINE AS engine, DATA_LENGTH AS len,
            TABLE_ROWS AS est
       FROM information_schema.TABLES
      WHERE TABLE_SCHEMA IN (?) AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')
      ORDER BY TABLE_SCHEMA, TABLE_NAME`,
    [dbs],
  );
  const all: TableRef[] = rows.map((r) => ({
    database: String(r.db),
    table: String(r.name),
    engine: r.engine === null ? null : String(r.engine),
    dataLength: Number(r.len ?? 0),
    rowsEstimate: Number(r.est ?? 0),
  }));
  if (!wanted) return { databases, tables: all };
  const byName = new Map(all.map((t) => [`${t.database}.${t.table}`, t]));
  const missing = wanted.filter((t) => !byName.has(`${t.database}.${t.table}`));
  if (missing.length > 0) {
    throw new KeelError(
      'NOT_FOUND',
      `no table ${missing
        .slice(0, 5)
        .map((t) => `${t.database}.${t.table}`)
        .join(
          ', ',
        )}${missing.length > 5 ? ` (and ${missing.length - 5} more)` : ''} on this server`,
    );
  }
  const seen = new Set<string>();
  const tables: TableRef[] = [];
  for (const t of wanted) {
    const key = `${t.database}.${t.table}`;
    if (seen.has(key)) continue;
    seen.add(key);
    tables.push({ ...(byName.get(key) as TableRef), ...(t.filter && { filter: t.filter }) });
  }
  return { databases, tables };
}
