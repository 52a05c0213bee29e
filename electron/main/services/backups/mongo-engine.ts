import { BSON, EJSON } from 'bson';
import type { Db, Document } from 'mongodb';
import type { BackupRun, MongoManifest } from '../../../../shared/backups';
import { KeelError } from '../../../../shared/errors';
import { mapStoreError } from '../../stores/errors';
import { MongoStore } from '../../stores/mongo.store';
import type { StoreClientInit } from '../../stores/types';
import { ContentHash } from './codec';
import {
  errorContextOf,
  manifestCommon,
  withChunks,
  type BackupEngine,
  type RunWriter,
} from './lifecycle';
import { checkFreeSpace, SPACE_RATIO } from './preflight';
import type { RunnerDeps } from './runner';
import type { ManifestBody } from './storage';

export const MONGO_CONTENT_HASH =
  'per collection: the four little-endian 32-bit words of MD5(the raw BSON of a document) summed over all documents mod 2^32 (order-independent)';

const NOTE =
  'One cursor per collection, in _id order, collections read in parallel: each document is as the cursor read it, between snapshot.at and timings.finishedAt. No cluster-wide snapshot is taken (a standalone server has none); documents inserted, changed or deleted during the run may or may not be in it.';

const SYSTEM_DBS = ['admin', 'local', 'config'];

type Coll = MongoManifest['databases'][number]['collections'][number];
interface Target {
  db: string;
  /** Collection names wanted; undefined = all of the database. */
  names?: string[];
  prefix?: string;
}

/** Canonical EJSON of a server document, as plain JSON for the manifest. */
const ejson = (d: Document): Record<string, unknown> =>
  EJSON.serialize(d, { relaxed: false }) as Record<string, unknown>;

/**
 * MongoDB: per collection, its options (validator, capped, collation…) and indexes recorded,
 * documents streamed through one cursor in `_id` order as raw BSON — passed through, never
 * decoded — into compressed chunks that read like mongodump's .bson files.
 */
export function mongoEngine(d: RunnerDeps, run: BackupRun, init: StoreClientInit): BackupEngine {
  const store = new MongoStore(init);
  const ctxErr = errorContextOf(init);
  const meta = { timeoutMs: Math.max(30_000, init.connection.timeouts.operationMs) };
  let version = '';
  let plan: Array<{ db: string; colls: Document[] }> = [];
  const withDb = <R>(db: string, fn: (h: Db) => Promise<R>, timeoutMs = meta.timeoutMs) =>
    store.withDb(db, (h) => fn(h), { timeoutMs });
  return {
    store: 'mongodb',
    error: (e) => mapStoreError(e, ctxErr),
    kill: () => void store.close(),
    close: () => store.close(),
    async preflight() {
      version = String((await store.command('admin', { buildInfo: 1 }, meta)).version ?? '');
      const dbs = (
        (await store.command('admin', { listDatabases: 1, nameOnly: true }, meta))
          .databases as Array<{
          name: string;
        }>
      ).map((x) => x.name);
      plan = [];
      let dataSize = 0;
      for (const t of await targetsOf(d, run, dbs)) {
        const all = await withDb(t.db, (h) => h.listCollections({}).toArray());
        const colls = all.filter(
          (c) =>
            !c.name.startsWith('system.') &&
            (t.names ? t.names.includes(c.name) : !t.prefix || c.name.startsWith(t.prefix)),
        );
        const missing = (t.names ?? []).filter((n) => !colls.some((c) => c.name === n));
        if (missing.length > 0)
          throw new KeelError(
            'NOT_FOUND',
            `no collection ${missing.map((n) => `${t.db}.${n}`).join(', ')}`,
          );
        // Reading is the privilege a backup needs: ask the server for each collection.
        for (const c of colls)
          if (c.type === 'collection') await withDb(t.db, (h) => h.collection(c.name).findOne({}));
        if (!t.names && !t.prefix) {
          const st = await store.command(t.db, { dbStats: 1 }, meta).catch(() => ({}) as Document);
          dataSize += Number(st.dataSize ?? 0);
        }
        plan.push({ db: t.db, colls: colls as Document[] });
      }
      const storage = d.storageOf(run.envId);
      checkFreeSpace(
        Math.ceil(dataSize * SPACE_RATIO),
        await storage.freeBytes(),
        storage.root,
        d.settings.reserveBytes,
      );
    },
    async dump(w: RunWriter): Promise<ManifestBody<MongoManifest>> {
      const t0 = performance.now();
      const jobs = plan.flatMap((p) =>
        p.colls.map((c, i) => ({ db: p.db, c, i, out: undefined as Coll | undefined })),
      );
      const queue = [...jobs.entries()];
      let docs = 0;
      const worker = async (): Promise<void> => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          const [n, job] = next;
          job.out = await dumpCollection(withDb, job.db, job.c, n, w, d, (k) => {
            docs += k;
            w.ctx.progress({
              done: docs,
              message: `${docs} documents, ${job.db}.${String(job.c.name)}`,
            });
          });
        }
      };
      await Promise.all(
        Array.from({ length: Math.max(1, Math.min(d.settings.workers, jobs.length)) }, worker),
      ).catch((e: unknown) => {
        queue.length = 0;
        throw e;
      });
      const databases = plan.map((p) => ({
        name: p.db,
        collections: jobs.filter((j) => j.db === p.db).map((j) => j.out as Coll),
      }));
      const all = databases.flatMap((x) => x.collections);
      return {
        ...manifestCommon(w, run, d.keelVersion, t0),
        store: 'mongodb',
        server: { version },
        snapshot: { kind: 'cursor', consistent: false, at: w.startedAt.toISOString(), note: NOTE },
        chunkFormat: {
          kind: 'bson',
          note: 'raw BSON documents back to back (as in a mongodump .bson file), in _id order',
        },
        contentHash: MONGO_CONTENT_HASH,
        databases,
        totals: {
          bytes: all.reduce((s, c) => s + c.chunks.reduce((t, x) => t + x.size, 0), 0),
          rows: all.reduce((s, c) => s + c.documents, 0),
          chunks: all.reduce((s, c) => s + c.chunks.length, 0),
        },
      };
    },
  };
}

