import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Redis } from 'ioredis';
import { BSON, EJSON, type Document } from 'bson';
import type { MongoClient } from 'mongodb';
import type { AnyManifest, BackupFile } from '../../shared/backups';
import { decompressor, type Compression } from '../../electron/main/services/backups/compress';
import { decodeRedisRecords } from '../../electron/main/services/backups/redis-format';
import { parseManifest } from '../../electron/main/services/backups/storage';

/** Any store's manifest, narrowed to the store the test expects. */
export async function readStoreManifest<S extends AnyManifest['store']>(
  dir: string,
  store: S,
): Promise<Extract<AnyManifest, { store: S }>> {
  const m = parseManifest(await readFile(join(dir, 'manifest.json'), 'utf8'));
  if (m.store !== store) throw new Error(`${dir} is a ${m.store} backup, not ${store}`);
  return m as Extract<AnyManifest, { store: S }>;
}

/** A chunk decompressed into memory (test data is small). */
export async function readChunk(dir: string, c: BackupFile, kind: Compression): Promise<Buffer> {
  const codec = decompressor(kind);
  const parts: Buffer[] = [];
  await Promise.all([
    pipeline(createReadStream(join(dir, c.file)), codec.input),
    pipeline(
      codec.output,
      new Writable({
        write: (b: Buffer, _e, cb) => {
          parts.push(b);
          cb();
        },
      }),
    ),
    codec.done,
  ]);
  return Buffer.concat(parts);
}

/**
 * Test-only restore of a Redis backup: RESTORE … REPLACE ABSTTL of every record into the same
 * logical database of another server, as the manifest's chunkFormat says.
 */
export async function restoreRedis(dir: string, port: number): Promise<number> {
  const m = await readStoreManifest(dir, 'redis');
  const r = new Redis({ port, lazyConnect: true });
  await r.connect();
  let n = 0;
  try {
    for (const ks of m.keyspaces) {
      await r.select(ks.db);
      for (const c of ks.chunks) {
        const p = r.pipeline();
        for (const rec of decodeRedisRecords(await readChunk(dir, c, m.compression))) {
          p.callBuffer(
            'RESTORE',
            rec.key,
            String(rec.expireAtMs),
            rec.payload,
            'REPLACE',
            'ABSTTL',
          );
          n++;
        }
        for (const [e] of (await p.exec()) ?? []) if (e) throw e;
      }
    }
  } finally {
    r.disconnect();
  }
  return n;
}

/**
 * Test-only restore of an InfluxDB backup into another 1.x server: each database with its
 * retention policies, then every chunk's lines written to its policy (`/write`, precision ns).
 */
export async function restoreInflux(dir: string, url: string): Promise<number> {
  const m = await readStoreManifest(dir, 'influxdb');
  const q = async (query: string): Promise<void> => {
    const res = await fetch(`${url}/query?${new URLSearchParams({ q: query })}`, {
      method: 'POST',
    });
    if (!res.ok) throw new Error(`${query}: HTTP ${res.status} ${await res.text()}`);
  };
  let n = 0;
  for (const db of m.databases) {
    await q(`CREATE DATABASE "${db.name}"`);
    for (const rp of db.retentionPolicies) {
      const what = `"${rp.name}" ON "${db.name}" DURATION ${rp.duration} REPLICATION ${rp.replicaN} SHARD DURATION ${rp.shardGroupDuration}`;
      await q(`CREATE RETENTION POLICY ${what}${rp.default ? ' DEFAULT' : ''}`).catch(() =>
        q(`ALTER RETENTION POLICY ${what}${rp.default ? ' DEFAULT' : ''}`),
      );
    }
    for (const meas of db.measurements) {
      for (const c of meas.chunks) {
        const body = (await readChunk(dir, c, m.compression)).toString('utf8');
        const qs = new URLSearchParams({ db: db.name, rp: meas.retentionPolicy, precision: 'ns' });
        const res = await fetch(`${url}/write?${qs}`, { method: 'POST', body });
        if (res.status !== 204) throw new Error(`write: HTTP ${res.status} ${await res.text()}`);
        n += c.rows;
      }
    }
  }
  return n;
}

/** The documents of a decompressed `.bson` chunk (int32 length-prefixed, back to back). */
export function splitBson(data: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let o = 0; o < data.length;) {
    const len = data.readInt32LE(o);
    out.push(data.subarray(o, o + len));
    o += len;
  }
  return out;
}

/**
 * Test-only restore of a MongoDB backup into databases named by `target(db)`: collections with
 * their recorded options, the documents (BSON types kept: no promotion), then the indexes.
 */
export async function restoreMongo(
  dir: string,
  client: MongoClient,
  target: (db: string) => string,
): Promise<number> {
  const m = await readStoreManifest(dir, 'mongodb');
  let n = 0;
  for (const db of m.databases) {
    const h = client.db(target(db.name));
    for (const c of db.collections) {
      const { type: _t, ...options } = EJSON.deserialize(c.options) as Document;
      await h.createCollection(c.name, options);
      for (const chunk of c.chunks) {
        const docs = splitBson(await readChunk(dir, chunk, m.compression)).map((b) =>
          BSON.deserialize(b, { promoteValues: false, promoteLongs: false }),
        );
        if (docs.length > 0) await h.collection(c.name).insertMany(docs, { ordered: false });
        n += docs.length;
      }
      const specs = c.indexes
        .map((i) => EJSON.deserialize(i) as Document)
        .filter((i) => i.name !== '_id_')
        .map(({ v: _v, ns: _ns, ...spec }) => spec);
      if (specs.length > 0) await h.command({ createIndexes: c.name, indexes: specs });
    }
  }
  return n;
}
