/**
 * MongoDB behaviour Keel relies on, checked with the official driver against whatever
 * getMongoTarget() returns: a real mongod when KEEL_TEST_MONGO_URL is set, otherwise Keel's
 * TEST-ONLY stand-in. Every assertion here must also hold for a real MongoDB 7.x server.
 */
import { MongoClient, MongoServerError, type CommandStartedEvent, type Sort } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getMongoTarget, type MongoTarget } from '../../support/standins/mongo/index';

// A throwaway database per run, so the suite is safe against a shared real server.
const DB = `keel_standin_it_${process.pid}_${Date.now().toString(36)}`;

async function serverError(promise: Promise<unknown>): Promise<MongoServerError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MongoServerError);
  return err as MongoServerError;
}

describe('MongoDB target (real mongod or the Keel stand-in)', () => {
  let target: MongoTarget;
  let client: MongoClient;
  const started: CommandStartedEvent[] = [];

  beforeAll(async () => {
    target = await getMongoTarget();
    client = new MongoClient(target.url, { serverSelectionTimeoutMS: 5000, monitorCommands: true });
    client.on('commandStarted', (event) => started.push(event));
    await client.connect();
  });

  afterAll(async () => {
    await client?.db(DB).dropDatabase();
    await client?.close();
    await target?.stop();
  });

  it('connects and answers ping', async () => {
    expect(await client.db('admin').command({ ping: 1 })).toMatchObject({ ok: 1 });
  });

  it('reports a version string and versionArray in buildInfo', async () => {
    const info = await client.db('admin').command({ buildInfo: 1 });
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(info.versionArray).toHaveLength(4);
    expect(String(info.version).startsWith(info.versionArray.slice(0, 3).join('.'))).toBe(true);
  });

  it('inserts many documents and finds them with filters, sort, limit and projection', async () => {
    const coll = client.db(DB).collection('people');
    const docs = [
      { name: 'ada', age: 36, team: { name: 'core' }, tags: ['x', 'y'] },
      { name: 'bob', age: 25, team: { name: 'ops' } },
      { name: 'cy', age: 41, team: { name: 'core' }, tags: ['y'] },
      { name: 'di', age: 30, team: { name: 'web' }, nick: null },
    ];
    const inserted = await coll.insertMany(docs);
    expect(inserted.insertedCount).toBe(4);

    const names = async (filter: object, sort: Sort = { name: 1 }): Promise<string[]> =>
      (await coll.find(filter).sort(sort).toArray()).map((d) => d.name as string);
    expect(await names({ 'team.name': 'core' })).toEqual(['ada', 'cy']);
    expect(await names({ age: { $gte: 30, $lt: 41 } })).toEqual(['ada', 'di']);
    expect(await names({ name: { $in: ['bob', 'di', 'zed'] } })).toEqual(['bob', 'di']);
    expect(await names({ name: { $nin: ['bob', 'di'] } })).toEqual(['ada', 'cy']);
    expect(await names({ age: { $ne: 25 }, tags: 'y' })).toEqual(['ada', 'cy']);
    expect(await names({ tags: { $exists: false } })).toEqual(['bob', 'di']);
    expect(await names({ nick: { $exists: true } })).toEqual(['di']);
    expect(await names({ name: { $regex: '^[ab]' } })).toEqual(['ada', 'bob']);
    expect(await names({ name: /^C/i })).toEqual(['cy']);
    expect(await names({ age: { $gt: 20 } }, { age: -1 })).toEqual(['cy', 'ada', 'di', 'bob']);

    const page = await coll.find({}).sort({ age: 1 }).skip(1).limit(2).toArray();
    expect(page.map((d) => d.name)).toEqual(['di', 'ada']);

    const projected = await coll.findOne(
      { name: 'ada' },
      { projection: { name: 1, 'team.name': 1 } },
    );
    expect(Object.keys(projected ?? {}).sort()).toEqual(['_id', 'name', 'team']);
    const excluded = await coll.findOne(
      { name: 'ada' },
      { projection: { _id: 0, tags: 0, team: 0 } },
    );
    expect(excluded).toEqual({ name: 'ada', age: 36 });
  });

  it('walks a cursor across getMore batches (batchSize 2 over 7 documents)', async () => {
    const coll = client.db(DB).collection('batches');
    await coll.insertMany(Array.from({ length: 7 }, (_, i) => ({ i })));
    started.length = 0;
    const all = await coll.find({}, { batchSize: 2 }).sort({ i: 1 }).toArray();
    expect(all.map((d) => d.i)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const getMores = started.filter((e) => e.commandName === 'getMore');
    expect(getMores.length).toBeGreaterThanOrEqual(3);
    expect(getMores.every((e) => e.command.batchSize === 2)).toBe(true);
  });

  it('updates, upserts and deletes', async () => {
    const coll = client.db(DB).collection('writes');
    await coll.insertMany([
      { k: 'a', n: 1 },
      { k: 'b', n: 2 },
      { k: 'c', n: 3 },
    ]);

    const one = await coll.updateOne({ k: 'a' }, { $set: { flag: true }, $inc: { n: 10 } });
    expect(one).toMatchObject({ matchedCount: 1, modifiedCount: 1, upsertedCount: 0 });
    expect(await coll.findOne({ k: 'a' }, { projection: { _id: 0 } })).toEqual({
      k: 'a',
      n: 11,
      flag: true,
    });

    const many = await coll.updateMany({ n: { $lte: 3 } }, { $unset: { n: '' } });
    expect(many).toMatchObject({ matchedCount: 2, modifiedCount: 2 });
    const same = await coll.updateOne({ k: 'a' }, { $set: { flag: true } });
    expect(same).toMatchObject({ matchedCount: 1, modifiedCount: 0 });

    const up = await coll.updateOne({ k: 'z' }, { $set: { n: 26 } }, { upsert: true });
    expect(up.upsertedCount).toBe(1);
    expect(up.upsertedId).toBeTruthy();
    expect(await coll.findOne({ k: 'z' }, { projection: { _id: 0 } })).toEqual({ k: 'z', n: 26 });

    const replaced = await coll.replaceOne({ k: 'b' }, { k: 'b', replaced: true });
    expect(replaced.modifiedCount).toBe(1);
    expect(await coll.findOne({ k: 'b' }, { projection: { _id: 0 } })).toEqual({
      k: 'b',
      replaced: true,
    });

    expect((await coll.deleteOne({ k: { $in: ['a', 'b'] } })).deletedCount).toBe(1);
    expect((await coll.deleteMany({})).deletedCount).toBe(3);
    expect(await coll.countDocuments()).toBe(0);
  });

  it('enforces a unique index with duplicate key error 11000', async () => {
    const coll = client.db(DB).collection('uniq');
    const name = await coll.createIndex({ email: 1 }, { unique: true });
    expect(name).toBe('email_1');
    const indexes = await coll.listIndexes().toArray();
    expect(indexes.find((i) => i.name === 'email_1')).toMatchObject({
      key: { email: 1 },
      unique: true,
    });
    await coll.insertOne({ email: 'a@example.test' });
    const err = await serverError(coll.insertOne({ email: 'a@example.test' }));
    expect(err.code).toBe(11000);
    const dupId = await serverError(coll.insertOne({ _id: (await coll.findOne())?._id }));
    expect(dupId.code).toBe(11000);
  });

  it('lists collections filtered by a name regex', async () => {
    const db = client.db(DB);
    await db.createCollection('metrics_cpu');
    await db.createCollection('metrics_mem');
    await db.createCollection('audit');
    const found = await db.listCollections({ name: { $regex: '^metrics_' } }).toArray();
    expect(found.map((c) => c.name).sort()).toEqual(['metrics_cpu', 'metrics_mem']);
    expect(found[0]).toMatchObject({ type: 'collection' });
    const named = await db.listCollections({ name: 'audit' }, { nameOnly: true }).toArray();
    expect(named).toEqual([expect.objectContaining({ name: 'audit' })]);
  });

  it('rejects invalid collection names with code 73', async () => {
    const err = await serverError(client.db(DB).createCollection('bad$name'));
    expect(err.code).toBe(73);
  });

  it('drops collections and databases', async () => {
    const other = client.db(`${DB}_drop`);
    await other.collection('gone').insertOne({ x: 1 });
    expect(await other.collection('gone').drop()).toBe(true);
    expect(await other.listCollections({ name: 'gone' }).toArray()).toEqual([]);
    await other.collection('kept').insertOne({ x: 1 });
    expect(await other.dropDatabase()).toBe(true);
    const dbs = await client.db('admin').admin().listDatabases();
    expect(dbs.databases.map((d) => d.name)).not.toContain(`${DB}_drop`);
  });

  it('lists databases with sizes, and names only', async () => {
    await client.db(DB).collection('presence').insertOne({ here: true });
    const full = await client.db('admin').admin().listDatabases();
    const mine = full.databases.find((d) => d.name === DB);
    expect(mine).toBeDefined();
    expect(Number(mine?.sizeOnDisk)).toBeGreaterThan(0);
    const names = await client.db('admin').admin().listDatabases({ nameOnly: true });
    expect(names.databases.map((d) => d.name)).toContain(DB);
  });

  it('serverStatus counts connections and inserts', async () => {
    const admin = client.db('admin');
    const before = await admin.command({ serverStatus: 1 });
    expect(before.connections.current).toBeGreaterThanOrEqual(1);
    expect(before.process).toMatch(/mongod/);
    expect(before.globalLock.currentQueue).toEqual(
      expect.objectContaining({ total: expect.any(Number) }),
    );
    await client
      .db(DB)
      .collection('counted')
      .insertMany([{ a: 1 }, { a: 2 }]);
    const after = await admin.command({ serverStatus: 1 });
    expect(Number(after.opcounters.insert)).toBeGreaterThanOrEqual(
      Number(before.opcounters.insert) + 2,
    );
  });

  it('aggregates with $match + $count and $group + $sum', async () => {
    const coll = client.db(DB).collection('agg');
    await coll.insertMany([
      { s: 'a', v: 1 },
      { s: 'a', v: 2 },
      { s: 'b', v: 5 },
    ]);
    expect(await coll.aggregate([{ $match: { s: 'a' } }, { $count: 'n' }]).toArray()).toEqual([
      { n: 2 },
    ]);
    const grouped = await coll
      .aggregate([{ $match: {} }, { $group: { _id: '$s', total: { $sum: '$v' } } }])
      .toArray();
    expect(grouped.sort((x, y) => String(x._id).localeCompare(String(y._id)))).toEqual([
      { _id: 'a', total: 3 },
      { _id: 'b', total: 5 },
    ]);
  });

  it('reports $collStats storageStats and rejects unknown pipeline stages with 40324', async () => {
    const coll = client.db(DB).collection('stats');
    await coll.insertMany([{ a: 1 }, { a: 2 }, { a: 3 }]);
    const [stats] = await coll.aggregate([{ $collStats: { storageStats: {} } }]).toArray();
    expect(stats?.ns).toBe(`${DB}.stats`);
    expect(stats?.storageStats).toMatchObject({ count: 3, nindexes: 1 });
    expect(Number(stats?.storageStats.size)).toBeGreaterThan(0);
    const err = await serverError(coll.aggregate([{ $keelNoSuchStage: {} }]).toArray());
    expect(err.code).toBe(40324);
  });

  it('refuses an unknown command with code 59', async () => {
    const err = await serverError(client.db(DB).command({ keelNoSuchCommand: 1 }));
    expect(err.code).toBe(59);
    expect(err.message).toContain('keelNoSuchCommand');
  });

  it('rejects replSetGetStatus on a standalone with code 76', async (ctx) => {
    const hello = await client.db('admin').command({ hello: 1 });
    if (hello.setName) ctx.skip('target is a replica set member');
    const err = await serverError(client.db('admin').command({ replSetGetStatus: 1 }));
    expect(err.code).toBe(76);
    expect(err.codeName).toBe('NoReplicationEnabled');
  });
});
