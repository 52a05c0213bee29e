/**
 * BSON type names as mongod spells them ($type, $jsonSchema bsonType / type, `consideredType` in
 * validation errors): https://www.mongodb.com/docs/manual/reference/bson-types/
 * The stand-in's values come from js-bson with promoteValues, so a double with an integral value
 * (3.0) reads as `int`; the wire decoder cannot tell them apart after promotion.
 */

/** bsonType aliases mongod accepts (plus `number`, any numeric type). */
export const TYPE_ALIASES = new Set([
  'double',
  'string',
  'object',
  'array',
  'binData',
  'undefined',
  'objectId',
  'bool',
  'date',
  'null',
  'regex',
  'dbPointer',
  'javascript',
  'symbol',
  'javascriptWithScope',
  'int',
  'timestamp',
  'long',
  'decimal',
  'minKey',
  'maxKey',
  'number',
]);

/** JSON Schema `type` names ('integer' is refused separately, as mongod does). */
export const JSON_TYPES = new Set(['object', 'array', 'number', 'boolean', 'string', 'null']);

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

function tag(v: object): string | undefined {
  return '_bsontype' in v ? String((v as { _bsontype: unknown })._bsontype) : undefined;
}

/** The BSON type alias of a value, e.g. 'int', 'string', 'objectId'. */
export function bsonTypeName(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') {
    return Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX ? 'int' : 'double';
  }
  if (typeof v === 'bigint') return 'long';
  if (Array.isArray(v)) return 'array';
  if (v instanceof Date) return 'date';
  if (v instanceof RegExp) return 'regex';
  if (typeof v !== 'object') return typeof v;
  switch (tag(v)) {
    case undefined:
      return 'object';
    case 'Int32':
      return 'int';
    case 'Double':
      return 'double';
    case 'Long':
      return 'long';
    case 'Decimal128':
      return 'decimal';
    case 'ObjectId':
      return 'objectId';
    case 'Binary':
      return 'binData';
    case 'BSONRegExp':
      return 'regex';
    case 'Timestamp':
      return 'timestamp';
    case 'Code':
      return 'javascript';
    case 'BSONSymbol':
      return 'symbol';
    case 'MinKey':
      return 'minKey';
    case 'MaxKey':
      return 'maxKey';
    case 'DBRef':
      return 'object';
    default:
      return 'object';
  }
}

const NUMERIC = new Set(['int', 'long', 'double', 'decimal']);
const JSON_TO_BSON: Record<string, string> = { boolean: 'bool' };

/** Whether `v` is of `alias` (a bsonType alias, or a JSON Schema `type` name when !isBson). */
export function typeMatches(v: unknown, alias: string, isBson: boolean): boolean {
  const actual = bsonTypeName(v);
  if (alias === 'number') return NUMERIC.has(actual);
  const wanted = isBson ? alias : (JSON_TO_BSON[alias] ?? alias);
  return actual === wanted;
}
