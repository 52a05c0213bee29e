/**
 * CRUD commands of the Keel TEST-ONLY MongoDB stand-in: insert, find, getMore, killCursors,
 * update, delete, count. Write commands answer in mongod's `{ n, nModified?, upserted?,
 * writeErrors?, ok: 1 }` shape; per-document failures are writeErrors, not command errors.
 */
import { Long, serialize, type Document } from 'bson';
import type { CommandContext, Handler } from './context';
import { CommandError } from './errors';
import { matches, projectDocument, sortDocuments } from './query';
import { validateCollectionName, type Collection, type WriteOptions } from './store';
import { applyUpdate, buildUpsert, isOperatorUpdate } from './update';
import { cloneDocument, isPlainObject, toNumber } from './values';

function collectionName(ctx: CommandContext): string {
  return validateCollectionName(ctx.db, ctx.body[ctx.name]);
}

function optionalDocument(ctx: CommandContext, field: string): Document | undefined {
  const value = ctx.body[field];
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) {
    throw new CommandError(
      'TypeMismatch',
      `BSON field '${ctx.name}.${field}' is the wrong type, expected type 'object'`,
    );
  }
  return value;
}

function statements(ctx: CommandContext, field: string): Document[] {
  const value = ctx.body[field];
  if (!Array.isArray(value)) {
    throw new CommandError(
      'FailedToParse',
      `BSON field '${ctx.name}.${field}' is missing but a required field`,
    );
  }
  return value as Document[];
}

/**
 * Runs each write statement, collecting per-statement failures as writeErrors. Ordered writes
 * (the default) stop at the first failure, as in mongod.
 */
function eachStatement(
  ctx: CommandContext,
  items: Document[],
  run: (item: Document, index: number) => void,
): Document[] {
  const ordered = ctx.body.ordered !== false;
  const writeErrors: Document[] = [];
  for (const [index, item] of items.entries()) {
    try {
      run(item, index);
    } catch (err) {
      if (!(err instanceof CommandError)) throw err;
      writeErrors.push(err.toWriteError(index));
      if (ordered) break;
    }
  }
  return writeErrors;
}

/** Document validation applies unless the (authorised) client bypasses it. */
function writeOptions(ctx: CommandContext): WriteOptions {
  return { bypassDocumentValidation: ctx.body.bypassDocumentValidation === true };
}

function matching(coll: Collection | undefined, filter: Document | undefined): Document[] {
  return coll ? coll.docs.filter((d) => matches(d, filter)) : [];
}

function insert(ctx: CommandContext): Document {
  const name = collectionName(ctx);
  const docs = statements(ctx, 'documents');
  const [coll] = ctx.server.store.ensureCollection(ctx.db, name);
  let n = 0;
  const writeErrors = eachStatement(ctx, docs, (doc) => {
    ctx.server.opcounters.insert += 1;
    coll.insert(doc, writeOptions(ctx));
    n += 1;
  });
  return { n, ...(writeErrors.length > 0 ? { writeErrors } : {}), ok: 1 };
}

function find(ctx: CommandContext): Document {
  const name = collectionName(ctx);
  const ns = `${ctx.db}.${name}`;
  const filter = optionalDocument(ctx, 'filter');
  const projection = optionalDocument(ctx, 'projection');
  const sort = optionalDocument(ctx, 'sort');
  if (ctx.body.tailable || ctx.body.awaitData) {
    throw new CommandError(
      'BadValue',
      'tailable cursors are not supported by the Keel MongoDB stand-in',
    );
  }
  let docs = sortDocuments(matching(ctx.server.store.getCollection(ctx.db, name), filter), sort);
  const skip = toNumber(ctx.body.skip ?? 0);
  let limit = toNumber(ctx.body.limit ?? 0);
  if (skip < 0 || Number.isNaN(skip))
    throw new CommandError('BadValue', 'skip value must be non-negative');
  // A negative limit is the legacy "single batch" spelling.
  const singleBatch = Boolean(ctx.body.singleBatch) || limit < 0;
  limit = Math.abs(limit);
  docs = docs.slice(skip, limit > 0 ? skip + limit : undefined);
  const results = docs.map((d) => projectDocument(cloneDocument(d), projection));
  const cursor = ctx.server.cursors.openCursor(ns, results, ctx.body.batchSize, singleBatch);
  return { cursor, ok: 1 };
}

