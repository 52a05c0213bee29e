/**
 * Namespace and index commands of the Keel TEST-ONLY MongoDB stand-in: create, drop,
 * dropDatabase, listCollections, createIndexes, listIndexes, dropIndexes, collStats.
 */
import type { Document } from 'bson';
import { collectionSizes, type CommandContext, type Handler } from './context';
import { CommandError, notImplemented } from './errors';
import { matches } from './query';
import { validateCollectionName, validateDbName, type Collection, type IndexSpec } from './store';
import { isPlainObject, valuesEqual } from './values';

function collectionName(ctx: CommandContext): string {
  return validateCollectionName(ctx.db, ctx.body[ctx.name]);
}

function existing(ctx: CommandContext, name: string): Collection {
  const coll = ctx.server.store.getCollection(ctx.db, name);
  if (!coll) throw new CommandError('NamespaceNotFound', `ns does not exist: ${ctx.db}.${name}`);
  return coll;
}

/**
 * `create` on an existing collection differs by release (both are modelled, see
 * https://www.mongodb.com/docs/v7.0/reference/command/create/ and SERVER-60064):
 * - 6.0: always NamespaceExists (48).
 * - 7.0+: identical options → no action, `ok: 1`; different options → NamespaceExists.
 *   (Through mongos the identical case has answered ok since 4.0.) So `ok: 1` never means
 *   "this call created it": a caller must look before it claims a collection as its own.
 */
function create(ctx: CommandContext): Document {
  const name = collectionName(ctx);
  if (ctx.body.viewOn !== undefined) throw notImplemented('views');
  const options: Document = {};
  for (const key of ['capped', 'size', 'max', 'validator', 'validationLevel', 'validationAction']) {
    if (ctx.body[key] !== undefined) options[key] = ctx.body[key];
  }
  const existing = ctx.server.store.getCollection(ctx.db, name);
  if (existing) {
    if (ctx.server.version !== '6.0' && valuesEqual(existing.options, options)) return { ok: 1 };
    const message =
      ctx.server.version === '6.0'
        ? `Collection ${ctx.db}.${name} already exists.`
        : `namespace ${ctx.db}.${name} already exists, but with different options`;
    throw new CommandError('NamespaceExists', message);
  }
  ctx.server.store.ensureCollection(ctx.db, name, options);
  return { ok: 1 };
}

function drop(ctx: CommandContext): Document {
  const name = collectionName(ctx);
  const dropped = ctx.server.store.dropCollection(ctx.db, name);
  // Since MongoDB 7.0 dropping a missing collection succeeds quietly.
  if (!dropped) return { ok: 1 };
  return { nIndexesWas: dropped.indexes.length, ns: dropped.ns, ok: 1 };
}

function dropDatabase(ctx: CommandContext): Document {
  validateDbName(ctx.db);
  ctx.server.store.dropDatabase(ctx.db);
  return { dropped: ctx.db, ok: 1 };
}

function listCollections(ctx: CommandContext): Document {
  validateDbName(ctx.db);
  const entries = ctx.server.store.collections(ctx.db).map((c) => ({
    name: c.name,
    type: 'collection',
    options: { ...c.options },
    info: { readOnly: false, uuid: c.uuid },
    idIndex: { v: 2, key: { _id: 1 }, name: '_id_' },
  }));
  const filter = isPlainObject(ctx.body.filter) ? ctx.body.filter : undefined;
  const selected = entries.filter((e) => matches(e, filter));
  const docs = ctx.body.nameOnly ? selected.map(({ name, type }) => ({ name, type })) : selected;
  const cursorOpts = isPlainObject(ctx.body.cursor) ? ctx.body.cursor : {};
  const ns = `${ctx.db}.$cmd.listCollections`;
  return { cursor: ctx.server.cursors.openCursor(ns, docs, cursorOpts.batchSize), ok: 1 };
}

function defaultIndexName(key: Document): string {
  return Object.entries(key)
    .map(([field, dir]) => `${field}_${String(dir)}`)
    .join('_');
}

