/**
 * Executes the stand-in's InfluxQL subset over in-memory buckets (test-only) and shapes results as
 * InfluxDB's v1-compatible /query endpoint does. Semantics mirror InfluxDB 1.x/2.x for what is
 * supported: epoch-aligned GROUP BY time() windows, fill(), per-series LIMIT, RFC3339Nano times.
 */
import type { Cell, Row } from './influxql-aggregate';
import { aggregate, uniqueLabels } from './influxql-aggregate';
import type { Condition, SelectField, SelectStatement } from './influxql-parser';
import { Unsupported, parseQuery } from './influxql-parser';
import type { Bucket, FieldType, TypedValue } from './store';
import { floorDiv, formatRfc3339Nano } from './time';

export interface QueryContext {
  buckets: Bucket[];
  db?: string;
  rp?: string;
  /** ns per unit when `epoch=` was given; RFC3339 strings otherwise. */
  epochNs?: bigint;
  now: bigint;
}

interface OutSeries {
  name: string;
  tags?: Record<string, string>;
  columns: string[];
  values: Cell[][];
}
export type StatementResult = { statement_id: number; series?: OutSeries[]; error?: string };

/** Runs every statement of `q`. Throws only on a parse error, which InfluxDB answers with 400. */
export function executeQuery(q: string, ctx: QueryContext): StatementResult[] {
  const statements = parseQuery(q, ctx.now);
  const hard = statements.find((s) => s instanceof Error && !(s instanceof Unsupported));
  if (hard instanceof Error) throw hard;
  return statements.map((stmt, statement_id) => {
    try {
      if (stmt instanceof Error) throw stmt;
      const series =
        stmt.kind === 'showDatabases'
          ? showDatabases(ctx)
          : stmt.kind === 'showMeasurements'
            ? showMeasurements(resolveBucket(ctx, stmt.db))
            : select(stmt, resolveBucket(ctx, stmt.db, stmt.rp), ctx);
      return series.length > 0 ? { statement_id, series } : { statement_id };
    } catch (err) {
      return { statement_id, error: err instanceof Error ? err.message : String(err) };
    }
  });
}

/** Virtual DBRP mapping: db "x" (rp empty or autogen) is bucket "x"; db "x" rp "y" is "x/y". */
function resolveBucket(ctx: QueryContext, db = ctx.db, rp = ctx.rp): Bucket {
  if (!db) throw new Error('database name required');
  const names = !rp || rp === 'autogen' ? [db, `${db}/autogen`] : [`${db}/${rp}`];
  const bucket = ctx.buckets.find((b) => names.includes(b.name));
  if (bucket) return bucket;
  if (rp && ctx.buckets.some((b) => b.name === db))
    throw new Error(`retention policy not found: ${rp}`);
  throw new Error(`database not found: ${db}`);
}

function showDatabases(ctx: QueryContext): OutSeries[] {
  const names = ctx.buckets
    .filter((b) => b.type === 'user')
    .map((b) => [b.name.split('/')[0] ?? '']);
  return [{ name: 'databases', columns: ['name'], values: names }];
}

function showMeasurements(b: Bucket): OutSeries[] {
  const names = [...new Set([...b.series.values()].map((s) => s.measurement))].sort();
  return names.length
    ? [{ name: 'measurements', columns: ['name'], values: names.map((n) => [n]) }]
    : [];
}

function compare(a: number | string | boolean, b: number | string | boolean, op: Condition['op']) {
  switch (op) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    default:
      return a >= b;
  }
}

function fieldMatches(v: TypedValue | undefined, c: Condition): boolean {
  if (v === undefined) return false;
  const numeric = v.type === 'float' || v.type === 'integer' || v.type === 'unsigned';
  if (numeric && typeof c.value === 'number') return compare(Number(v.value), c.value, c.op);
  if (typeof v.value === typeof c.value) return compare(v.value as string, c.value as string, c.op);
  return false;
}

