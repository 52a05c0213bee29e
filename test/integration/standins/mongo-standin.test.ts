/**
 * Behaviour specific to Keel's TEST-ONLY MongoDB stand-in (crash/restart simulation, replica-set
 * mode, command log, wire framing). These exercise the stand-in itself and are skipped when a real
 * server is configured via KEEL_TEST_MONGO_URL.
 */
import net from 'node:net';
import { deserialize, serialize, type Document } from 'bson';
import {
  MongoClient,
  MongoNetworkError,
  MongoServerError,
  MongoServerSelectionError,
} from 'mongodb';
import { afterEach, describe, expect, it } from 'vitest';
import {
  startMongoStandIn,
  withCredentials,
  type MongoStandIn,
} from '../../support/standins/mongo/index';

const usingReal = Boolean(process.env.KEEL_TEST_MONGO_URL);

/** Sends raw wire messages and resolves with the first complete reply. */
function exchange(port: number, ...messages: Buffer[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(Buffer.concat(messages)));
    let data = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      if (data.length >= 4 && data.length >= data.readInt32LE(0)) {
        socket.destroy();
        resolve(data.subarray(0, data.readInt32LE(0)));
      }
    });
    socket.on('error', reject);
  });
}

function header(length: number, requestId: number, opCode: number): Buffer {
  const buf = Buffer.alloc(16);
  buf.writeInt32LE(length, 0);
  buf.writeInt32LE(requestId, 4);
  buf.writeInt32LE(0, 8);
  buf.writeInt32LE(opCode, 12);
  return buf;
}

function opMsg(
  requestId: number,
  flags: number,
  body: Document,
  seq?: [string, Document[]],
): Buffer {
  const parts: Buffer[] = [Buffer.from([0]), Buffer.from(serialize(body))];
  if (seq) {
    const docs = Buffer.concat(seq[1].map((d) => Buffer.from(serialize(d))));
    const id = Buffer.from(`${seq[0]}\0`);
    const size = Buffer.alloc(4);
    size.writeInt32LE(4 + id.length + docs.length);
    parts.push(Buffer.from([1]), size, id, docs);
  }
  const flagBuf = Buffer.alloc(4);
  flagBuf.writeUInt32LE(flags);
  // checksumPresent (bit 0): a CRC-32C trailer follows; the stand-in does not verify it.
  const trailer = flags & 1 ? Buffer.alloc(4) : Buffer.alloc(0);
  const payload = Buffer.concat([flagBuf, ...parts, trailer]);
  return Buffer.concat([header(16 + payload.length, requestId, 2013), payload]);
}

function replyBody(reply: Buffer): Document {
  const opCode = reply.readInt32LE(12);
  return deserialize(reply.subarray(opCode === 1 ? 36 : 21));
}

