/**
 * `$jsonSchema` for the Keel TEST-ONLY MongoDB stand-in: parsed (and refused) when a validator is
 * set, then evaluated into mongod's structured failure details (MongoDB 5.0+, same in 6.0 / 7.0).
 *   keywords:  https://www.mongodb.com/docs/manual/reference/operator/query/jsonSchema/
 *   details:   https://www.mongodb.com/docs/manual/core/schema-validation/#view-validation-errors
 * Parse errors follow mongod's json_schema_parser (unknown or unsupported keyword → 9
 * FailedToParse, a keyword of the wrong BSON type → 14 TypeMismatch, an unknown type alias → 2).
 */
import type { Document } from 'bson';
import { CommandError, notImplemented } from './errors';
import {
  arrayChecks,
  count,
  failedToParse,
  scalarChecks,
  typeMismatch,
  type SchemaCheck,
} from './jsonschema-leaf';
import { isPlainObject, valuesEqual } from './values';
import { bsonTypeName, typeMatches, TYPE_ALIASES, JSON_TYPES } from './bsontypes';

/** Every keyword mongod's $jsonSchema parser accepts. */
const KNOWN = new Set([
  'additionalItems',
  'additionalProperties',
  'allOf',
  'anyOf',
  'bsonType',
  'dependencies',
  'description',
  'encrypt',
  'encryptMetadata',
  'enum',
  'exclusiveMaximum',
  'exclusiveMinimum',
  'items',
  'maxItems',
  'maxLength',
  'maxProperties',
  'maximum',
  'minItems',
  'minLength',
  'minProperties',
  'minimum',
  'multipleOf',
  'not',
  'oneOf',
  'pattern',
  'patternProperties',
  'properties',
  'required',
  'title',
  'type',
  'uniqueItems',
]);
/** Keywords of JSON Schema draft 4 that mongod names as "not currently supported". */
const UNSUPPORTED = new Set(['$ref', '$schema', 'default', 'definitions', 'format', 'id']);
/** Valid in MongoDB, not modelled by the stand-in (Keel's blueprints do not use them). */
const NOT_MODELLED = new Set([
  'additionalItems',
  'dependencies',
  'encrypt',
  'encryptMetadata',
  'patternProperties',
]);

export type { SchemaCheck } from './jsonschema-leaf';

function typeSet(schema: Document, key: 'bsonType' | 'type'): string[] | undefined {
  const spec = schema[key];
  if (spec === undefined) return undefined;
  const names = typeof spec === 'string' ? [spec] : spec;
  if (!Array.isArray(names)) {
    throw typeMismatch(
      `$jsonSchema keyword '${key}' must be either a string or an array of strings`,
    );
  }
  if (names.length === 0)
    throw failedToParse(`$jsonSchema keyword '${key}' must name at least one type`);
  const known = key === 'type' ? JSON_TYPES : TYPE_ALIASES;
  for (const name of names) {
    if (typeof name !== 'string') {
      throw typeMismatch(`$jsonSchema keyword '${key}' array elements must be strings`);
    }
    if (name === 'integer')
      throw failedToParse("$jsonSchema type 'integer' is not currently supported.");
    if (!known.has(name)) throw new CommandError('BadValue', `Unknown type name alias: ${name}`);
  }
  return names as string[];
}

