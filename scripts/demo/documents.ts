// Documents in every tenant's business_db collections (tenant_<id>_users, _agents…), shaped by
// the blueprint: the fields its validator requires, a distinct value for each unique index, a
// value for every indexed field. Works on the test stand-in and on a real MongoDB alike.
import { MongoClient, MongoBulkWriteError, type Document } from 'mongodb';
import { fillTemplate, type Blueprint, type MongoCollectionSpec } from '../../shared/blueprint';
import type { Rng } from './random';

export interface DocTenant {
  id: string;
  plan: string;
}

const PER_PLAN: Record<string, number> = { free: 3, basic: 5, pro: 8, enterprise: 12 };
const LANES = 8;
const DAY = 86_400_000;
// prettier-ignore
const HINTS: Record<string, readonly string[]> = {
  status: ['active', 'active', 'active', 'draft', 'disabled'],
  data_type: ['order', 'lead', 'ticket', 'invoice'],
  stat_type: ['daily_active_users', 'api_calls', 'messages'],
  period: ['day'],
};

/** Field names the collection's validator requires (and says are strings). */
function requiredStrings(c: MongoCollectionSpec): string[] {
  const schema = c.validator?.$jsonSchema as { required?: unknown } | undefined;
  return Array.isArray(schema?.required) ? schema.required.map(String) : [];
}

/** A value of `field` that no other document of the collection has. */
function distinct(field: string, tenantId: string, i: number): string {
  const n = i + 1;
  if (/email/.test(field)) return `user${n}@${tenantId.replaceAll('_', '-')}.example.com`;
  if (/username/.test(field)) return `user${String(n).padStart(3, '0')}`;
  if (/date/.test(field)) return new Date(Date.now() - i * DAY).toISOString().slice(0, 10);
  return `${field.replace(/_id$/, '')}_${String(n).padStart(4, '0')}`;
}

/** One document of a tenant's collection. */
export function makeDocument(
  c: MongoCollectionSpec,
  tenantId: string,
  i: number,
  rng: Rng,
): Document {
  const created = new Date(Date.now() - (1 - Math.sqrt(rng.next())) * 90 * DAY);
  const doc: Document = { tenant_id: tenantId, created_at: created, updated_at: created };
  // Unique indexes: the last key tells documents apart; the others take ordinary values.
  for (const idx of c.indexes.filter((x) => x.unique)) {
    const keys = Object.keys(idx.keys);
    const last = keys.at(-1) as string;
    doc[last] ??= distinct(last, tenantId, i);
  }
  const plain = [...c.indexes.flatMap((x) => Object.keys(x.keys)), ...requiredStrings(c)];
  for (const field of plain) {
    if (doc[field] !== undefined) continue;
    doc[field] = HINTS[field] ? rng.pick(HINTS[field]) : `${field}_${rng.int(1, 5)}`;
  }
  doc.name ??= `${c.name.replace(/s$/, '').replaceAll('_', ' ')} ${i + 1}`;
  return doc;
}

/** Duplicates mean a real server kept an earlier run's documents: those are left as they are. */
const onlyDuplicates = (e: unknown): boolean =>
  e instanceof MongoBulkWriteError &&
  (Array.isArray(e.writeErrors) ? e.writeErrors : [e.writeErrors]).every((w) => w.code === 11000);

export async function seedDocuments(
  url: string,
  b: Blueprint,
  tenants: DocTenant[],
  rng: Rng,
): Promise<{ documents: number; collections: number }> {
  const client = await MongoClient.connect(url, { serverSelectionTimeoutMS: 5_000 });
  const db = client.db(b.mongo.business.database);
  let documents = 0;
  let collections = 0;
  try {
    let next = 0;
    await Promise.all(
      Array.from({ length: LANES }, async () => {
        while (next < tenants.length) {
          const t = tenants[next++] as DocTenant;
          const prefix = fillTemplate(b.mongo.business.collectionPrefix, t.id);
          const n = PER_PLAN[t.plan] ?? 3;
          await Promise.all(
            b.mongo.business.tenantCollections.map(async (c) => {
              const docs = Array.from({ length: rng.int(n, n + 3) }, (_, i) =>
                makeDocument(c, t.id, i, rng),
              );
              try {
                await db.collection(`${prefix}${c.name}`).insertMany(docs, { ordered: false });
              } catch (e) {
                if (!onlyDuplicates(e)) throw e;
              }
              documents += docs.length;
              collections++;
            }),
          );
        }
      }),
    );
  } finally {
    await client.close();
  }
  return { documents, collections };
}
