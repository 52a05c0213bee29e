/**
 * In-memory data of the Keel TEST-ONLY MongoDB stand-in: databases → collections → documents,
 * with `_id` and unique indexes enforced (E11000). Nothing is persisted; `restart()` keeps the
 * Store object, which is what "data survives a mongod restart" means for tests.
 */
import { calculateObjectSize, ObjectId, UUID, type Document } from 'bson';
import { CommandError } from './errors';
import { checkDocument } from './validation';
import { cloneDocument, isNumeric, isPlainObject, lookupPath, toNumber } from './values';

export interface IndexSpec extends Document {
  v: number;
  key: Document;
  name: string;
  unique?: boolean;
  sparse?: boolean;
}

/** `bypassDocumentValidation` of insert / update (allowed only with that privilege action). */
export interface WriteOptions {
  bypassDocumentValidation?: boolean;
}

const ID_INDEX: IndexSpec = { v: 2, key: { _id: 1 }, name: '_id_' };

/** MongoDB's naming rules: https://www.mongodb.com/docs/manual/reference/limits/#naming-restrictions */
export function validateDbName(db: string): void {
  if (db.length === 0 || db.length >= 64 || /[/\\. "$*<>:|?\0]/.test(db)) {
    throw new CommandError('InvalidNamespace', `Invalid database name: '${db}'`);
  }
}

export function validateCollectionName(db: string, name: unknown): string {
  validateDbName(db);
  if (typeof name !== 'string') {
    throw new CommandError('InvalidNamespace', `collection name has invalid type ${typeof name}`);
  }
  const invalid =
    name.length === 0 ||
    name.includes('$') ||
    name.includes('\0') ||
    name.startsWith('.') ||
    name.startsWith('system.') ||
    Buffer.byteLength(`${db}.${name}`) > 255;
  if (invalid) throw new CommandError('InvalidNamespace', `Invalid collection name: ${name}`);
  return name;
}

/** A comparable string for an index key value; numbers of any BSON type compare equal. */
function keyString(v: unknown): string {
  if (v === undefined || v === null) return 'null';
  if (isNumeric(v)) return `n:${toNumber(v)}`;
  if (typeof v === 'string') return `s:${JSON.stringify(v)}`;
  if (v instanceof Date) return `d:${v.getTime()}`;
  if (v instanceof ObjectId) return `o:${v.toHexString()}`;
  if (Array.isArray(v)) return `a:[${v.map(keyString).join(',')}]`;
  if (isPlainObject(v)) {
    return `{${Object.entries(v)
      .map(([k, x]) => `${JSON.stringify(k)}:${keyString(x)}`)
      .join(',')}}`;
  }
  return `${typeof v}:${String(v)}`;
}

/** Shell-style rendering used in E11000 messages, e.g. `{ _id: 1 }` or `{ name: "a" }`. */
function renderKeyValue(keyValue: Document): string {
  const parts = Object.entries(keyValue).map(([k, v]) => {
    const shown =
      typeof v === 'string'
        ? JSON.stringify(v)
        : v instanceof ObjectId
          ? `ObjectId('${v.toHexString()}')`
          : v === undefined
            ? 'null'
            : String(v);
    return `${k}: ${shown}`;
  });
  return `{ ${parts.join(', ')} }`;
}

export class Collection {
  readonly uuid = new UUID();
  docs: Document[] = [];
  indexes: IndexSpec[] = [{ ...ID_INDEX }];

  constructor(
    readonly db: string,
    readonly name: string,
    readonly options: Document = {},
  ) {}

  get ns(): string {
    return `${this.db}.${this.name}`;
  }

  /** Index keys of `doc` for one index; single-field indexes are multikey over arrays. */
  private indexKeys(index: IndexSpec, doc: Document): { keys: string[]; keyValue: Document } {
    const fields = Object.keys(index.key);
    const keyValue: Document = {};
    const perField = fields.map((f) => {
      const values = lookupPath(doc, f);
      keyValue[f] = values[0] ?? null;
      return values;
    });
    if (index.sparse && perField.every((vals) => vals.every((v) => v === undefined))) {
      return { keys: [], keyValue };
    }
    const only = perField[0];
    if (fields.length === 1 && only) {
      const flat = only.flatMap((v) => (Array.isArray(v) && v.length > 0 ? v : [v]));
      return { keys: flat.map(keyString), keyValue };
    }
    return { keys: [keyString(fields.map((f) => keyValue[f]))], keyValue };
  }

  /** Throws E11000 if `doc` collides with any other stored document on a unique index. */
  checkUnique(doc: Document, ignore?: Document, indexes = this.indexes): void {
    for (const index of indexes) {
      if (index.name !== '_id_' && !index.unique) continue;
      const { keys, keyValue } = this.indexKeys(index, doc);
      if (keys.length === 0) continue;
      const mine = new Set(keys);
      for (const other of this.docs) {
        if (other === ignore) continue;
        if (this.indexKeys(index, other).keys.some((k) => mine.has(k))) {
          throw new CommandError(
            'DuplicateKey',
            `E11000 duplicate key error collection: ${this.ns} index: ${index.name} dup key: ${renderKeyValue(keyValue)}`,
            { keyPattern: { ...index.key }, keyValue },
          );
        }
      }
    }
  }

  /**
   * Stores a copy of `doc`, giving it a leading ObjectId `_id` when it has none. The collection's
   * validator sees the document with its `_id`, before any unique index, as in mongod.
   */
  insert(doc: Document, opts: WriteOptions = {}): Document {
    const stored = cloneDocument(doc);
    // mongod always stores `_id` as the first field, moving it there if the client did not.
    const { _id: givenId, ...rest } = stored;
    const withId = { _id: givenId === undefined ? new ObjectId() : givenId, ...rest };
    if (Array.isArray(withId._id)) {
      throw new CommandError('BadValue', "can't use an array for _id");
    }
    if (!opts.bypassDocumentValidation) checkDocument(this.options, withId);
    this.checkUnique(withId);
    this.docs.push(withId);
    return withId;
  }

  replace(old: Document, next: Document, opts: WriteOptions = {}): void {
    if (!opts.bypassDocumentValidation) checkDocument(this.options, next, old);
    this.checkUnique(next, old);
    const i = this.docs.indexOf(old);
    if (i >= 0) this.docs[i] = next;
  }

  remove(doc: Document): void {
    const i = this.docs.indexOf(doc);
    if (i >= 0) this.docs.splice(i, 1);
  }

  /** Checks existing documents against a new unique index before it is added. */
  addIndex(spec: IndexSpec): void {
    if (spec.unique) {
      const seen: Document[] = [];
      const saved = this.docs;
      try {
        for (const doc of saved) {
          this.docs = seen;
          this.checkUnique(doc, undefined, [spec]);
          seen.push(doc);
        }
      } finally {
        this.docs = saved;
      }
    }
    this.indexes.push(spec);
  }

  dataSize(): number {
    return this.docs.reduce((sum, d) => sum + calculateObjectSize(d), 0);
  }
}

export class Store {
  private readonly dbs = new Map<string, Map<string, Collection>>();

  getCollection(db: string, name: string): Collection | undefined {
    return this.dbs.get(db)?.get(name);
  }

  /** Returns the collection, creating it (and its database) implicitly as mongod does on write. */
  ensureCollection(db: string, name: string, options?: Document): [Collection, boolean] {
    validateCollectionName(db, name);
    let colls = this.dbs.get(db);
    if (!colls) {
      colls = new Map();
      this.dbs.set(db, colls);
    }
    const existing = colls.get(name);
    if (existing) return [existing, false];
    const created = new Collection(db, name, options);
    colls.set(name, created);
    return [created, true];
  }

  dropCollection(db: string, name: string): Collection | undefined {
    const colls = this.dbs.get(db);
    const coll = colls?.get(name);
    colls?.delete(name);
    // A database with no collections no longer exists, as in mongod.
    if (colls && colls.size === 0) this.dbs.delete(db);
    return coll;
  }

  dropDatabase(db: string): void {
    this.dbs.delete(db);
  }

  databaseNames(): string[] {
    return [...this.dbs.keys()].sort();
  }

  collections(db: string): Collection[] {
    return [...(this.dbs.get(db)?.values() ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  }
}
