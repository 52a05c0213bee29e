import type { MongoStore } from '../../stores/mongo.store';
import { cost, exact, messageOf, put, UNKNOWN, type MeterResult } from './tally';

export interface MongoTarget {
  connectionId: string;
  store: MongoStore;
  database: string;
  /** Collection name → tenant id, for every tenant collection the blueprint makes. */
  collections: Map<string, string>;
  tenantIds: string[];
}

/** $collStats calls in flight at once. */
const CONCURRENCY = 8;

/**
 * Storage (storageSize + totalIndexSize) and documents of every tenant collection from
 * `$collStats { storageStats }` (MongoDB has no set-based form: one aggregate per collection,
 * a bounded number in flight). The collections that exist come from one listCollections.
 */
export async function meterMongo(t: MongoTarget, signal: AbortSignal): Promise<MeterResult> {
  const t0 = performance.now();
  const tallies: MeterResult['tallies'] = new Map();
  let queries = 0;
  const opts = { signal, timeoutMs: 60_000 };
  try {
    const listed = await t.store.withDb(
      t.database,
      (db, timeoutMS) => db.listCollections({}, { nameOnly: true, timeoutMS }).toArray(),
      opts,
    );
    queries++;
    const names = listed.map((c) => c.name).filter((n) => t.collections.has(n));
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < names.length) {
        signal.throwIfAborted();
        const name = names[next++] as string;
        const [s] = await t.store.withDb(
          t.database,
          (db, timeoutMS) =>
            db
              .collection(name)
              .aggregate([{ $collStats: { storageStats: {} } }], { timeoutMS })
              .toArray(),
          opts,
        );
        queries++;
        const st = (s?.storageStats ?? {}) as Record<string, unknown>;
        const id = t.collections.get(name) as string;
        put(
          tallies,
          id,
          'mongoBytes',
          exact(Number(st.storageSize ?? 0) + Number(st.totalIndexSize ?? 0)),
        );
        put(tallies, id, 'mongoDocuments', exact(Number(st.count ?? 0)));
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    for (const id of t.tenantIds) {
      if (!tallies.has(id)) {
        put(tallies, id, 'mongoBytes', exact(0));
        put(tallies, id, 'mongoDocuments', exact(0));
      }
    }
    return {
      tallies,
      costs: [cost('mongodb', t.connectionId, queries, t0, '$collStats per tenant collection')],
    };
  } catch (e) {
    signal.throwIfAborted();
    for (const id of t.tenantIds) {
      for (const f of ['mongoBytes', 'mongoDocuments'] as const) put(tallies, id, f, UNKNOWN);
    }
    return {
      tallies,
      costs: [cost('mongodb', t.connectionId, queries, t0, '$collStats', messageOf(e))],
    };
  }
}
