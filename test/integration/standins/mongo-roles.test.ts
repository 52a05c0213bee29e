/**
 * Users, roles and privilege checks as MongoDB 6.0 / 7.0 document them, against a real mongod
 * (only when KEEL_TEST_MONGO_AUTH_URL gives a user with root or userAdminAnyDatabase +
 * readWriteAnyDatabase + clusterMonitor) or against Keel's TEST-ONLY stand-in started with one
 * admin user. Every assertion must hold for both. Users and roles are named per run and dropped.
 *   https://www.mongodb.com/docs/manual/reference/built-in-roles/
 *   https://www.mongodb.com/docs/manual/reference/command/createRole/
 */
import { MongoClient, MongoServerError, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startMongoStandIn,
  withCredentials,
  type MongoStandIn,
} from '../../support/standins/mongo/index';

const RUN = `${process.pid}_${Date.now().toString(36)}`;
const APP = `keel_roles_app_${RUN}`;
const OTHER = `keel_roles_other_${RUN}`;
const PASSWORD = 'r0les-Pass';

async function serverError(promise: Promise<unknown>): Promise<MongoServerError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MongoServerError);
  return err as MongoServerError;
}

const usingReal = Boolean(process.env.KEEL_TEST_MONGO_URL);
const realAuthUrl = process.env.KEEL_TEST_MONGO_AUTH_URL;
const skip = usingReal && !realAuthUrl;
if (skip) console.info('mongo roles tests skipped: set KEEL_TEST_MONGO_AUTH_URL to run them');

