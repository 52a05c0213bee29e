/**
 * Aggregate functions and GROUP BY time() windows for the InfluxDB 2 stand-in's InfluxQL subset
 * (test-only). Window alignment, fill() and the time reported for selectors follow InfluxDB.
 */
import type { Aggregate, SelectField, SelectStatement } from './influxql-parser';
import { Unsupported } from './influxql-parser';
import type { Series, TypedValue } from './store';
import { floorDiv } from './time';

export type Cell = number | bigint | string | boolean | null;
export interface Row {
  time: bigint;
  fields: Record<string, TypedValue>;
  series: Series;
}

const SELECTORS: readonly Aggregate[] = ['min', 'max', 'first', 'last'];
const MAX_WINDOWS = 100_000;

/**
 * Column names as InfluxQL assigns them: aliases are taken first and verbatim, then every other
 * name that repeats one already taken gets the next free `_1`, `_2`, … suffix.
 */
export function uniqueLabels(cols: Array<{ label: string; alias: boolean }>): string[] {
  const taken = new Map<string, number>();
  for (const c of cols) if (c.alias) taken.set(c.label, 1);
  return cols.map((c) => {
    if (c.alias) return c.label;
    let name = c.label;
    let count = taken.get(name);
    if (count !== undefined) {
      while (taken.has(`${c.label}_${count}`)) count++;
      taken.set(c.label, count + 1);
      name = `${c.label}_${count}`;
    }
    taken.set(name, (taken.get(name) ?? 0) + 1);
    return name;
  });
}

interface Picked {
  value: Cell;
  time?: bigint;
}

function reduce(fn: Aggregate, field: string, rows: Row[]): Picked | undefined {
  const vals = rows.flatMap((r) => {
    const v = r.fields[field];
    return v ? [{ v, time: r.time }] : [];
  });
  if (fn === 'count') return vals.length ? { value: BigInt(vals.length) } : undefined;
  const first = vals[0];
  const last = vals[vals.length - 1];
  if (!first || !last) return undefined;
  if (fn === 'first') return { value: first.v.value, time: first.time };
  if (fn === 'last') return { value: last.v.value, time: last.time };
  const kind = first.v.type;
  if (kind === 'string' || (kind === 'boolean' && (fn === 'mean' || fn === 'sum'))) {
    // InfluxDB's own wording, naming its Go iterator type.
    throw new Error(`unsupported ${fn} iterator type: *query.${kind}InterruptIterator`);
  }
  if (fn === 'mean')
    return { value: vals.reduce((s, x) => s + Number(x.v.value), 0) / vals.length };
  if (fn === 'sum') {
    if (first.v.type === 'float') return { value: vals.reduce((s, x) => s + Number(x.v.value), 0) };
    return { value: vals.reduce((s, x) => s + BigInt(x.v.value as bigint), 0n) };
  }
  // min/max keep the earliest point among equal values, as InfluxDB's selectors do.
  let best = first;
  for (const x of vals) {
    const better = fn === 'max' ? x.v.value > best.v.value : x.v.value < best.v.value;
    if (better) best = x;
  }
  return { value: best.v.value, time: best.time };
}

export function aggregate(
  stmt: SelectStatement,
  rows: Row[],
  lo: bigint,
  hi: bigint,
): { columns: string[]; values: Cell[][] } {
  const calls = stmt.fields as Array<Extract<SelectField, { kind: 'call' }>>;
  const columns = uniqueLabels(calls.map((c) => ({ label: c.alias ?? c.fn, alias: !!c.alias })));
  const windows: Array<[bigint, bigint]> = [];
  if (stmt.interval === undefined) {
    windows.push([lo, hi]);
  } else {
    if (stmt.timeMin === undefined) {
      throw new Unsupported('GROUP BY time() without a lower time bound in WHERE');
    }
    const start = floorDiv(lo, stmt.interval) * stmt.interval;
    if ((hi - start) / stmt.interval >= BigInt(MAX_WINDOWS)) {
      throw new Unsupported(`more than ${MAX_WINDOWS} GROUP BY time() windows`);
    }
    for (let w = start; w <= hi; w += stmt.interval) windows.push([w, w + stmt.interval - 1n]);
  }
  const single = calls.length === 1 && calls[0] && SELECTORS.includes(calls[0].fn);
  const values: Cell[][] = [];
  let prev: Cell[] = calls.map(() => null);
  let cursor = 0;
  for (const [wStart, wEnd] of windows) {
    while (cursor < rows.length && (rows[cursor]?.time ?? 0n) < wStart) cursor++;
    let end = cursor;
    while (end < rows.length && (rows[end]?.time ?? 0n) <= wEnd) end++;
    const inWindow = rows.slice(cursor, end);
    const hasData = inWindow.some((r) => calls.some((c) => r.fields[c.arg] !== undefined));
    if (!hasData && (stmt.fill === 'none' || stmt.interval === undefined)) continue;
    const picked = calls.map((c) => reduce(c.fn, c.arg, inWindow));
    const cells = picked.map((p, i): Cell => {
      if (p) return p.value;
      if (typeof stmt.fill === 'number') return stmt.fill;
      if (stmt.fill === 'previous') return prev[i] ?? null;
      return calls[i]?.fn === 'count' ? 0n : null;
    });
    prev = cells;
    const time =
      stmt.interval !== undefined
        ? wStart
        : single
          ? (picked[0]?.time ?? 0n)
          : (stmt.timeMin ?? 0n);
    values.push([time, ...cells]);
  }
  return { columns: ['time', ...columns], values };
}
