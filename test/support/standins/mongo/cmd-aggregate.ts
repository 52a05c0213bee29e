/**
 * `aggregate` for the Keel TEST-ONLY MongoDB stand-in. Only the pipelines Keel (and the driver's
 * countDocuments) send are implemented: $collStats {storageStats}, $match, $count,
 * $group with $sum, $sort, $skip, $limit. Any other stage fails with mongod's 40324.
 */
import os from 'node:os';
import type { Document } from 'bson';
import { collectionSizes, type CommandContext, type Handler } from './context';
import { CommandError } from './errors';
import { matches, sortDocuments } from './query';
import { validateCollectionName, validateDbName } from './store';
import {
  addNumbers,
  cloneDocument,
  isNumeric,
  isPlainObject,
  lookupPath,
  toNumber,
} from './values';

type Stage = [name: string, spec: unknown];

function stagesOf(pipeline: unknown): Stage[] {
  if (!Array.isArray(pipeline)) {
    throw new CommandError(
      'TypeMismatch',
      "BSON field 'aggregate.pipeline' is the wrong type, expected type 'array'",
    );
  }
  return pipeline.map((stage) => {
    const keys = isPlainObject(stage) ? Object.keys(stage) : [];
    if (keys.length !== 1) {
      throw new CommandError(
        'Location40324',
        'A pipeline stage specification object must contain exactly one field.',
      );
    }
    const name = keys[0] as string;
    return [name, (stage as Document)[name]];
  });
}

function fieldPathValue(doc: Document, expr: unknown): unknown {
  if (typeof expr === 'string' && expr.startsWith('$')) {
    const [value] = lookupPath(doc, expr.slice(1));
    return value ?? null;
  }
  if (isPlainObject(expr)) {
    return Object.fromEntries(Object.entries(expr).map(([k, e]) => [k, fieldPathValue(doc, e)]));
  }
  return expr;
}

/** $group with `_id` as a constant, `$field` or `{k: '$field'}`, and `$sum` accumulators only. */
function group(docs: Document[], spec: unknown): Document[] {
  if (!isPlainObject(spec) || !('_id' in spec)) {
    throw new CommandError('Location15952', 'a group specification must include an _id');
  }
  const accumulators = Object.entries(spec).filter(([k]) => k !== '_id');
  for (const [field, acc] of accumulators) {
    const op = isPlainObject(acc) ? Object.keys(acc)[0] : undefined;
    if (op !== '$sum') {
      throw new CommandError('Location15952', `unknown group operator '${op ?? field}'`);
    }
  }
  const groups = new Map<string, Document>();
  for (const doc of docs) {
    const id = fieldPathValue(doc, spec._id);
    const key = JSON.stringify(id ?? null);
    let out = groups.get(key);
    if (!out) {
      out = { _id: id ?? null, ...Object.fromEntries(accumulators.map(([f]) => [f, 0])) };
      groups.set(key, out);
    }
    for (const [field, acc] of accumulators) {
      const value = fieldPathValue(doc, (acc as Document).$sum);
      // $sum ignores non-numeric values, as mongod does.
      if (isNumeric(value)) out[field] = addNumbers(out[field], value);
    }
  }
  return [...groups.values()];
}

function collStatsStage(ctx: CommandContext, name: string, spec: unknown): Document[] {
  const coll = ctx.server.store.getCollection(ctx.db, name);
  const out: Document = {
    ns: `${ctx.db}.${name}`,
    host: `${os.hostname()}:${ctx.server.hostAndPort.split(':')[1]}`,
    localTime: new Date(),
  };
  const wanted = isPlainObject(spec) ? spec : {};
  if (wanted.storageStats !== undefined) {
    if (!coll) {
      throw new CommandError(
        'NamespaceNotFound',
        `PlanExecutor error during aggregation :: caused by :: Unable to retrieve storageStats in $collStats stage :: caused by :: Collection [${ctx.db}.${name}] not found.`,
      );
    }
    const { scaleFactor: _scale, ...sizes } = collectionSizes(coll);
    out.storageStats = sizes;
  }
  if (wanted.count !== undefined) out.count = coll?.docs.length ?? 0;
  return [out];
}

function runPipeline(ctx: CommandContext, name: string | undefined, stages: Stage[]): Document[] {
  const first = stages[0]?.[0];
  if (name === undefined) {
    // Collection-less stages ($currentOp, $documents, ...) are not implemented.
    if (first === undefined) return [];
    throw new CommandError(
      'InvalidNamespace',
      `{aggregate: 1} is not valid for '${first}'; a collection is required.`,
    );
  }
  let docs =
    first === '$collStats' ? [] : [...(ctx.server.store.getCollection(ctx.db, name)?.docs ?? [])];
  stages.forEach(([stage, spec], i) => {
    switch (stage) {
      case '$collStats':
        if (i !== 0)
          throw new CommandError(
            'Location40324',
            '$collStats is only valid as the first stage in a pipeline',
          );
        docs = collStatsStage(ctx, name, spec);
        return;
      case '$match':
        docs = docs.filter((d) => matches(d, spec as Document));
        return;
      case '$count':
        if (
          typeof spec !== 'string' ||
          spec.length === 0 ||
          spec.startsWith('$') ||
          spec.includes('.')
        ) {
          throw new CommandError('BadValue', 'the count field must be a non-empty string');
        }
        // Like mongod, $count over no documents produces no document at all.
        docs = docs.length > 0 ? [{ [spec]: docs.length }] : [];
        return;
      case '$group':
        docs = group(docs, spec);
        return;
      case '$sort':
        docs = sortDocuments(docs, spec as Document);
        return;
      case '$skip':
        docs = docs.slice(toNumber(spec));
        return;
      case '$limit':
        docs = docs.slice(0, toNumber(spec));
        return;
      default:
        throw new CommandError(
          'Location40324',
          `Unrecognized pipeline stage name: '${stage}' (not implemented by the Keel MongoDB stand-in)`,
        );
    }
  });
  return docs;
}

function aggregate(ctx: CommandContext): Document {
  const target = ctx.body.aggregate;
  const name = target === 1 ? undefined : validateCollectionName(ctx.db, target);
  validateDbName(ctx.db);
  if (!isPlainObject(ctx.body.cursor) && !ctx.body.explain) {
    throw new CommandError(
      'FailedToParse',
      "The 'cursor' option is required, except for aggregate with the explain argument",
    );
  }
  if (ctx.body.explain)
    throw new CommandError('BadValue', 'explain is not supported by the Keel MongoDB stand-in');
  const stages = stagesOf(ctx.body.pipeline);
  const results = runPipeline(ctx, name, stages).map((d) => cloneDocument(d));
  const ns = name === undefined ? `${ctx.db}.$cmd.aggregate` : `${ctx.db}.${name}`;
  const batchSize = (ctx.body.cursor as Document | undefined)?.batchSize;
  return { cursor: ctx.server.cursors.openCursor(ns, results, batchSize), ok: 1 };
}

export const aggregateCommands: Record<string, Handler> = { aggregate };