describe.skipIf(skip)('roles and privileges (real mongod or the Keel stand-in)', () => {
  let standIn: MongoStandIn | undefined;
  let adminUrl: string;
  let admin: MongoClient;
  const clients: MongoClient[] = [];
  const users: string[] = [];
  const roles: Array<[string, string]> = [];

  /** Creates a user in admin with `roles` and returns a connected client for it. */
  async function userWith(name: string, grants: object[]): Promise<MongoClient> {
    const user = `${name}_${RUN}`;
    await admin.db('admin').command({ createUser: user, pwd: PASSWORD, roles: grants });
    users.push(user);
    const client = new MongoClient(withCredentials(adminUrl, user, PASSWORD), {
      serverSelectionTimeoutMS: 5000,
    });
    clients.push(client);
    await client.connect();
    return client;
  }

  async function createRole(db: Db, role: string, spec: object): Promise<void> {
    await db.command({ createRole: role, ...spec });
    roles.push([db.databaseName, role]);
  }

  beforeAll(async () => {
    if (realAuthUrl) {
      adminUrl = realAuthUrl;
    } else {
      standIn = await startMongoStandIn({ users: [{ user: 'admin', password: 'adm1n' }] });
      adminUrl = withCredentials(standIn.url, 'admin', 'adm1n');
    }
    admin = new MongoClient(adminUrl, { serverSelectionTimeoutMS: 5000 });
    await admin.connect();
    await admin.db(APP).collection('metrics').insertOne({ v: 1 });
    await admin.db(OTHER).collection('secrets').insertOne({ v: 2 });
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    for (const u of users) await admin?.db('admin').command({ dropUser: u });
    for (const [db, r] of roles) await admin?.db(db).command({ dropRole: r });
    await admin?.db(APP).dropDatabase();
    await admin?.db(OTHER).dropDatabase();
    await admin?.close();
    await standIn?.stop();
  });

  it('read on one database: finds there, and gets 13 Unauthorized for anything else', async () => {
    const reader = await userWith('reader', [{ role: 'read', db: APP }]);
    expect(await reader.db(APP).collection('metrics').countDocuments()).toBe(1);
    const insert = await serverError(reader.db(APP).collection('metrics').insertOne({ v: 9 }));
    expect(insert.code).toBe(13);
    expect(insert.codeName).toBe('Unauthorized');
    expect(insert.errmsg).toMatch(
      new RegExp(`^not authorized on ${APP} to execute command \\{ insert: "metrics"`),
    );
    expect((await serverError(reader.db(OTHER).collection('secrets').findOne())).code).toBe(13);
    const status = await serverError(reader.db('admin').command({ serverStatus: 1 }));
    expect(status.errmsg).toMatch(/^not authorized on admin to execute command \{ serverStatus: 1/);
    // Without listDatabases, only the databases the user has privileges on are listed.
    const { databases } = await reader.db('admin').admin().listDatabases();
    expect(databases.map((d) => d.name)).toEqual([APP]);
  });

  it('grantRolesToUser and revokeRolesFromUser take effect on open connections', async () => {
    const user = await userWith('grantee', [{ role: 'read', db: APP }]);
    const metrics = user.db(APP).collection('metrics');
    expect((await serverError(metrics.insertOne({ v: 3 }))).code).toBe(13);
    const name = `grantee_${RUN}`;
    await admin
      .db('admin')
      .command({ grantRolesToUser: name, roles: [{ role: 'readWrite', db: APP }] });
    await metrics.insertOne({ v: 3 });
    await admin
      .db('admin')
      .command({ revokeRolesFromUser: name, roles: [{ role: 'readWrite', db: APP }] });
    expect((await serverError(metrics.insertOne({ v: 4 }))).code).toBe(13);
    const info = await admin.db('admin').command({ usersInfo: name });
    expect(info.users[0]).toMatchObject({
      user: name,
      db: 'admin',
      roles: [{ role: 'read', db: APP }],
    });
  });

  it('user-defined roles grant actions on a collection, a database or the cluster', async () => {
    await createRole(admin.db(APP), `metricsReader_${RUN}`, {
      privileges: [{ resource: { db: APP, collection: 'metrics' }, actions: ['find'] }],
      roles: [],
    });
    await createRole(admin.db('admin'), `statusOnly_${RUN}`, {
      privileges: [{ resource: { cluster: true }, actions: ['serverStatus'] }],
      roles: [],
    });
    const user = await userWith('custom', [
      { role: `metricsReader_${RUN}`, db: APP },
      { role: `statusOnly_${RUN}`, db: 'admin' },
    ]);
    expect(await user.db(APP).collection('metrics').findOne({ v: 1 })).toMatchObject({ v: 1 });
    expect((await serverError(user.db(APP).collection('other').findOne())).code).toBe(13);
    expect(await user.db('admin').command({ serverStatus: 1 })).toMatchObject({ ok: 1 });
    expect((await serverError(user.db('admin').command({ hostInfo: 1 }))).code).toBe(13);
    expect((await serverError(user.db(APP).command({ dbStats: 1 }))).code).toBe(13);

    await admin.db(APP).command({
      grantPrivilegesToRole: `metricsReader_${RUN}`,
      privileges: [{ resource: { db: APP, collection: '' }, actions: ['dbStats'] }],
    });
    expect(await user.db(APP).command({ dbStats: 1 })).toMatchObject({ ok: 1 });
    await admin.db(APP).command({
      revokePrivilegesFromRole: `metricsReader_${RUN}`,
      privileges: [{ resource: { db: APP, collection: 'metrics' }, actions: ['find'] }],
    });
    expect((await serverError(user.db(APP).collection('metrics').findOne())).code).toBe(13);

    const info = await admin
      .db(APP)
      .command({ rolesInfo: `metricsReader_${RUN}`, showPrivileges: true });
    expect(info.roles[0]).toMatchObject({
      role: `metricsReader_${RUN}`,
      db: APP,
      isBuiltin: false,
    });
    expect(info.roles[0].privileges).toEqual([
      { resource: { db: APP, collection: '' }, actions: ['dbStats'] },
    ]);
  });

  it('answers user and role management mistakes with mongod codes', async () => {
    const db = admin.db('admin');
    await userWith('dup', [{ role: 'read', db: APP }]);
    const dup = await serverError(db.command({ createUser: `dup_${RUN}`, pwd: 'x', roles: [] }));
    expect(dup.code).toBe(51003);
    const noRole = await serverError(
      db.command({ createUser: `nr_${RUN}`, pwd: 'x', roles: [{ role: 'nope', db: APP }] }),
    );
    expect(noRole.code).toBe(31);
    expect((await serverError(db.command({ dropUser: `ghost_${RUN}` }))).code).toBe(11);
    expect((await serverError(db.command({ dropRole: `ghost_${RUN}` }))).code).toBe(31);
    const badAction = await serverError(
      admin.db(APP).command({
        createRole: `bad_${RUN}`,
        privileges: [{ resource: { db: APP, collection: '' }, actions: ['fly'] }],
        roles: [],
      }),
    );
    expect(badAction.code).toBe(9);
    const offDb = await serverError(
      admin.db(APP).command({
        createRole: `off_${RUN}`,
        privileges: [{ resource: { cluster: true }, actions: ['serverStatus'] }],
        roles: [],
      }),
    );
    expect(offDb.code).toBe(49);
    await createRole(admin.db(APP), `twice_${RUN}`, { privileges: [], roles: [] });
    const twice = await serverError(
      admin.db(APP).command({ createRole: `twice_${RUN}`, privileges: [], roles: [] }),
    );
    expect(twice.code).toBe(51002);
    expect(await db.command({ usersInfo: `nr_${RUN}` })).toMatchObject({ users: [] });
  });
});
