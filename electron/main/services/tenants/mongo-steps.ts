import type { MongoCollectionSpec } from '../../../../shared/blueprint';
import type { MongoStore } from '../../stores/mongo.store';

export function mongoCreateCommand(name: string, c: MongoCollectionSpec): Record<string, unknown> {
  return { create: name, ...(c.validator && { validator: c.validator }) };
}

export function mongoIndexesCommand(name: string, c: MongoCollectionSpec): Record<string, unknown> {
  return {
    createIndexes: name,
    indexes: c.indexes.map((i) => ({
      key: i.keys,
      name:
        i.name ??
        Object.entries(i.keys)
          .map(([k, v]) => `${k}_${v}`)
          .join('_'),
      ...(i.unique && { unique: true }),
      ...(i.sparse && { sparse: true }),
    })),
  };
}

/** Whether a collection exists (listCollections by name: the answer to `create` cannot tell). */
export async function collectionExists(
  mongo: MongoStore,
  database: string,
  name: string,
  signal: AbortSignal,
): Promise<boolean> {
  const r = await mongo.command(
    database,
    { listCollections: 1, filter: { name }, nameOnly: true, authorizedCollections: true },
    { signal },
  );
  return ((r.cursor as { firstBatch?: unknown[] } | undefined)?.firstBatch?.length ?? 0) > 0;
}

/** Which of `names` exist, in one listCollections (a tenant's collections are looked at together). */
export async function collectionsPresent(
  mongo: MongoStore,
  database: string,
  names: string[],
  signal: AbortSignal,
): Promise<Set<string>> {
  const r = await mongo.command(
    database,
    {
      listCollections: 1,
      filter: { name: { $in: names } },
      nameOnly: true,
      authorizedCollections: true,
    },
    { signal },
  );
  const batch = (r.cursor as { firstBatch?: Array<{ name?: unknown }> } | undefined)?.firstBatch;
  return new Set((batch ?? []).map((x) => String(x.name)));
}

/**
 * Create a collection (with its validator) unless `existing`, then its indexes (createIndexes is
 * idempotent). An existing collection is never altered beyond missing indexes.
 */
export async function createCollection(
  mongo: MongoStore,
  database: string,
  name: string,
  c: MongoCollectionSpec,
  existing: boolean,
  signal: AbortSignal,
): Promise<void> {
  if (!existing) await mongo.command(database, mongoCreateCommand(name, c), { signal });
  if (c.indexes.length > 0) {
    await mongo.command(database, mongoIndexesCommand(name, c), { signal });
  }
}

/** Create a collection if it is missing (looked up first). True when this call created it. */
export async function ensureCollection(
  mongo: MongoStore,
  database: string,
  name: string,
  c: MongoCollectionSpec,
  signal: AbortSignal,
): Promise<boolean> {
  const existing = await collectionExists(mongo, database, name, signal);
  await createCollection(mongo, database, name, c, existing, signal);
  return !existing;
}
