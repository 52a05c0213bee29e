/**
 * Query filters, sort and projection for the Keel TEST-ONLY MongoDB stand-in. Implements the
 * subset of the query language Keel uses; anything else fails loudly instead of matching wrongly.
 */
import type { Document } from 'bson';
import { CommandError, notImplemented } from './errors';
import { compileSchema } from './jsonschema';
import { compareValues, isPlainObject, lookupPath, typeRank, valuesEqual } from './values';

/** Candidates for matching: each reached value, plus the elements of reached arrays. */
function expand(values: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const v of values) {
    out.push(v);
    if (Array.isArray(v)) out.push(...v);
  }
  return out;
}

function isOperatorObject(v: unknown): v is Document {
  if (!isPlainObject(v)) return false;
  const first = Object.keys(v)[0];
  return first !== undefined && first.startsWith('$');
}

export function matches(doc: Document, filter: Document | undefined): boolean {
  if (!filter) return true;
  for (const [key, cond] of Object.entries(filter)) {
    if (key.startsWith('$')) {
      if (!matchLogical(doc, key, cond)) return false;
    } else if (!matchField(doc, key, cond)) {
      return false;
    }
  }
  return true;
}

function matchLogical(doc: Document, op: string, cond: unknown): boolean {
  if (op === '$comment') return true;
  if (op === '$and' || op === '$or' || op === '$nor') {
    if (!Array.isArray(cond) || cond.length === 0) {
      throw new CommandError('BadValue', `${op} must be a nonempty array`);
    }
    const results = cond.map((sub) => matches(doc, sub as Document));
    if (op === '$and') return results.every(Boolean);
    if (op === '$or') return results.some(Boolean);
    return !results.some(Boolean);
  }
  // https://www.mongodb.com/docs/manual/reference/operator/query/jsonSchema/
  if (op === '$jsonSchema') return compileSchema(cond, true)(doc).length === 0;
  if (op === '$expr' || op === '$where' || op === '$text') throw notImplemented(`query ${op}`);
  throw new CommandError('BadValue', `unknown top level operator: ${op}`);
}

function matchField(doc: Document, path: string, cond: unknown): boolean {
  const reached = lookupPath(doc, path);
  if (isOperatorObject(cond)) {
    const options = typeof cond.$options === 'string' ? cond.$options : '';
    return Object.entries(cond).every(
      ([op, arg]) => op === '$options' || matchOperator(reached, op, arg, options),
    );
  }
  if (cond instanceof RegExp) return regexMatches(reached, cond);
  return equalsAny(reached, cond);
}

function equalsAny(reached: unknown[], value: unknown): boolean {
  // `{a: null}` also matches documents where `a` is missing.
  if (value === null) return reached.some((v) => v === undefined || v === null);
  return expand(reached).some((v) => valuesEqual(v, value));
}

function regexMatches(reached: unknown[], re: RegExp): boolean {
  return expand(reached).some((v) => {
    if (typeof v !== 'string') return false;
    re.lastIndex = 0;
    return re.test(v);
  });
}

function compareAny(reached: unknown[], value: unknown, test: (c: number) => boolean): boolean {
  // Comparison operators only match within the same type bracket (numbers with numbers, ...).
  return expand(reached).some(
    (v) => typeRank(v) === typeRank(value) && test(compareValues(v, value)),
  );
}

