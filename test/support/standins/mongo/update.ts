/**
 * Update documents for the Keel TEST-ONLY MongoDB stand-in: replacement documents and the
 * operators Keel uses ($set, $unset, $inc, $setOnInsert, $push, $currentDate), plus the
 * upsert seed document derived from the filter's equality conditions.
 */
import { ObjectId, type Document } from 'bson';
import { CommandError, notImplemented } from './errors';
import { addNumbers, cloneDocument, isNumeric, isPlainObject, valuesEqual } from './values';

export function isOperatorUpdate(update: Document): boolean {
  return Object.keys(update).some((k) => k.startsWith('$'));
}

/** Walks to the parent container of `path`, creating objects on the way if asked. */
function parentOf(
  doc: Document,
  path: string,
  create: boolean,
): [Document | unknown[], string] | undefined {
  const parts = path.split('.');
  const last = parts.pop() as string;
  let node: unknown = doc;
  for (const part of parts) {
    const container = node as Document;
    let next: unknown = Array.isArray(container) ? container[Number(part)] : container[part];
    if (next === undefined || next === null) {
      if (!create) return undefined;
      next = {};
      container[part] = next;
    }
    if (!isPlainObject(next) && !Array.isArray(next)) {
      throw new CommandError(
        'PathNotViable',
        `Cannot create field '${last}' in element {${part}: ${JSON.stringify(next)}}`,
      );
    }
    node = next;
  }
  return [node as Document, last];
}

function setPath(doc: Document, path: string, value: unknown): void {
  const found = parentOf(doc, path, true);
  if (!found) return;
  const [parent, key] = found;
  (parent as Document)[key] = value;
}

function getPath(doc: Document, path: string): unknown {
  const found = parentOf(doc, path, false);
  return found ? (found[0] as Document)[found[1]] : undefined;
}

function unsetPath(doc: Document, path: string): void {
  const found = parentOf(doc, path, false);
  if (!found) return;
  const [parent, key] = found;
  // $unset on an array element sets it to null rather than shifting the array, as mongod does.
  if (Array.isArray(parent)) parent[Number(key)] = null;
  else delete parent[key];
}

function assertNotId(path: string): void {
  if (path === '_id' || path.startsWith('_id.')) {
    throw new CommandError(
      'ImmutableField',
      "Performing an update on the path '_id' would modify the immutable field '_id'",
    );
  }
}

/**
 * Returns the updated copy of `doc`. `isInsert` enables $setOnInsert (upserts only).
 * Operators apply in document order, which is all Keel relies on.
 */
export function applyUpdate(doc: Document, update: Document, isInsert: boolean): Document {
  if (Array.isArray(update)) throw notImplemented('pipeline-style update');
  const out = cloneDocument(doc);
  if (!isOperatorUpdate(update)) {
    if ('_id' in update && '_id' in doc && !valuesEqual(update._id, doc._id)) assertNotId('_id');
    // A replacement keeps the original _id, first, as mongod does.
    const { _id: _replacementId, ...rest } = update;
    return cloneDocument({ _id: doc._id, ...rest });
  }
  for (const [op, fields] of Object.entries(update)) {
    if (!op.startsWith('$')) {
      throw new CommandError(
        'FailedToParse',
        `Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`,
      );
    }
    if (!isPlainObject(fields)) {
      throw new CommandError(
        'FailedToParse',
        `Modifiers operate on fields but we found type ${typeof fields} instead`,
      );
    }
    for (const [path, arg] of Object.entries(fields)) {
      if (!isInsert || op !== '$setOnInsert') assertNotId(path);
      applyOperator(out, op, path, arg, isInsert);
    }
  }
  return out;
}

function applyOperator(
  doc: Document,
  op: string,
  path: string,
  arg: unknown,
  isInsert: boolean,
): void {
  switch (op) {
    case '$set':
      setPath(doc, path, arg);
      return;
    case '$setOnInsert':
      if (isInsert) setPath(doc, path, arg);
      return;
    case '$unset':
      unsetPath(doc, path);
      return;
    case '$inc': {
      if (!isNumeric(arg)) {
        throw new CommandError(
          'TypeMismatch',
          `Cannot increment with non-numeric argument: {${path}: ${String(arg)}}`,
        );
      }
      const current = getPath(doc, path);
      if (current !== undefined && !isNumeric(current)) {
        throw new CommandError(
          'TypeMismatch',
          `Cannot apply $inc to a value of non-numeric type. {_id: ${String(doc._id)}} has the field '${path}' of non-numeric type ${typeof current}`,
        );
      }
      setPath(doc, path, current === undefined ? arg : addNumbers(current, arg));
      return;
    }
    case '$push': {
      const current = getPath(doc, path);
      if (current !== undefined && !Array.isArray(current)) {
        throw new CommandError(
          'BadValue',
          `The field '${path}' must be an array but is of type ${typeof current} in document {_id: ${String(doc._id)}}`,
        );
      }
      const items = isPlainObject(arg) && '$each' in arg ? (arg.$each as unknown[]) : [arg];
      setPath(doc, path, [...(current ?? []), ...items]);
      return;
    }
    case '$currentDate':
      setPath(doc, path, new Date());
      return;
    default:
      if (['$min', '$max', '$mul', '$rename', '$addToSet', '$pull', '$pop', '$bit'].includes(op)) {
        throw notImplemented(`update operator ${op}`);
      }
      throw new CommandError(
        'FailedToParse',
        `Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`,
      );
  }
}

/** The document an upsert starts from: the filter's top-level (and $and'ed) equality fields. */
function upsertSeed(filter: Document, seed: Document = {}): Document {
  for (const [key, cond] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(cond)) {
      for (const sub of cond) upsertSeed(sub as Document, seed);
    } else if (!key.startsWith('$')) {
      if (isPlainObject(cond) && Object.keys(cond)[0]?.startsWith('$')) {
        if ('$eq' in cond) setPath(seed, key, cond.$eq);
      } else if (!(cond instanceof RegExp)) {
        setPath(seed, key, cond);
      }
    }
  }
  return seed;
}

/** Builds the document an upsert inserts; `_id` comes first, generated if the filter had none. */
export function buildUpsert(filter: Document, update: Document): Document {
  const fromFilter = upsertSeed(filter);
  // A replacement upsert takes only `_id` from the filter; operator upserts take every equality.
  const seed = isOperatorUpdate(update)
    ? applyUpdate(fromFilter, update, true)
    : { ...('_id' in fromFilter ? { _id: fromFilter._id } : {}), ...cloneDocument(update) };
  const id = '_id' in seed ? seed._id : new ObjectId();
  const { _id: _ignored, ...rest } = seed;
  return { _id: id, ...rest };
}
