/**
 * Scalar and array keywords of `$jsonSchema` for the Keel TEST-ONLY MongoDB stand-in (minimum /
 * maximum, minLength / maxLength, pattern, multipleOf, items, minItems / maxItems, uniqueItems),
 * with mongod's failure reasons (src/mongo/db/matcher/doc_validation_error.cpp). A restriction
 * applies only to values of its own type, as JSON Schema says
 * (https://www.mongodb.com/docs/manual/reference/operator/query/jsonSchema/#available-keywords).
 */
import type { Document } from 'bson';
import { CommandError, notImplemented } from './errors';
import { isNumeric, isPlainObject, toNumber, valuesEqual } from './values';

/** A compiled (sub)schema: the failure details of one value, empty when it satisfies it. */
export type SchemaCheck = (value: unknown) => Document[];

export const failedToParse = (msg: string): CommandError => new CommandError('FailedToParse', msg);
export const typeMismatch = (msg: string): CommandError => new CommandError('TypeMismatch', msg);

/** A non-negative integer keyword (minLength, maxItems, ...). */
export function count(schema: Document, key: string): number | undefined {
  const v = schema[key];
  if (v === undefined) return undefined;
  const n = toNumber(v);
  if (!isNumeric(v) || !Number.isInteger(n)) {
    throw typeMismatch(`$jsonSchema keyword '${key}' must be an integer`);
  }
  if (n < 0) throw failedToParse(`$jsonSchema keyword '${key}' must be a non-negative integer`);
  return n;
}

function bound(schema: Document, key: 'minimum' | 'maximum'): SchemaCheck[] {
  const limit = schema[key];
  const exclusiveKey = key === 'minimum' ? 'exclusiveMinimum' : 'exclusiveMaximum';
  const exclusive = schema[exclusiveKey];
  if (limit === undefined) {
    if (exclusive !== undefined) {
      throw failedToParse(
        `$jsonSchema keyword '${key}' must be a present if ${exclusiveKey} is present`,
      );
    }
    return [];
  }
  if (!isNumeric(limit)) throw typeMismatch(`$jsonSchema keyword '${key}' must be a number`);
  if (exclusive !== undefined && typeof exclusive !== 'boolean') {
    throw typeMismatch(`$jsonSchema keyword '${exclusiveKey}' must be a boolean`);
  }
  const n = toNumber(limit);
  const ok = (v: number): boolean =>
    key === 'minimum' ? (exclusive ? v > n : v >= n) : exclusive ? v < n : v <= n;
  const specifiedAs = {
    [key]: limit,
    ...(exclusive !== undefined ? { [exclusiveKey]: exclusive } : {}),
  };
  return [
    (v) =>
      !isNumeric(v) || ok(toNumber(v))
        ? []
        : [{ operatorName: key, specifiedAs, reason: 'comparison failed', consideredValue: v }],
  ];
}

export function scalarChecks(schema: Document): SchemaCheck[] {
  const checks = [...bound(schema, 'maximum'), ...bound(schema, 'minimum')];
  for (const key of ['maxLength', 'minLength'] as const) {
    const n = count(schema, key);
    if (n === undefined) continue;
    checks.push((v) => {
      if (typeof v !== 'string') return [];
      // JSON Schema counts code points, not UTF-16 units.
      const length = [...v].length;
      if (key === 'maxLength' ? length <= n : length >= n) return [];
      const reason = 'specified string length was not satisfied';
      return [
        { operatorName: key, specifiedAs: { [key]: schema[key] }, reason, consideredValue: v },
      ];
    });
  }
  if (schema.pattern !== undefined) {
    if (typeof schema.pattern !== 'string')
      throw typeMismatch("$jsonSchema keyword 'pattern' must be a string");
    let re: RegExp;
    try {
      re = new RegExp(schema.pattern, 'u');
    } catch (err) {
      throw new CommandError(
        'BadValue',
        `Regular expression is invalid: ${(err as Error).message}`,
      );
    }
    checks.push((v) =>
      typeof v !== 'string' || re.test(v)
        ? []
        : [
            {
              operatorName: 'pattern',
              specifiedAs: { pattern: schema.pattern },
              reason: 'regular expression did not match',
              consideredValue: v,
            },
          ],
    );
  }
  if (schema.multipleOf !== undefined) {
    if (!isNumeric(schema.multipleOf))
      throw typeMismatch("$jsonSchema keyword 'multipleOf' must be a number");
    const m = toNumber(schema.multipleOf);
    if (!(m > 0))
      throw failedToParse("$jsonSchema keyword 'multipleOf' must have a positive value");
    checks.push((v) =>
      !isNumeric(v) || toNumber(v) % m === 0
        ? []
        : [
            {
              operatorName: 'multipleOf',
              specifiedAs: { multipleOf: schema.multipleOf },
              reason: 'considered value is not a multiple of the specified value',
              consideredValue: v,
            },
          ],
    );
  }
  return checks;
}

export function arrayChecks(
  schema: Document,
  compileSchema: (schema: unknown) => SchemaCheck,
): SchemaCheck[] {
  const checks: SchemaCheck[] = [];
  if (schema.items !== undefined) {
    if (Array.isArray(schema.items))
      throw notImplemented('$jsonSchema items given as an array of schemas');
    if (!isPlainObject(schema.items)) {
      throw typeMismatch("$jsonSchema keyword 'items' must be an array or an object");
    }
    const item = compileSchema(schema.items);
    checks.push((v) => {
      if (!Array.isArray(v)) return [];
      for (const [itemIndex, el] of v.entries()) {
        const details = item(el);
        if (details.length > 0) {
          const reason = 'At least one item did not match the sub-schema';
          return [{ operatorName: 'items', reason, itemIndex, details }];
        }
      }
      return [];
    });
  }
  for (const key of ['maxItems', 'minItems'] as const) {
    const n = count(schema, key);
    if (n === undefined) continue;
    checks.push((v) =>
      !Array.isArray(v) || (key === 'maxItems' ? v.length <= n : v.length >= n)
        ? []
        : [
            {
              operatorName: key,
              specifiedAs: { [key]: schema[key] },
              reason: 'array did not match specified length',
              consideredValue: v,
            },
          ],
    );
  }
  if (schema.uniqueItems !== undefined) {
    if (typeof schema.uniqueItems !== 'boolean')
      throw typeMismatch("$jsonSchema keyword 'uniqueItems' must be a boolean");
    if (schema.uniqueItems) {
      checks.push((v) => {
        if (!Array.isArray(v)) return [];
        const dup = v.find((x, i) => v.slice(0, i).some((y) => valuesEqual(x, y)));
        if (dup === undefined) return [];
        return [
          {
            operatorName: 'uniqueItems',
            specifiedAs: { uniqueItems: true },
            reason: 'found a duplicate item',
            consideredValue: v,
            duplicatedValue: dup,
          },
        ];
      });
    }
  }
  return checks;
}