function toRegExp(pattern: unknown, options: string): RegExp {
  if (pattern instanceof RegExp) {
    return options ? new RegExp(pattern.source, options.replace(/[^imsu]/g, '')) : pattern;
  }
  if (typeof pattern !== 'string') throw new CommandError('BadValue', '$regex has to be a string');
  // JS has no `x` (extended) flag; strip whitespace by hand for it.
  const source = options.includes('x') ? pattern.replace(/\s+|#.*$/gm, '') : pattern;
  return new RegExp(source, options.replace(/[^imsu]/g, ''));
}

function matchOperator(reached: unknown[], op: string, arg: unknown, options: string): boolean {
  switch (op) {
    case '$eq':
      return arg instanceof RegExp ? regexMatches(reached, arg) : equalsAny(reached, arg);
    case '$ne':
      return !equalsAny(reached, arg);
    case '$gt':
      return compareAny(reached, arg, (c) => c > 0);
    case '$gte':
      return compareAny(reached, arg, (c) => c >= 0);
    case '$lt':
      return compareAny(reached, arg, (c) => c < 0);
    case '$lte':
      return compareAny(reached, arg, (c) => c <= 0);
    case '$in':
    case '$nin': {
      if (!Array.isArray(arg)) throw new CommandError('BadValue', `${op} needs an array`);
      const hit = arg.some((v) =>
        v instanceof RegExp ? regexMatches(reached, v) : equalsAny(reached, v),
      );
      return op === '$in' ? hit : !hit;
    }
    case '$exists':
      return reached.some((v) => v !== undefined) === Boolean(arg);
    case '$regex':
      return regexMatches(reached, toRegExp(arg, options));
    case '$not':
      if (arg instanceof RegExp) return !regexMatches(reached, arg);
      if (!isOperatorObject(arg))
        throw new CommandError('BadValue', '$not needs a regex or a document');
      return !Object.entries(arg).every(([o, a]) => matchOperator(reached, o, a, options));
    case '$size':
      return reached.some((v) => Array.isArray(v) && v.length === Number(arg));
    case '$all':
      if (!Array.isArray(arg)) throw new CommandError('BadValue', '$all needs an array');
      return arg.length > 0 && arg.every((v) => equalsAny(reached, v));
    default:
      if (['$elemMatch', '$type', '$mod', '$bitsAllSet', '$geoWithin', '$near'].includes(op)) {
        throw notImplemented(`query operator ${op}`);
      }
      throw new CommandError('BadValue', `unknown operator: ${op}`);
  }
}

/** Sort key for one field: arrays sort by their smallest (asc) or largest (desc) element. */
function sortKey(doc: Document, path: string, dir: number): unknown {
  const values = expand(lookupPath(doc, path)).filter((v) => !Array.isArray(v));
  if (values.length === 0) return null;
  return values.reduce((best, v) => (compareValues(v, best) * dir < 0 ? v : best));
}

export function sortDocuments(docs: Document[], sort: Document | undefined): Document[] {
  if (!sort || Object.keys(sort).length === 0) return docs;
  const keys = Object.entries(sort).map(([path, dir]) => {
    if (isPlainObject(dir)) throw notImplemented('$meta sort');
    const n = Number(dir);
    if (n !== 1 && n !== -1) throw new CommandError('BadValue', `bad sort specification`);
    return [path, n] as const;
  });
  const first = keys[0];
  if (first && first[0] === '$natural') return first[1] === -1 ? [...docs].reverse() : docs;
  // Array#sort is stable, so ties keep insertion ("natural") order as mongod's scan would.
  return [...docs].sort((a, b) => {
    for (const [path, dir] of keys) {
      const c = compareValues(sortKey(a, path, dir), sortKey(b, path, dir));
      if (c !== 0) return c * dir;
    }
    return 0;
  });
}

type ProjectionTree = Map<string, ProjectionTree | true>;

function buildTree(paths: string[]): ProjectionTree {
  const root: ProjectionTree = new Map();
  for (const path of paths) {
    let node = root;
    const parts = path.split('.');
    parts.forEach((part, i) => {
      if (i === parts.length - 1) {
        node.set(part, true);
        return;
      }
      let next = node.get(part);
      if (next === true) return;
      if (!next) {
        next = new Map();
        node.set(part, next);
      }
      node = next;
    });
  }
  return root;
}

function include(value: unknown, tree: ProjectionTree): unknown {
  if (Array.isArray(value)) {
    return value.filter(isPlainObject).map((el) => include(el, tree));
  }
  if (!isPlainObject(value)) return undefined;
  const out: Document = {};
  for (const [key, v] of Object.entries(value)) {
    const node = tree.get(key);
    if (node === true) out[key] = v;
    else if (node) {
      const sub = include(v, node);
      if (sub !== undefined) out[key] = sub;
    }
  }
  return out;
}

function exclude(value: unknown, tree: ProjectionTree): unknown {
  if (Array.isArray(value)) return value.map((el) => exclude(el, tree));
  if (!isPlainObject(value)) return value;
  const out: Document = {};
  for (const [key, v] of Object.entries(value)) {
    const node = tree.get(key);
    if (node === true) continue;
    out[key] = node ? exclude(v, node) : v;
  }
  return out;
}

/** Inclusion or exclusion projection; `_id` is included unless explicitly excluded. */
export function projectDocument(doc: Document, projection: Document | undefined): Document {
  if (!projection || Object.keys(projection).length === 0) return doc;
  const included: string[] = [];
  const excluded: string[] = [];
  for (const [path, spec] of Object.entries(projection)) {
    if (typeof spec !== 'number' && typeof spec !== 'boolean') {
      throw notImplemented(`projection expression for '${path}'`);
    }
    (spec ? included : excluded).push(path);
  }
  const excludesId = excluded.includes('_id');
  const otherExcluded = excluded.filter((p) => p !== '_id');
  if (included.length > 0 && otherExcluded.length > 0) {
    throw new CommandError(
      'Location31254',
      `Cannot do exclusion on field ${otherExcluded[0]} in inclusion projection`,
    );
  }
  if (included.length > 0) {
    if (!excludesId && !included.includes('_id')) included.unshift('_id');
    return include(doc, buildTree(included)) as Document;
  }
  return exclude(doc, buildTree(excluded)) as Document;
}