function createIndexes(ctx: CommandContext): Document {
  const name = collectionName(ctx);
  const specs = ctx.body.indexes;
  if (!Array.isArray(specs) || specs.length === 0) {
    throw new CommandError('BadValue', 'Must specify at least one index to create');
  }
  const [coll, created] = ctx.server.store.ensureCollection(ctx.db, name);
  const before = coll.indexes.length;
  for (const raw of specs as Document[]) {
    if (!isPlainObject(raw.key) || Object.keys(raw.key).length === 0) {
      throw new CommandError('FailedToParse', "The 'key' field must be a non-empty object");
    }
    const key = raw.key;
    const indexName = typeof raw.name === 'string' ? raw.name : defaultIndexName(key);
    const spec: IndexSpec = { v: 2, key, name: indexName };
    if (raw.unique) spec.unique = true;
    if (raw.sparse) spec.sparse = true;
    if (raw.expireAfterSeconds !== undefined) spec.expireAfterSeconds = raw.expireAfterSeconds;
    const sameName = coll.indexes.find((i) => i.name === indexName);
    const sameKey = coll.indexes.find((i) => valuesEqual(i.key, key));
    if (sameName && !valuesEqual(sameName.key, key)) {
      throw new CommandError(
        'IndexKeySpecsConflict',
        `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(sameName)}`,
      );
    }
    if (sameKey && sameKey.name !== indexName) {
      throw new CommandError(
        'IndexOptionsConflict',
        `Index already exists with a different name: ${sameKey.name}`,
      );
    }
    if (sameKey && Boolean(sameKey.unique) !== Boolean(spec.unique)) {
      throw new CommandError(
        'IndexKeySpecsConflict',
        `An existing index has the same name as the requested index but different options: ${indexName}`,
      );
    }
    if (!sameKey) coll.addIndex(spec);
  }
  const after = coll.indexes.length;
  return {
    numIndexesBefore: before,
    numIndexesAfter: after,
    ...(after === before ? { note: 'all indexes already exist' } : {}),
    createdCollectionAutomatically: created,
    ok: 1,
  };
}

function listIndexes(ctx: CommandContext): Document {
  const coll = existing(ctx, collectionName(ctx));
  const cursorOpts = isPlainObject(ctx.body.cursor) ? ctx.body.cursor : {};
  const docs = coll.indexes.map((i) => ({ ...i }));
  return { cursor: ctx.server.cursors.openCursor(coll.ns, docs, cursorOpts.batchSize), ok: 1 };
}

function dropIndexes(ctx: CommandContext): Document {
  const name = collectionName(ctx);
  const coll = ctx.server.store.getCollection(ctx.db, name);
  if (!coll) throw new CommandError('NamespaceNotFound', `ns not found ${ctx.db}.${name}`);
  const nIndexesWas = coll.indexes.length;
  const target = ctx.body.index;
  if (target === '*') {
    coll.indexes = coll.indexes.filter((i) => i.name === '_id_');
    return { nIndexesWas, msg: 'non-_id indexes dropped for collection', ok: 1 };
  }
  const wanted = Array.isArray(target) ? target : [target];
  const victims = wanted.map((t) => {
    const found = coll.indexes.find((i) =>
      isPlainObject(t) ? valuesEqual(i.key, t) : i.name === t,
    );
    if (!found) {
      const label = isPlainObject(t) ? JSON.stringify(t) : String(t);
      throw new CommandError('IndexNotFound', `index not found with name [${label}]`);
    }
    if (found.name === '_id_') throw new CommandError('InvalidOptions', 'cannot drop _id index');
    return found;
  });
  coll.indexes = coll.indexes.filter((i) => !victims.includes(i));
  return { nIndexesWas, ok: 1 };
}

function collStats(ctx: CommandContext): Document {
  const name = collectionName(ctx);
  const scale = Number(ctx.body.scale ?? 1) || 1;
  const coll = ctx.server.store.getCollection(ctx.db, name);
  // Since 4.2 (SERVER-29678) a missing collection reports zeros rather than an error.
  return { ns: `${ctx.db}.${name}`, ...collectionSizes(coll, scale), ok: 1 };
}

export const ddlCommands: Record<string, Handler> = {
  create,
  drop,
  dropDatabase,
  listCollections,
  createIndexes,
  listIndexes,
  dropIndexes,
  collStats,
};
