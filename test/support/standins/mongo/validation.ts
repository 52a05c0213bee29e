/**
 * Collection validators for the Keel TEST-ONLY MongoDB stand-in, as MongoDB 6.0 and 7.0 document
 * them (https://www.mongodb.com/docs/manual/core/schema-validation/):
 * - a validator is a query filter, `$jsonSchema` included; it is parsed when set (create /
 *   collMod) and a bad one fails with "Parsing of collection validator failed :: caused by :: …";
 * - validationLevel strict (default) checks every insert and update, moderate skips updates of
 *   documents that already fail the validator, off checks nothing
 *   (https://www.mongodb.com/docs/manual/core/schema-validation/specify-validation-level/);
 * - validationAction error (default) refuses the write with 121 DocumentValidationFailure and
 *   `errInfo: { failingDocumentId, details }`, warn lets it through (mongod only logs it)
 *   (https://www.mongodb.com/docs/manual/core/schema-validation/handle-invalid-documents/).
 */
import type { Document } from 'bson';
import { CommandError } from './errors';
import { compileSchema } from './jsonschema';
import { matches } from './query';
import { isPlainObject, lookupPath } from './values';

/** The failure details of a document, or undefined when it passes. */
type CompiledValidator = (doc: Document) => Document | undefined;

const LEVELS = new Set(['off', 'strict', 'moderate']);
const ACTIONS = new Set(['error', 'warn']);

/** mongod's leaf reasons (src/mongo/db/matcher/doc_validation_error.cpp). */
const LEAF_REASONS: Record<string, string> = {
  $eq: 'comparison failed',
  $gt: 'comparison failed',
  $gte: 'comparison failed',
  $lt: 'comparison failed',
  $lte: 'comparison failed',
  $ne: 'comparison succeeded',
  $in: 'no matching value found in array',
  $nin: 'matching value found in array',
  $regex: 'regular expression did not match',
  $size: 'array length was not equal to given size',
  $all: 'array did not contain all specified values',
};

function leafDetail(
  doc: Document,
  path: string,
  op: string,
  arg: unknown,
  spec: unknown,
): Document {
  const values = lookupPath(doc, path).filter((v) => v !== undefined);
  const base = { operatorName: op, specifiedAs: { [path]: spec } };
  if (op === '$exists') return { ...base, reason: arg ? 'path does not exist' : 'path does exist' };
  if (values.length === 0) return { ...base, reason: 'field was missing' };
  const considered =
    values.length === 1 ? { consideredValue: values[0] } : { consideredValues: values };
  return { ...base, reason: LEAF_REASONS[op] ?? 'expression did not match', ...considered };
}

/** Details of one failing `{field: condition}` clause. */
function fieldDetail(doc: Document, path: string, cond: unknown): Document {
  const ops =
    isPlainObject(cond) && Object.keys(cond)[0]?.startsWith('$')
      ? Object.entries(cond).filter(([op]) => op !== '$options')
      : [['$eq', cond] as [string, unknown]];
  const failing = ops.flatMap(([op, arg], index) => {
    const single = op === '$eq' && ops.length === 1 && !isPlainObject(cond) ? cond : { [op]: arg };
    return matches(doc, { [path]: single }) ? [] : [{ index, op, arg, single }];
  });
  if (ops.length === 1) {
    const [op, arg] = ops[0] as [string, unknown];
    return leafDetail(doc, path, op, arg, cond);
  }
  return {
    operatorName: '$and',
    clausesNotSatisfied: failing.map((f) => ({
      index: f.index,
      details: leafDetail(doc, path, f.op, f.arg, f.single),
    })),
  };
}

/** Details of one top-level clause (field condition, logical operator or $jsonSchema). */
function clauseDetail(doc: Document, key: string, cond: unknown): Document {
  if (key === '$jsonSchema') {
    return { operatorName: '$jsonSchema', schemaRulesNotSatisfied: compileSchema(cond, true)(doc) };
  }
  if (key === '$and' || key === '$or') {
    const clauses = (cond as Document[]).flatMap((sub, index) =>
      matches(doc, sub) ? [] : [{ index, details: filterDetail(doc, sub) }],
    );
    return { operatorName: key, clausesNotSatisfied: clauses };
  }
  if (key === '$nor') {
    const clauses = (cond as Document[]).flatMap((sub, index) =>
      matches(doc, sub)
        ? [{ index, details: { operatorName: '$nor', reason: 'clause matched' } }]
        : [],
    );
    return { operatorName: '$nor', clausesSatisfied: clauses };
  }
  return fieldDetail(doc, key, cond);
}

function filterDetail(doc: Document, filter: Document): Document {
  const failing = Object.entries(filter).flatMap(([key, cond], index) => {
    const ok = matches(doc, { [key]: cond });
    return ok ? [] : [{ index, details: clauseDetail(doc, key, cond) }];
  });
  if (Object.keys(filter).length === 1 && failing[0]) return failing[0].details;
  return { operatorName: '$and', clausesNotSatisfied: failing };
}

function parse(validator: unknown): CompiledValidator {
  if (!isPlainObject(validator)) {
    throw new CommandError(
      'TypeMismatch',
      "BSON field 'validator' is the wrong type, expected type 'object'",
    );
  }
  if (Object.keys(validator).length === 0) return () => undefined;
  // Probing an empty document parses every $jsonSchema and operator now, not on first write.
  matches({}, validator);
  return (doc) => (matches(doc, validator) ? undefined : filterDetail(doc, validator));
}

const compiled = new WeakMap<Document, CompiledValidator>();

function compiledFor(validator: Document): CompiledValidator {
  let check = compiled.get(validator);
  if (!check) {
    check = parse(validator);
    compiled.set(validator, check);
  }
  return check;
}

/**
 * Checks the validator, validationLevel and validationAction of a create / collMod command and
 * throws mongod's error for a bad one; nothing is changed when it throws.
 */
export function checkValidationOptions(body: Document): void {
  for (const [field, allowed] of [
    ['validationLevel', LEVELS],
    ['validationAction', ACTIONS],
  ] as const) {
    const value = body[field];
    if (value !== undefined && !(typeof value === 'string' && allowed.has(value))) {
      throw new CommandError(
        'BadValue',
        `Enumeration value '${String(value)}' for field '${field}' is not a valid value.`,
      );
    }
  }
  if (body.validator === undefined) return;
  try {
    compiledFor(body.validator as Document);
  } catch (err) {
    if (!(err instanceof CommandError)) throw err;
    throw new CommandError(
      err.codeName,
      `Parsing of collection validator failed :: caused by :: ${err.message}`,
    );
  }
}

/**
 * Throws 121 DocumentValidationFailure when `doc` (with its `_id`) fails the collection's
 * validator under its validationLevel / validationAction. `old` is the document an update
 * replaces (undefined for inserts).
 */
export function checkDocument(options: Document, doc: Document, old?: Document): void {
  const validator = options.validator as Document | undefined;
  if (!validator) return;
  const level = (options.validationLevel as string | undefined) ?? 'strict';
  if (level === 'off') return;
  const check = compiledFor(validator);
  if (old && level === 'moderate' && check(old) !== undefined) return;
  const details = check(doc);
  if (!details) return;
  // validationAction 'warn' lets the write through; mongod only logs "Document would fail validation".
  if (options.validationAction === 'warn') return;
  throw new CommandError('DocumentValidationFailure', 'Document failed validation', {
    errInfo: { failingDocumentId: doc._id, details },
  });
}
