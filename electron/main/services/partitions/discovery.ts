import type { RowDataPacket } from 'mysql2/promise';
import type { PartitionInfo, PartitionPolicy, TableLayout } from '../../../../shared/partitions';
import type { CallOptions } from '../../stores/types';
import { parseBound } from './calendar';
import { runwayOf } from './planner';
import type { ServerScope, TenantSchemaPattern } from './scope';
import { qualifiedTable, quoteId } from './sql';

/** What discovery needs from a MySQL store (MysqlStore fits; tests may count calls). */
export interface LayoutReader {
  query<T extends RowDataPacket[]>(sql: string, params?: unknown[], opts?: CallOptions): Promise<T>;
}

/**
 * Every partition of the blueprint's partitioned tables in the shared databases and tenant
 * schemas of one server, in ONE statement (information_schema is costly per table; 10,000
 * dedicated schemas must stay one round trip). Values are placeholders; nothing is spliced in.
 * A table without partitions comes back as one row with PARTITION_NAME NULL: it is listed too.
 */
export const LAYOUT_SQL = `SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t, PARTITION_NAME AS p,
       SUBPARTITION_NAME AS sp, PARTITION_METHOD AS method, PARTITION_EXPRESSION AS expr,
       PARTITION_DESCRIPTION AS d, TABLE_ROWS AS n, DATA_LENGTH AS data, INDEX_LENGTH AS idx
  FROM information_schema.PARTITIONS
 WHERE TABLE_NAME IN (?)
   AND (TABLE_SCHEMA IN (?) OR TABLE_SCHEMA LIKE ?)
 ORDER BY TABLE_SCHEMA, TABLE_NAME, PARTITION_ORDINAL_POSITION`;

/** The same read for one table: apply's check right before its ALTER. */
export const TABLE_LAYOUT_SQL = `SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t, PARTITION_NAME AS p,
       SUBPARTITION_NAME AS sp, PARTITION_METHOD AS method, PARTITION_EXPRESSION AS expr,
       PARTITION_DESCRIPTION AS d, TABLE_ROWS AS n, DATA_LENGTH AS data, INDEX_LENGTH AS idx
  FROM information_schema.PARTITIONS
 WHERE PARTITION_NAME IS NOT NULL AND TABLE_SCHEMA = ? AND TABLE_NAME = ?
 ORDER BY PARTITION_ORDINAL_POSITION`;

export interface LayoutRow {
  s: string;
  t: string;
  p: string | null;
  sp: string | null;
  method: string | null;
  expr: string | null;
  d: string | null;
  n: string | number | null;
  data: string | number | null;
  idx: string | number | null;
}

const num = (v: string | number | null): number => Math.max(0, Number(v ?? 0) || 0);

/**
 * Rows of LAYOUT_SQL → one layout per table (pure). A table without partitions gets an empty
 * list (the planner refuses it); sub-partitioned tables are left out.
 */
export function layoutsFromRows(
  rows: LayoutRow[],
  server: ServerScope,
  tenants: TenantSchemaPattern,
  policies: Map<string, PartitionPolicy>,
  now: Date,
): TableLayout[] {
  const groups = new Map<string, LayoutRow[]>();
  for (const r of rows) {
    const key = `${r.s}.${r.t}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const out: TableLayout[] = [];
  for (const list of groups.values()) {
    const first = list[0]!;
    const policy = policies.get(first.t);
    if (!policy || list.some((r) => r.sp !== null)) continue;
    const tenantId = server.shared.has(first.s) ? undefined : tenants.tenantOf(first.s);
    const connectionId =
      server.shared.get(first.s) ??
      (tenantId && server.instances.get(tenantId)) ??
      server.schemaConnection;
    const partitions: PartitionInfo[] = list.flatMap((r) => {
      if (r.p === null) return [];
      const description = r.d ?? '';
      const ms = parseBound(description, policy.expression);
      return {
        name: r.p,
        description,
        lessThan: typeof ms === 'number' ? new Date(ms).toISOString() : null,
        rows: num(r.n),
        dataBytes: num(r.data),
        indexBytes: num(r.idx),
      };
    });
    const max = partitions.find((p) => parseBound(p.description, policy.expression) === null);
    out.push({
      connectionId,
      server: server.server,
      schema: first.s,
      table: first.t,
      ...(tenantId && { tenantId }),
      method: first.method ?? '',
      expression: first.expr ?? '',
      partitions,
      runwayDays: runwayOf(
        partitions.map((p) => p.description),
        policy.expression,
        now,
      ),
      maxvalueRows: max ? max.rows : null,
    });
  }
  return out;
}

/** How much to count exactly in MAXVALUE partitions: none, those the estimate says hold rows, all. */
export type ExactMode = 'none' | 'nonzero' | 'all';

/**
 * Replace the estimate of each MAXVALUE partition with COUNT(*) (one statement per table counted;
 * the estimate can lag after inserts or deletes). Returns the statements sent.
 */
export async function countMaxvalue(
  reader: LayoutReader,
  layouts: TableLayout[],
  mode: ExactMode,
  opts: CallOptions,
): Promise<number> {
  if (mode === 'none') return 0;
  let sent = 0;
  for (const l of layouts) {
    const max = l.partitions.find((p) => p.lessThan === null && /maxvalue/i.test(p.description));
    if (!max || (mode === 'nonzero' && max.rows === 0)) continue;
    const [row] = await reader.query<RowDataPacket[]>(
      `SELECT COUNT(*) AS n FROM ${qualifiedTable(l.schema, l.table)} PARTITION (${quoteId(max.name)})`,
      [],
      opts,
    );
    sent++;
    max.exactRows = num(row?.n as string | number | null);
    l.maxvalueRows = max.exactRows;
  }
  return sent;
}
