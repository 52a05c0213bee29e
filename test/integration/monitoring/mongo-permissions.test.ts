/**
 * The Mongo collector run as users with fewer rights than it would like, against Keel's TEST-ONLY
 * MongoDB stand-in in replica-set mode (it models mongod 6.0 / 7.0 built-in and user-defined
 * roles, and answers refused commands with 13 Unauthorized as mongod does). The users are made
 * with createUser / createRole through an admin connection, as an operator would.
 */
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectMongo } from '../../../electron/main/services/monitoring/collectors/mongo';
import { MongoStore } from '../../../electron/main/stores/mongo.store';
import { isKeelError } from '../../../shared/errors';
import { conn } from '../../support/connections';
import {
  startMongoStandIn,
  withCredentials,
  type MongoStandIn,
} from '../../support/standins/mongo';
import { context, metricsOf, valueOf } from './helpers';

const APP = 'app';
const PASSWORD = 'm0nitor-pw';

describe('Mongo collector without every privilege (stand-in)', () => {
  let standIn: MongoStandIn;
  let admin: MongoClient;
  const stores: MongoStore[] = [];

  const storeAs = (user: string): MongoStore => {
    const store = new MongoStore({
      connection: conn('mongodb', standIn.host, standIn.port, { user, database: 'admin' }),
      secret: { password: PASSWORD },
    });
    stores.push(store);
    return store;
  };

  beforeAll(async () => {
    standIn = await startMongoStandIn({
      users: [{ user: 'root', password: 'r00t' }],
      replicaSet: { name: 'rs0', lagSec: 4 },
    });
    admin = new MongoClient(withCredentials(standIn.url, 'root', 'r00t'), {
      serverSelectionTimeoutMS: 5000,
    });
    await admin.db(APP).collection('events').insertOne({ at: new Date() });
    await admin.db('other').collection('events').insertOne({ at: new Date() });
  });

  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await admin?.close();
    await standIn?.stop();
  });

  it('skips replication lag with the server’s reason when replSetGetStatus is not granted', async () => {
    // serverStatus on the cluster and read on one database: the lag and the other database's
    // size are out of reach, the rest of the sweep is not.
    await admin.db('admin').command({
      createRole: 'statusOnly',
      privileges: [{ resource: { cluster: true }, actions: ['serverStatus'] }],
      roles: [],
    });
    await admin.db('admin').command({
      createUser: 'status_reader',
      pwd: PASSWORD,
      roles: ['statusOnly', { role: 'read', db: APP }],
    });
    const { ctx, skipped } = context({ slow: true });
    const points = await collectMongo(storeAs('status_reader'), ctx);

    expect(valueOf(points, 'mongo.connections_current')).toBeGreaterThanOrEqual(1);
    expect(metricsOf(points).has('mongo.replication_lag_sec')).toBe(false);
    expect(skipped).toEqual([
      {
        group: 'replication',
        reason: expect.stringMatching(
          /not authorized on admin to execute command \{ replSetGetStatus: 1/,
        ) as unknown as string,
      },
    ]);
    // listDatabases without the listDatabases action lists only the user's own databases
    // (authorizedDatabases), so sizes come back for `app` and silently not for `other`.
    expect(valueOf(points, 'mongo.database_bytes', { database: APP })).toBeGreaterThan(0);
    expect(valueOf(points, 'mongo.database_bytes', { database: 'other' })).toBeUndefined();
  });

  it('with clusterMonitor nothing is skipped and the lag is read', async () => {
    await admin.db('admin').command({
      createUser: 'monitor',
      pwd: PASSWORD,
      roles: [{ role: 'clusterMonitor', db: 'admin' }],
    });
    const { ctx, skipped } = context({ slow: true });
    const points = await collectMongo(storeAs('monitor'), ctx);
    expect(skipped).toEqual([]);
    expect(
      valueOf(points, 'mongo.replication_lag_sec', { member: 'standin-secondary.invalid:27017' }),
    ).toBeCloseTo(4, 0);
    expect(valueOf(points, 'mongo.database_bytes', { database: 'other' })).toBeGreaterThan(0);
  });

  it('with only read on one database the sweep fails as PERMISSION_DENIED on serverStatus', async () => {
    // serverStatus is what every other metric hangs off, so the collector cannot skip it.
    await admin.db('admin').command({
      createUser: 'reader',
      pwd: PASSWORD,
      roles: [{ role: 'read', db: APP }],
    });
    const err = await collectMongo(storeAs('reader'), context().ctx).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isKeelError(err) && err.code).toBe('PERMISSION_DENIED');
    expect((err as Error).message).toMatch(/serverStatus/);
  });
});