async function targetsOf(d: RunnerDeps, run: BackupRun, dbs: string[]): Promise<Target[]> {
  const s = run.scope;
  const need = (names: string[]): void => {
    const missing = names.filter((x) => !dbs.includes(x));
    if (missing.length > 0)
      throw new KeelError('NOT_FOUND', `no MongoDB database ${missing.join(', ')} on this server`);
  };
  switch (s.type) {
    case 'server':
      return dbs
        .filter((x) => !SYSTEM_DBS.includes(x))
        .sort()
        .map((db) => ({ db }));
    case 'databases':
      if (s.databases.some((x) => SYSTEM_DBS.includes(x)))
        throw new KeelError('VALIDATION', 'admin, local and config are not backed up by Keel');
      need(s.databases);
      return [...new Set(s.databases)].map((db) => ({ db }));
    case 'tables': {
      const byDb = new Map<string, string[]>();
      for (const t of s.tables) byDb.set(t.database, [...(byDb.get(t.database) ?? []), t.table]);
      need([...byDb.keys()]);
      return [...byDb].map(([db, names]) => ({ db, names }));
    }
    case 'tenant': {
      const { mongo } = await d.tenantNames(run.envId, run.connectionId, s.tenantId);
      need([mongo.database]);
      return [{ db: mongo.database, prefix: mongo.collectionPrefix }];
    }
  }
}

type WithDb = <R>(db: string, fn: (h: Db) => Promise<R>, timeoutMs?: number) => Promise<R>;

/** One collection through one cursor; a cursor that sends nothing for stallMs is abandoned. */
async function dumpCollection(
  withDb: WithDb,
  db: string,
  c: Document,
  n: number,
  w: RunWriter,
  d: RunnerDeps,
  onDocs: (k: number) => void,
): Promise<Coll> {
  const name = String(c.name);
  const hash = new ContentHash();
  const indexes =
    c.type === 'collection'
      ? await withDb(db, (h) => h.collection(name).listIndexes().toArray())
      : [];
  const entry: Coll = {
    name,
    options: ejson({ type: c.type, ...(c.options as Document) }),
    indexes: indexes.map(ejson),
    documents: 0,
    contentHash: hash.hex(),
    chunks: [],
  };
  if (c.type !== 'collection') return entry;
  const fileOf = (i: number): string =>
    `data/c${String(n).padStart(5, '0')}.c${String(i).padStart(5, '0')}.bson`;
  const { chunks } = await withChunks(w, d.settings.chunkRows, fileOf, async (writer) => {
    // The whole collection is one guarded call; the watchdog below catches a silent server.
    await withDb(
      db,
      async (h) => {
        const cursor = h
          .collection(name)
          .find({}, { raw: true, sort: { _id: 1 }, batchSize: 1000 });
        let lastAt = performance.now();
        const watchdog = setInterval(
          () => {
            if (performance.now() - lastAt > d.settings.stallMs) void cursor.close();
          },
          Math.max(50, Math.min(5000, d.settings.stallMs / 4)),
        );
        try {
          let batch: Buffer[] = [];
          let first: Buffer | undefined;
          const flush = async (): Promise<void> => {
            if (batch.length === 0) return;
            const ids = [first, batch.at(-1)].map((b) =>
              EJSON.stringify(BSON.deserialize(b as Buffer)._id),
            );
            await writer.write(Buffer.concat(batch), batch.length, [
              ids[0] as string,
              ids[1] as string,
            ]);
            onDocs(batch.length);
            batch = [];
            first = undefined;
          };
          for await (const raw of cursor as AsyncIterable<Uint8Array>) {
            lastAt = performance.now();
            const buf = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
            hash.add(buf);
            first ??= buf;
            batch.push(buf);
            if (batch.length >= Math.min(1000, d.settings.chunkRows)) await flush();
          }
          if (performance.now() - lastAt > d.settings.stallMs)
            throw new KeelError(
              'TIMEOUT',
              `no documents from ${db}.${name} for ${Math.round(d.settings.stallMs / 1000)} s`,
            );
          await flush();
        } finally {
          clearInterval(watchdog);
          await cursor.close().catch(() => undefined);
        }
      },
      24 * 3600_000,
    );
  });
  entry.chunks = chunks;
  entry.documents = hash.rows;
  entry.contentHash = hash.hex();
  return entry;
}