function subschemas(schema: Document, key: string): Document[] | undefined {
  const v = schema[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw typeMismatch(`$jsonSchema keyword '${key}' must be an array`);
  if (v.length === 0)
    throw new CommandError('BadValue', `$jsonSchema keyword '${key}' must be a non-empty array`);
  if (!v.every(isPlainObject)) {
    throw typeMismatch(`$jsonSchema keyword '${key}' must be an array of objects`);
  }
  return v as Document[];
}

function checkKeywords(schema: Document): void {
  for (const key of Object.keys(schema)) {
    if (UNSUPPORTED.has(key))
      throw failedToParse(`$jsonSchema keyword '${key}' is not currently supported`);
    if (!KNOWN.has(key)) throw failedToParse(`Unknown $jsonSchema keyword: ${key}`);
    if (NOT_MODELLED.has(key)) throw notImplemented(`$jsonSchema keyword '${key}'`);
  }
  for (const key of ['title', 'description']) {
    if (schema[key] !== undefined && typeof schema[key] !== 'string') {
      throw typeMismatch(`$jsonSchema keyword '${key}' must be of type string`);
    }
  }
  if (schema.type !== undefined && schema.bsonType !== undefined) {
    throw failedToParse("Cannot specify both $jsonSchema keywords 'type' and 'bsonType'");
  }
}

/** Compiles one (sub)schema; `topLevel` schemas describe the document itself. */
export function compileSchema(schema: unknown, topLevel = false): SchemaCheck {
  if (!isPlainObject(schema)) throw typeMismatch('$jsonSchema must be an object');
  checkKeywords(schema);
  const typeKey = schema.bsonType !== undefined ? 'bsonType' : 'type';
  const types = typeSet(schema, typeKey);
  // Checks run in the order mongod's parser builds them: scalar, array, object, logical, type.
  const checks: SchemaCheck[] = [];
  if (!topLevel) checks.push(...scalarChecks(schema), ...arrayChecks(schema, compileSchema));
  checks.push(...objectChecks(schema), ...logicalChecks(schema));
  if (types && !topLevel) {
    const isBson = typeKey === 'bsonType';
    checks.push((v) =>
      types.some((t) => typeMatches(v, t, isBson))
        ? []
        : [
            {
              operatorName: typeKey,
              specifiedAs: { [typeKey]: schema[typeKey] },
              reason: 'type did not match',
              consideredValue: v,
              consideredType: bsonTypeName(v),
            },
          ],
    );
  }
  return (value) => checks.flatMap((check) => check(value));
}

function objectChecks(schema: Document): SchemaCheck[] {
  const checks: SchemaCheck[] = [];
  const props = schema.properties;
  if (props !== undefined && !isPlainObject(props))
    throw typeMismatch("$jsonSchema keyword 'properties' must be an object");
  const compiled = Object.entries(props ?? {}).map(([name, sub]) => {
    if (!isPlainObject(sub))
      throw typeMismatch(`Nested schema for $jsonSchema property '${name}' must be an object`);
    const annotations: Document = {};
    if (sub.title !== undefined) annotations.title = sub.title;
    if (sub.description !== undefined) annotations.description = sub.description;
    return { name, annotations, check: compileSchema(sub) };
  });
  if (compiled.length > 0) {
    checks.push((v) => {
      if (!isPlainObject(v)) return [];
      const failing = compiled.flatMap(({ name, annotations, check }) => {
        if (!(name in v)) return [];
        const details = check(v[name]);
        return details.length > 0 ? [{ propertyName: name, ...annotations, details }] : [];
      });
      return failing.length > 0
        ? [{ operatorName: 'properties', propertiesNotSatisfied: failing }]
        : [];
    });
  }
  const extra = schema.additionalProperties;
  if (extra !== undefined) {
    if (typeof extra !== 'boolean' && !isPlainObject(extra)) {
      throw typeMismatch(
        "$jsonSchema keyword 'additionalProperties' must be either an object or a boolean",
      );
    }
    const sub = isPlainObject(extra) ? compileSchema(extra) : undefined;
    const known = new Set(Object.keys(props ?? {}));
    checks.push((v) => {
      if (!isPlainObject(v) || extra === true) return [];
      const additional = Object.keys(v).filter((k) => !known.has(k));
      if (!sub) {
        if (additional.length === 0) return [];
        return [
          {
            operatorName: 'additionalProperties',
            specifiedAs: { additionalProperties: false },
            additionalProperties: additional,
          },
        ];
      }
      for (const name of additional) {
        const details = sub(v[name]);
        if (details.length > 0) {
          const reason = 'at least one additional property did not match the subschema';
          return [{ operatorName: 'additionalProperties', reason, failingProperty: name, details }];
        }
      }
      return [];
    });
  }
  if (schema.required !== undefined) {
    const req = schema.required;
    if (!Array.isArray(req)) throw typeMismatch("$jsonSchema keyword 'required' must be an array");
    if (req.length === 0)
      throw failedToParse("$jsonSchema keyword 'required' cannot be an empty array");
    if (!req.every((r) => typeof r === 'string'))
      throw typeMismatch("$jsonSchema keyword 'required' must contain only strings");
    if (new Set(req).size !== req.length)
      throw failedToParse("$jsonSchema keyword 'required' array cannot contain duplicate values");
    checks.push((v) => {
      if (!isPlainObject(v)) return [];
      const missing = (req as string[]).filter((name) => !(name in v));
      return missing.length > 0
        ? [{ operatorName: 'required', specifiedAs: { required: req }, missingProperties: missing }]
        : [];
    });
  }
  for (const key of ['minProperties', 'maxProperties'] as const) {
    const n = count(schema, key);
    if (n === undefined) continue;
    checks.push((v) => {
      if (!isPlainObject(v)) return [];
      const numberOfProperties = Object.keys(v).length;
      if (key === 'minProperties' ? numberOfProperties >= n : numberOfProperties <= n) return [];
      const reason = 'specified number of properties was not satisfied';
      return [
        { operatorName: key, specifiedAs: { [key]: schema[key] }, reason, numberOfProperties },
      ];
    });
  }
  return checks;
}

function logicalChecks(schema: Document): SchemaCheck[] {
  const checks: SchemaCheck[] = [];
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    const subs = subschemas(schema, key)?.map((s) => compileSchema(s));
    if (!subs) continue;
    checks.push((v) => {
      const results = subs.map((check) => check(v));
      const failing = results.flatMap((details, index) =>
        details.length > 0 ? [{ index, details }] : [],
      );
      const passing = results.length - failing.length;
      if (key === 'allOf' && failing.length > 0)
        return [{ operatorName: key, schemasNotSatisfied: failing }];
      if (passing === 0 && key !== 'allOf')
        return [{ operatorName: key, schemasNotSatisfied: failing }];
      if (key === 'oneOf' && passing > 1) {
        const matchingSchemaIndexes = results.flatMap((d, i) => (d.length === 0 ? [i] : []));
        return [
          { operatorName: key, reason: 'more than one subschema matched', matchingSchemaIndexes },
        ];
      }
      return [];
    });
  }
  if (schema.not !== undefined) {
    if (!isPlainObject(schema.not))
      throw typeMismatch("$jsonSchema keyword 'not' must be an object");
    const sub = compileSchema(schema.not);
    checks.push((v) =>
      sub(v).length === 0 ? [{ operatorName: 'not', reason: 'child expression matched' }] : [],
    );
  }
  if (schema.enum !== undefined) {
    const values = schema.enum;
    if (!Array.isArray(values)) throw typeMismatch("$jsonSchema keyword 'enum' must be an array");
    if (values.length === 0)
      throw failedToParse("$jsonSchema keyword 'enum' cannot be an empty array");
    checks.push((v) =>
      values.some((e) => valuesEqual(e, v))
        ? []
        : [
            {
              operatorName: 'enum',
              specifiedAs: { enum: values },
              reason: 'value was not found in enum',
              consideredValue: v,
            },
          ],
    );
  }
  return checks;
}