function select(stmt: SelectStatement, bucket: Bucket, ctx: QueryContext): OutSeries[] {
  const fieldTypes = bucket.schema.get(stmt.measurement) ?? new Map<string, FieldType>();
  const all = [...bucket.series.values()].filter((s) => s.measurement === stmt.measurement);
  const tagKeys = [...new Set(all.flatMap((s) => Object.keys(s.tags)))].sort();
  const isField = (name: string, cast: 'tag' | 'field' | undefined) =>
    cast === 'field' || (cast !== 'tag' && fieldTypes.has(name));

  const fieldConds = stmt.conditions.filter((c) => isField(c.name, c.cast));
  const tagConds = stmt.conditions.filter((c) => !isField(c.name, c.cast));
  for (const c of tagConds) {
    if ((c.op !== '=' && c.op !== '!=') || typeof c.value !== 'string') {
      throw new Unsupported(`tag condition ${c.name} ${c.op} ${String(c.value)}`);
    }
  }
  const dims = stmt.groupAllTags ? tagKeys : stmt.groupTags;
  const groups = new Map<string, { tags: Record<string, string>; rows: Row[] }>();
  const lo = stmt.timeMin ?? -(2n ** 63n);
  const hi = stmt.timeMax ?? (stmt.interval !== undefined ? ctx.now : 2n ** 63n);
  for (const s of all) {
    if (!tagConds.every((c) => compare(s.tags[c.name] ?? '', c.value, c.op))) continue;
    const tags = Object.fromEntries(dims.map((d) => [d, s.tags[d] ?? '']));
    const key = dims.map((d) => tags[d]).join('\u0000');
    const group = groups.get(key) ?? { tags, rows: [] };
    groups.set(key, group);
    for (const [time, fields] of s.rows) {
      if (time < lo || time > hi) continue;
      if (fieldConds.every((c) => fieldMatches(fields[c.name], c)))
        group.rows.push({ time, fields, series: s });
    }
  }
  const hasCall = stmt.fields.some((f) => f.kind === 'call');
  if (hasCall && stmt.fields.some((f) => f.kind !== 'call')) {
    throw new Error('mixing aggregate and non-aggregate queries is not supported');
  }
  if (!hasCall && stmt.interval !== undefined) {
    throw new Error('GROUP BY requires at least one aggregate function');
  }
  const out: OutSeries[] = [];
  // DESC orders series by descending tag values as well as rows by descending time.
  const sortedKeys = [...groups.keys()].sort();
  if (stmt.descending) sortedKeys.reverse();
  for (const key of sortedKeys) {
    const group = groups.get(key);
    if (!group || group.rows.length === 0) continue;
    group.rows.sort((a, z) => (a.time < z.time ? -1 : a.time > z.time ? 1 : 0));
    const built = hasCall
      ? aggregate(stmt, group.rows, lo, hi)
      : raw(
          stmt,
          group.rows,
          fieldTypes,
          tagKeys.filter((t) => !dims.includes(t)),
        );
    let values = stmt.descending ? built.values.reverse() : built.values;
    values = values.slice(
      stmt.offset,
      stmt.limit === undefined ? undefined : stmt.offset + stmt.limit,
    );
    if (values.length === 0) continue;
    const rendered = values.map((row) => [renderTime(row[0] as bigint, ctx), ...row.slice(1)]);
    out.push({
      name: stmt.measurement,
      ...(dims.length ? { tags: group.tags } : {}),
      columns: built.columns,
      values: rendered,
    });
  }
  return out;
}

function renderTime(t: bigint, ctx: QueryContext): Cell {
  return ctx.epochNs === undefined ? formatRfc3339Nano(t) : floorDiv(t, ctx.epochNs);
}

function raw(
  stmt: SelectStatement,
  rows: Row[],
  fieldTypes: Map<string, FieldType>,
  wildcardTags: string[],
): { columns: string[]; values: Cell[][] } {
  const cols: Array<{ label: string; name: string; field: boolean; alias: boolean }> = [];
  for (const f of stmt.fields as Array<Exclude<SelectField, { kind: 'call' }>>) {
    if (f.kind === 'wildcard') {
      // Fields and tags interleaved by name; a field sorts before a tag of the same name.
      const all = [
        ...[...fieldTypes.keys()].map((n) => ({ label: n, name: n, field: true, alias: false })),
        ...wildcardTags.map((n) => ({ label: n, name: n, field: false, alias: false })),
      ];
      all.sort((a, z) =>
        a.name < z.name ? -1 : a.name > z.name ? 1 : Number(z.field) - Number(a.field),
      );
      cols.push(...all);
    } else {
      const field = f.cast === 'field' || (f.cast !== 'tag' && fieldTypes.has(f.name));
      cols.push({ label: f.alias ?? f.name, name: f.name, field, alias: !!f.alias });
    }
  }
  // Like InfluxDB, selecting no existing field yields no rows rather than an error.
  if (!cols.some((c) => c.field)) return { columns: [], values: [] };
  const values: Cell[][] = [];
  for (const r of rows) {
    const cells = cols.map((c) =>
      c.field ? (r.fields[c.name]?.value ?? null) : (r.series.tags[c.name] ?? null),
    );
    if (cols.every((c, i) => !c.field || cells[i] === null)) continue;
    values.push([r.time, ...cells]);
  }
  return { columns: ['time', ...uniqueLabels(cols)], values };
}
