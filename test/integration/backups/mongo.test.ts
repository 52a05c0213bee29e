import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Binary, Decimal128, Double, Int32, Long, ObjectId } from 'bson';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupSummary, MongoManifest, VerifyReport } from '../../../shared/backups';
import type { JobRecord } from '../../../shared/jobs';
import { startBackupCore, type BackupCore } from '../../support/backup-core';
import { readStoreManifest, restoreMongo } from '../../support/backups-stores';
import { getMongoTarget, type MongoTarget } from '../../support/standins/mongo/index';

/**
 * Against a real MongoDB when KEEL_TEST_MONGO_URL is set, else the TEST-ONLY stand-in (which
 * has not proven anything about MongoDB itself: see test/support/standins/mongo/README.md).
 */
describe('MongoDB backups: raw BSON by cursor, options and indexes recorded', () => {
  let mongo: MongoTarget;
  let client: MongoClient;
  let k: BackupCore;
  const db = `shop_${randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    mongo = await getMongoTarget();
    client = await MongoClient.connect(mongo.url, { serverSelectionTimeoutMS: 3000 });
    const h = client.db(db);
    await h.createCollection('orders', {
      validator: { $jsonSchema: { bsonType: 'object', required: ['customer'] } },
    });
    await h.collection('orders').createIndex({ customer: 1, at: -1 }, { name: 'by_customer' });
    await h.collection('orders').createIndex({ ref: 1 }, { unique: true, name: 'ref_unique' });
    const docs = Array.from({ length: 1000 }, (_, i) => ({
      _id: new ObjectId(),
      ref: `r-${i}`,
      customer: `c${i % 40}`,
      at: new Date(Date.UTC(2026, 0, 1) + i * 60_000),
      n32: new Int32(i),
      n64: Long.fromString('9223372036854775000').add(i),
      dbl: new Double(i + 0.5),
      dec: Decimal128.fromString(`${i}.10`),
      bin: new Binary(Buffer.from([i & 0xff, 0, 0xff])),
      nested: { tags: ['a', i % 2 ? 'odd' : 'even'], none: null },
    }));
    await h.collection('orders').insertMany(docs);
    // _ids of several BSON types in one collection: one cursor in _id order takes them all.
    await h.collection('mixed').insertMany([
      { _id: 3 as never, v: 'int' },
      { _id: 'b' as never, v: 'string' },
      { _id: new ObjectId(), v: 'oid' },
      { _id: { x: 1 } as never, v: 'doc' },
    ]);
    k = await startBackupCore('backup-mongo', {
      KEEL_CONN_DOCS_URI: mongo.url,
      KEEL_BACKUP_CHUNK_ROWS: '300',
    });
  }, 120_000);

  afterAll(async () => {
    await client
      ?.db(db)
      .dropDatabase()
      .catch(() => undefined);
    await client
      ?.db(`${db}_r`)
      .dropDatabase()
      .catch(() => undefined);
    await client?.close();
    await k?.stop();
    await mongo?.stop();
  });

  const backup = async (scope: unknown) => {
    const job = await k.call<JobRecord>('backups.run', {
      envId: 'bk',
      connectionId: 'docs',
      scope,
    });
    const rec = await k.wait(job.id);
    expect(rec.state, JSON.stringify(rec.error)).toBe('completed');
    const dir = join(k.home, 'backups', 'bk', (rec.result as BackupSummary).id);
    return { dir, m: await readStoreManifest(dir, 'mongodb') };
  };
  const shape = (m: MongoManifest) =>
    m.databases[0]?.collections.map((c) => ({
      name: c.name,
      documents: c.documents,
      contentHash: c.contentHash,
      validator: (c.options as { validator?: unknown }).validator,
      indexes: c.indexes.map((i) => [i.name, i.key, i.unique ?? false]).sort(),
    }));

  it('round-trips a database: documents byte for byte, every BSON type, validator and indexes', async () => {
    const { dir, m } = await backup({ type: 'databases', databases: [db] });
    expect(m.snapshot).toMatchObject({ kind: 'cursor', consistent: false });
    const orders = m.databases[0]?.collections.find((c) => c.name === 'orders');
    expect(orders?.documents).toBe(1000);
    expect(orders?.chunks.length).toBeGreaterThanOrEqual(3);
    expect(m.databases[0]?.collections.find((c) => c.name === 'mixed')?.documents).toBe(4);
    expect(orders?.indexes.map((i) => i.name).sort()).toEqual([
      '_id_',
      'by_customer',
      'ref_unique',
    ]);

    expect(await restoreMongo(dir, client, (x) => `${x}_r`)).toBe(1004);
    const again = await backup({ type: 'databases', databases: [`${db}_r`] });
    expect(shape(again.m)).toEqual(shape(m));
    // The restored validator is in force.
    await expect(client.db(`${db}_r`).collection('orders').insertOne({ nope: 1 })).rejects.toThrow(
      /validation/i,
    );
  });

  it('backs up chosen collections, and verify catches a deleted chunk', async () => {
    const { dir, m } = await backup({
      type: 'tables',
      tables: [{ database: db, table: 'orders' }],
    });
    expect(m.databases.map((x) => x.collections.map((c) => c.name))).toEqual([['orders']]);
    const chunk = m.databases[0]?.collections[0]?.chunks[1];
    if (!chunk) throw new Error('no chunk');
    await rm(join(dir, chunk.file));
    const report = await k.call<VerifyReport>('backups.verify', { envId: 'bk', id: m.id });
    expect(report.problems).toEqual([
      expect.objectContaining({ file: chunk.file, kind: 'missing' }),
    ]);
  });

  it('refuses unknown databases and collections and the system databases', async () => {
    const cases: Array<[unknown, string, RegExp]> = [
      [{ type: 'databases', databases: ['nosuch_db'] }, 'NOT_FOUND', /nosuch_db/],
      [{ type: 'tables', tables: [{ database: db, table: 'nope' }] }, 'NOT_FOUND', /nope/],
      [{ type: 'databases', databases: ['admin'] }, 'VALIDATION', /admin/],
    ];
    for (const [scope, code, message] of cases) {
      const e = await k.refused('backups.run', { envId: 'bk', connectionId: 'docs', scope });
      expect(e.code, JSON.stringify(scope)).toBe(code);
      expect(e.message).toMatch(message);
    }
  });
});