describe.skipIf(usingReal)('Keel MongoDB stand-in specifics', () => {
  const cleanups: Array<() => Promise<void>> = [];
  const track = async (opts?: Parameters<typeof startMongoStandIn>[0]): Promise<MongoStandIn> => {
    const standIn = await startMongoStandIn(opts);
    cleanups.push(() => standIn.stop());
    return standIn;
  };
  const client = (url: string): MongoClient => {
    const c = new MongoClient(url, { serverSelectionTimeoutMS: 1000 });
    cleanups.push(() => c.close());
    return c;
  };

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('fails fast after kill() and recovers, data intact, after restart()', async () => {
    const standIn = await track();
    const c = client(standIn.url);
    const coll = c.db('crash').collection('c');
    await coll.insertOne({ survived: true });

    standIn.kill();
    const startedAt = Date.now();
    const err = await coll.findOne({}).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err instanceof MongoNetworkError || err instanceof MongoServerSelectionError).toBe(true);
    // serverSelectionTimeoutMS is 1000; allow scheduling slack on a busy CI machine.
    expect(Date.now() - startedAt).toBeLessThan(2500);

    await standIn.restart();
    let doc: Document | null = null;
    for (let attempt = 0; attempt < 20 && !doc; attempt += 1) {
      doc = await coll.findOne({}, { projection: { _id: 0 } }).catch(() => null);
    }
    expect(doc).toEqual({ survived: true });
  });

  it('records received command names in commandLog', async () => {
    const standIn = await track();
    const c = client(standIn.url);
    await c.db('log').command({ ping: 1 });
    await c.db('log').collection('c').find({}).toArray();
    expect(standIn.commandLog).toEqual(expect.arrayContaining(['ping', 'find']));
    expect(['isMaster', 'ismaster', 'hello']).toContain(standIn.commandLog[0]);
  });

  it('presents a replica set whose secondary lags by lagSec', async () => {
    const standIn = await track({ replicaSet: { name: 'rs-keel', lagSec: 7 } });
    expect(standIn.url).toContain('replicaSet=rs-keel');
    const c = client(standIn.url);
    const admin = c.db('admin');
    const hello = await admin.command({ hello: 1 });
    expect(hello).toMatchObject({ setName: 'rs-keel', isWritablePrimary: true });
    await c.db('rs').collection('c').insertOne({ retryable: true });

    const lagOf = (status: Document): number => {
      const byState = (s: string): Document =>
        (status.members as Document[]).find((m) => m.stateStr === s) as Document;
      return (byState('PRIMARY').optimeDate - byState('SECONDARY').optimeDate) / 1000;
    };
    expect(lagOf(await admin.command({ replSetGetStatus: 1 }))).toBeCloseTo(7, 0);
    standIn.setLagSec(42);
    expect(lagOf(await admin.command({ replSetGetStatus: 1 }))).toBeCloseTo(42, 0);
  });

  it('rejects unknown users like wrong passwords (code 18)', async () => {
    const standIn = await track({ users: [{ user: 'keel', password: 'pw', db: 'ops' }] });
    const ok = client(withCredentials(standIn.url, 'keel', 'pw', 'ops'));
    await ok.connect();
    const c = client(withCredentials(standIn.url, 'nobody', 'pw', 'ops'));
    const err = await c.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(MongoServerError);
    expect((err as MongoServerError).code).toBe(18);
  });

  it('gives startup users root unless they are given roles, and enforces those roles', async () => {
    const standIn = await track({
      users: [
        { user: 'boss', password: 'pw' },
        { user: 'viewer', password: 'pw', roles: [{ role: 'read', db: 'app' }] },
      ],
    });
    const boss = client(withCredentials(standIn.url, 'boss', 'pw'));
    await boss.db('app').collection('c').insertOne({ a: 1 });
    const status = await boss.db('admin').command({ connectionStatus: 1 });
    expect(status.authInfo.authenticatedUserRoles).toEqual([{ role: 'root', db: 'admin' }]);
    const viewer = client(withCredentials(standIn.url, 'viewer', 'pw'));
    expect(await viewer.db('app').collection('c').countDocuments()).toBe(1);
    const refused = await viewer
      .db('app')
      .collection('c')
      .deleteMany({})
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect((refused as MongoServerError).code).toBe(13);
    expect(await boss.db('app').collection('c').countDocuments()).toBe(1);
  });

  it('answers a legacy OP_QUERY isMaster with an OP_REPLY', async () => {
    const standIn = await track();
    const query = Buffer.from(serialize({ isMaster: 1 }));
    const body = Buffer.concat([
      Buffer.alloc(4),
      Buffer.from('admin.$cmd\0'),
      Buffer.alloc(4),
      Buffer.from([1, 0, 0, 0]),
      query,
    ]);
    const reply = await exchange(
      standIn.port,
      Buffer.concat([header(16 + body.length, 7, 2004), body]),
    );
    expect(reply.readInt32LE(12)).toBe(1);
    expect(reply.readInt32LE(8)).toBe(7);
    expect(replyBody(reply)).toMatchObject({ ismaster: true, maxWireVersion: 21, ok: 1 });
  });

  it('reads OP_MSG document sequences, skips checksums and stays silent on moreToCome', async () => {
    const standIn = await track();
    const insert = opMsg(1, 1, { insert: 'seq', $db: 'wire' }, [
      'documents',
      [{ _id: 1 }, { _id: 2 }],
    ]);
    expect(replyBody(await exchange(standIn.port, insert))).toMatchObject({ n: 2, ok: 1 });

    // moreToCome (bit 1): the insert gets no reply, so the first reply must be the count's.
    const silent = opMsg(2, 2, { insert: 'seq', $db: 'wire' }, ['documents', [{ _id: 3 }]]);
    const count = opMsg(3, 0, { count: 'seq', $db: 'wire' });
    const reply = await exchange(standIn.port, silent, count);
    expect(reply.readInt32LE(8)).toBe(3);
    expect(replyBody(reply)).toMatchObject({ n: 3, ok: 1 });
  });
});
