// What the demo knows of a blueprint table, read from its `columns` text alone: each column's
// name, type, length, nullability, default and commented choices, and which columns must be
// unique per row or point at another table. Nothing here names a table of default.yaml, so a
// changed blueprint still seeds.
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { blueprintSchema, type Blueprint } from '../../shared/blueprint';

export interface Column {
  name: string;
  /** Upper case: VARCHAR, INT, DECIMAL, DATETIME, JSON… */
  type: string;
  /** VARCHAR(n) / CHAR(n); 0 for other types. */
  length: number;
  /** DECIMAL(p,s) */
  precision: number;
  scale: number;
  unsigned: boolean;
  nullable: boolean;
  /** ON UPDATE CURRENT_TIMESTAMP: an updated_at. */
  onUpdate: boolean;
  /** DEFAULT 'x' of a string column. */
  defaultText?: string;
  /** COMMENT 'a / b / c': the values the column takes. */
  options: string[];
  /** COMMENT '1 male, 2 female': the codes the column takes. */
  codes: number[];
}

export interface TableShape {
  name: string;
  /** The shared database it lives in (dedicated tenants have it in their own). */
  database: string;
  columns: Column[];
  tenantColumn: string;
  /** The monthly partition column, for partitioned tables. */
  partitionColumn?: string;
  /** One column per UNIQUE / PRIMARY key that gets a new value on every row. */
  uniqueColumns: Set<string>;
  /** column → table whose ids it holds (customer_id → customers, handled_by → …users). */
  refs: Map<string, string>;
}

const ROOT = new URL('../..', import.meta.url).pathname;

/** The environment's blueprint (the demo uses `default`), validated as Keel validates it. */
export async function loadBlueprint(name = 'default'): Promise<Blueprint> {
  const text = await readFile(`${ROOT}resources/blueprints/${name}.yaml`, 'utf8');
  return blueprintSchema.parse(parse(text));
}

/** Split on commas outside parentheses and quotes: DECIMAL(12,2) and COMMENT 'a, b' stay whole. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === "'" || ch === '"' || ch === '`') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter(Boolean);
}

const WORD = /^[a-z][a-z0-9_]*$/;

function parseColumn(def: string): Column | undefined {
  const m = /^`?([A-Za-z_][A-Za-z0-9_]*)`?\s+([A-Za-z]+)(?:\s*\(([^)]*)\))?([\s\S]*)$/.exec(def);
  if (!m) return undefined;
  const [, name = '', type = '', args = '', rest = ''] = m;
  const nums = args.split(',').map((x) => Number(x.trim()));
  const comment = /COMMENT\s+'((?:[^']|'')*)'/i.exec(rest)?.[1] ?? '';
  const choices = comment
    .split('/')
    .map((x) => x.trim())
    .filter((x) => x !== '...');
  const upper = type.toUpperCase();
  const enumValues = [...args.matchAll(/'([^']*)'/g)].map((x) => x[1] ?? '');
  const defaultText = /\bDEFAULT\s+'([^']*)'/i.exec(rest)?.[1];
  return {
    name,
    type: upper,
    length: /CHAR$/.test(upper) ? (nums[0] ?? 0) : 0,
    precision: upper === 'DECIMAL' ? (nums[0] ?? 10) : 0,
    scale: upper === 'DECIMAL' ? (nums[1] ?? 0) : 0,
    unsigned: /\bUNSIGNED\b/i.test(rest),
    nullable: !/\bNOT\s+NULL\b/i.test(rest),
    onUpdate: /\bON\s+UPDATE\b/i.test(rest),
    ...(defaultText !== undefined && { defaultText }),
    options: /^(ENUM|SET)$/.test(upper)
      ? enumValues
      : choices.length >= 2 && choices.every((x) => WORD.test(x))
        ? choices
        : [],
    codes: [...comment.matchAll(/(?:^|,)\s*(\d+)\s+\S/g)].map((x) => Number(x[1])),
  };
}

/** `UNIQUE KEY uk (tenant_id, code)` → ['tenant_id', 'code']; undefined for non-unique keys. */
function uniqueKeyColumns(def: string): string[] | undefined {
  if (!/^(PRIMARY\s+KEY|UNIQUE)\b/i.test(def)) return undefined;
  const inner = def.slice(def.indexOf('(') + 1, def.lastIndexOf(')'));
  return inner.split(',').map((c) =>
    c
      .replace(/\(\d+\)/, '')
      .replace(/\s+(ASC|DESC)$/i, '')
      .replaceAll('`', '')
      .trim(),
  );
}

const isKey = (def: string): boolean =>
  /^(PRIMARY|UNIQUE|KEY|INDEX|CONSTRAINT|FULLTEXT|SPATIAL|FOREIGN|CHECK)\b/i.test(def);

/** The table a column points at, by name: customer_id → customers, created_by → …_users. */
function refTarget(column: string, tables: string[]): string | undefined {
  const stem = column.endsWith('_id') ? column.slice(0, -3) : column.endsWith('_by') ? 'user' : '';
  if (!stem) return undefined;
  return tables.find((t) => t === `${stem}s` || t.endsWith(`_${stem}s`));
}

/** Every business table of the blueprint, as the row maker needs it. */
export function shapesOf(b: Blueprint): TableShape[] {
  const all = b.mysql.databases.flatMap((d) => d.tables.map((t) => ({ db: d.name, t })));
  const names = all.map((x) => x.t.name);
  return all.map(({ db, t }) => {
    const defs = splitTopLevel(t.columns);
    const columns = defs.filter((d) => !isKey(d)).flatMap((d) => parseColumn(d) ?? []);
    const byName = new Map(columns.map((c) => [c.name, c]));
    const refs = new Map<string, string>();
    for (const c of columns) {
      const target =
        c.name === 'id' || c.name === t.tenantColumn ? undefined : refTarget(c.name, names);
      if (target && target !== t.name) refs.set(c.name, target);
    }
    // Per unique key, the column that tells rows apart: the last free string one (codes, emails,
    // request ids), else a date (one row a day), else the key is already unique through `id`.
    const uniqueColumns = new Set<string>();
    const keys = defs.map(uniqueKeyColumns).filter((k): k is string[] => Boolean(k));
    for (const key of keys) {
      if (key.includes('id')) continue;
      const free = key.filter(
        (k) => k !== t.tenantColumn && k !== t.partition?.column && !refs.has(k),
      );
      const str = free.filter((k) => byName.get(k)?.length).at(-1);
      const date = free.find((k) => /^(DATE|DATETIME|TIMESTAMP)$/.test(byName.get(k)?.type ?? ''));
      const pick = str ?? date;
      if (pick) uniqueColumns.add(pick);
    }
    return {
      name: t.name,
      database: db,
      columns,
      tenantColumn: t.tenantColumn,
      ...(t.partition && { partitionColumn: t.partition.column }),
      uniqueColumns,
      refs,
    };
  });
}

/** Values a column name takes wherever a comment lists them (platform_type in every table). */
export function learnedOptions(shapes: TableShape[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const s of shapes) {
    for (const c of s.columns) if (c.options.length && !out.has(c.name)) out.set(c.name, c.options);
  }
  return out;
}