function getMore(ctx: CommandContext): Document {
  const id = ctx.body.getMore;
  if (!Long.isLong(id) && typeof id !== 'number') {
    throw new CommandError(
      'TypeMismatch',
      "BSON field 'getMore.getMore' is the wrong type, expected type 'long'",
    );
  }
  const name = validateCollectionName(ctx.db, ctx.body.collection);
  return { cursor: ctx.server.cursors.getMore(id, `${ctx.db}.${name}`, ctx.body.batchSize), ok: 1 };
}

function killCursors(ctx: CommandContext): Document {
  collectionName(ctx);
  const ids = Array.isArray(ctx.body.cursors) ? (ctx.body.cursors as unknown[]) : [];
  const { killed, notFound } = ctx.server.cursors.kill(ids);
  return {
    cursorsKilled: killed,
    cursorsNotFound: notFound,
    cursorsAlive: [],
    cursorsUnknown: [],
    ok: 1,
  };
}

function update(ctx: CommandContext): Document {
  const name = collectionName(ctx);
  const store = ctx.server.store;
  let n = 0;
  let nModified = 0;
  const upserted: Document[] = [];
  const writeErrors = eachStatement(ctx, statements(ctx, 'updates'), (stmt, index) => {
    ctx.server.opcounters.update += 1;
    const q = (stmt.q ?? {}) as Document;
    const u = stmt.u as Document;
    if (!isPlainObject(u) && !Array.isArray(u))
      throw new CommandError(
        'FailedToParse',
        "BSON field 'update.updates.u' is missing but a required field",
      );
    if (stmt.multi && !isOperatorUpdate(u)) {
      throw new CommandError(
        'FailedToParse',
        'multi update is not supported for replacement-style update',
      );
    }
    const coll = store.getCollection(ctx.db, name);
    const found = matching(coll, q);
    const targets = stmt.multi ? found : found.slice(0, 1);
    if (targets.length === 0 && stmt.upsert) {
      const [target] = store.ensureCollection(ctx.db, name);
      const doc = target.insert(buildUpsert(q, u), writeOptions(ctx));
      upserted.push({ index, _id: doc._id });
      n += 1;
      return;
    }
    for (const doc of targets) {
      const next = applyUpdate(doc, u, false);
      n += 1;
      // nModified counts only documents whose bytes actually changed, as mongod does.
      if (Buffer.compare(serialize(doc), serialize(next)) !== 0) {
        coll?.replace(doc, next, writeOptions(ctx));
        nModified += 1;
      }
    }
  });
  return {
    n,
    nModified,
    ...(upserted.length > 0 ? { upserted } : {}),
    ...(writeErrors.length > 0 ? { writeErrors } : {}),
    ok: 1,
  };
}

function remove(ctx: CommandContext): Document {
  const name = collectionName(ctx);
  let n = 0;
  const writeErrors = eachStatement(ctx, statements(ctx, 'deletes'), (stmt) => {
    ctx.server.opcounters.delete += 1;
    const limit = toNumber(stmt.limit ?? 0);
    if (limit !== 0 && limit !== 1) {
      throw new CommandError(
        'FailedToParse',
        `The limit field in delete objects must be 0 or 1. Got ${limit}`,
      );
    }
    const coll = ctx.server.store.getCollection(ctx.db, name);
    const found = matching(coll, (stmt.q ?? {}) as Document);
    for (const doc of limit === 1 ? found.slice(0, 1) : found) {
      coll?.remove(doc);
      n += 1;
    }
  });
  return { n, ...(writeErrors.length > 0 ? { writeErrors } : {}), ok: 1 };
}

function count(ctx: CommandContext): Document {
  const name = collectionName(ctx);
  const found = matching(
    ctx.server.store.getCollection(ctx.db, name),
    optionalDocument(ctx, 'query'),
  );
  const skip = Math.max(0, toNumber(ctx.body.skip ?? 0));
  const limit = Math.abs(toNumber(ctx.body.limit ?? 0));
  const n = Math.max(0, found.length - skip);
  return { n: limit > 0 ? Math.min(limit, n) : n, ok: 1 };
}

export const crudCommands: Record<string, Handler> = {
  insert,
  find,
  getMore,
  killCursors,
  update,
  delete: remove,
  count,
};
