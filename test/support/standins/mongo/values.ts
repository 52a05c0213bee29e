/**
 * BSON value helpers for the Keel TEST-ONLY MongoDB stand-in: MongoDB's cross-type comparison
 * order, numeric equality across int/long/double, deep cloning and dotted-path lookup.
 * https://www.mongodb.com/docs/manual/reference/bson-type-comparison-order/
 */
import { deserialize, Long, serialize, type Document } from 'bson';

/** bson classes carry a `_bsontype` tag; plain JS values do not. */
function bsonType(v: unknown): string | undefined {
  if (v && typeof v === 'object' && '_bsontype' in v) {
    return String((v as { _bsontype: unknown })._bsontype);
  }
  return undefined;
}

export function isPlainObject(v: unknown): v is Document {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    !(v instanceof Date) &&
    !(v instanceof RegExp) &&
    (bsonType(v) === undefined || bsonType(v) === 'DBRef')
  );
}

const NUMERIC_TYPES = new Set(['Long', 'Int32', 'Double', 'Decimal128']);

export function isNumeric(v: unknown): boolean {
  return typeof v === 'number' || NUMERIC_TYPES.has(bsonType(v) ?? '');
}

export function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  const t = bsonType(v);
  if (t === 'Long') return (v as Long).toNumber();
  if (t === 'Int32' || t === 'Double') return (v as { value: number }).value;
  if (t === 'Decimal128') return Number.parseFloat(String(v));
  return Number.NaN;
}

/** MongoDB's canonical type ranks; missing fields sort as null. */
export function typeRank(v: unknown): number {
  if (v === undefined || v === null) return 2;
  if (typeof v === 'number') return 3;
  if (typeof v === 'string') return 4;
  if (typeof v === 'boolean') return 9;
  if (Array.isArray(v)) return 6;
  if (v instanceof Date) return 10;
  if (v instanceof RegExp) return 12;
  switch (bsonType(v)) {
    case 'MinKey':
      return 1;
    case 'Long':
    case 'Int32':
    case 'Double':
    case 'Decimal128':
      return 3;
    case 'BSONSymbol':
      return 4;
    case 'Binary':
      return 7;
    case 'ObjectId':
      return 8;
    case 'Timestamp':
      return 11;
    case 'BSONRegExp':
      return 12;
    case 'Code':
      return 13;
    case 'MaxKey':
      return 14;
    default:
      return 5; // embedded document (incl. DBRef)
  }
}

function cmp<T extends number | string | bigint>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Total order over BSON values, following MongoDB's comparison rules closely enough for tests. */
export function compareValues(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 2:
    case 1:
    case 14:
      return 0;
    case 3:
      return cmp(toNumber(a), toNumber(b));
    case 4:
    case 12:
    case 13:
      return cmp(String(a), String(b));
    case 9:
      return cmp(Number(a), Number(b));
    case 10:
      return cmp((a as Date).getTime(), (b as Date).getTime());
    case 6:
      return compareArrays(a as unknown[], b as unknown[]);
    case 7:
    case 8:
      return compareBytes(a, b);
    case 11:
      return cmp((a as Long).toBigInt(), (b as Long).toBigInt());
    default:
      return compareDocuments(a as Document, b as Document);
  }
}

function compareArrays(a: unknown[], b: unknown[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i += 1) {
    const c = compareValues(a[i], b[i]);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

function compareDocuments(a: Document, b: Document): number {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  for (let i = 0; i < Math.min(ka.length, kb.length); i += 1) {
    const fa = ka[i] as string;
    const fb = kb[i] as string;
    const byType = typeRank(a[fa]) - typeRank(b[fb]);
    if (byType !== 0) return byType;
    const byName = cmp(fa, fb);
    if (byName !== 0) return byName;
    const byValue = compareValues(a[fa], b[fb]);
    if (byValue !== 0) return byValue;
  }
  return ka.length - kb.length;
}

function compareBytes(a: unknown, b: unknown): number {
  // Binary sorts by length first, ObjectId bytes are fixed-length: hex order matches byte order.
  const ha = bytesHex(a);
  const hb = bytesHex(b);
  return ha.length !== hb.length ? ha.length - hb.length : cmp(ha, hb);
}

function bytesHex(v: unknown): string {
  if (bsonType(v) === 'ObjectId') return (v as { toHexString(): string }).toHexString();
  const bin = v as { sub_type: number; toString(enc: 'hex'): string };
  return bin.sub_type.toString(16).padStart(2, '0') + bin.toString('hex');
}

export function valuesEqual(a: unknown, b: unknown): boolean {
  return typeRank(a) === typeRank(b) && compareValues(a, b) === 0;
}

/** Deep copy through BSON, so stored documents never share objects with requests or replies. */
export function cloneDocument<T extends Document>(doc: T): T {
  return deserialize(serialize(doc), { promoteLongs: false }) as T;
}

/**
 * Every value a dotted path reaches, descending into arrays the way MongoDB queries do
 * (`a.b` matches `{a: [{b: 1}, {b: 2}]}`); a numeric component may also index an array.
 * An unreachable path yields `undefined` ("missing").
 */
export function lookupPath(value: unknown, path: string): unknown[] {
  const out: unknown[] = [];
  walk(value, path.split('.'), 0, out);
  return out;
}

function walk(value: unknown, parts: string[], i: number, out: unknown[]): void {
  if (i === parts.length) {
    out.push(value);
    return;
  }
  const key = parts[i] as string;
  if (Array.isArray(value)) {
    let found = false;
    if (/^\d+$/.test(key) && Number(key) < value.length) {
      walk(value[Number(key)], parts, i + 1, out);
      found = true;
    }
    for (const el of value) {
      if (isPlainObject(el)) {
        walk(el, parts, i, out);
        found = true;
      }
    }
    if (!found) out.push(undefined);
    return;
  }
  if (isPlainObject(value)) {
    walk(key in value ? value[key] : undefined, parts, i + 1, out);
    return;
  }
  out.push(undefined);
}

/** Long-aware addition used by $inc and $sum: stays a Long if either side was one. */
export function addNumbers(a: unknown, b: unknown): unknown {
  if (bsonType(a) === 'Long' || bsonType(b) === 'Long') {
    const sum = toNumber(a) + toNumber(b);
    return Number.isInteger(sum) ? Long.fromNumber(sum) : sum;
  }
  return toNumber(a) + toNumber(b);
}
