import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoStore } from '../../../electron/main/stores/mongo.store';
import { parseConnectionUri } from '../../../shared/models/uri';
import { conn } from '../../support/connections';
import { getMongoTarget, startMongoStandIn, type MongoTarget } from '../../support/standins/mongo';

/**
 * The Mongo store suite: against a real MongoDB when KEEL_TEST_MONGO_URL is set, otherwise against
 * the test-only wire-protocol stand-in (test/support/standins/mongo). README lists what was only
 * verified against the stand-in.
 */
describe(`Mongo store (${process.env.KEEL_TEST_MONGO_URL ? 'real MongoDB' : 'stand-in'})`, () => {
  let target: MongoTarget;
  beforeAll(async () => void (target = await getMongoTarget()));
  afterAll(async () => target.stop());

  const store = () => {
    const p = parseConnectionUri(target.url);
    return new MongoStore({
      connection: conn('mongodb', p.connection.host, p.connection.port, {
        user: p.connection.user,
        database: p.connection.database,
      }),
      secret: p.password ? { password: p.password } : undefined,
    });
  };

  it('probes: version, role, uptime, latency; pool statistics count connections', async () => {
    const s = store();
    const f = await s.probe('primary');
    expect(f.version).toMatch(/^\d+\.\d+/);
    expect(['standalone', 'primary']).toContain(f.serverRole);
    expect(f.uptimeSec).toBeGreaterThanOrEqual(0);
    const st = s.stats();
    expect(st.created).toBeGreaterThanOrEqual(1);
    expect(st.inUse).toBe(0);
    await s.close();
  });

  it('runs commands and collection work through the guard', async () => {
    const s = store();
    const db = `keel_test_${Date.now()}`;
    await s.withDb(db, async (d) => {
      await d.collection('tenant_acme_users').insertMany([{ n: 1 }, { n: 2 }, { n: 3 }]);
      await d.collection('tenant_acme_users').createIndex({ n: 1 }, { unique: true });
    });
    const count = await s.withDb(db, (d) =>
      d.collection('tenant_acme_users').countDocuments({ n: { $gte: 2 } }),
    );
    expect(count).toBe(2);
    await expect(
      s.withDb(db, (d) => d.collection('tenant_acme_users').insertOne({ n: 1 })),
    ).rejects.toMatchObject({ code: 'CONFLICT', details: { driverCode: 11000 } });
    await s.command(db, { dropDatabase: 1 });
    await s.close();
  });

  it('maps a closed port to CONN_REFUSED within the connect time-out', async () => {
    const s = new MongoStore({
      connection: conn('mongodb', '127.0.0.1', 1, {
        timeouts: { connectMs: 800, operationMs: 2000 },
      }),
      secret: undefined,
    });
    const t0 = Date.now();
    await expect(s.probe('primary')).rejects.toMatchObject({ code: 'CONN_REFUSED' });
    expect(Date.now() - t0).toBeLessThan(3000);
    await s.close();
  });
});

describe('Mongo store: auth and outages (stand-in only: needs control of the server)', () => {
  it.skipIf(Boolean(process.env.KEEL_TEST_MONGO_URL))(
    'maps a wrong password to AUTH_FAILED without echoing it',
    async () => {
      const m = await startMongoStandIn({ users: [{ user: 'keel', password: 'Mongo-Pw-1' }] });
      const bad = new MongoStore({
        connection: conn('mongodb', m.host, m.port, { user: 'keel' }),
        secret: { password: 'Wrong-Mongo-2' },
      });
      const e = await bad.probe('primary').catch((x: unknown) => x);
      expect(e).toMatchObject({ code: 'AUTH_FAILED' });
      expect(String((e as Error).message)).not.toContain('Wrong-Mongo-2');
      const good = new MongoStore({
        connection: conn('mongodb', m.host, m.port, { user: 'keel' }),
        secret: { password: 'Mongo-Pw-1' },
      });
      expect((await good.probe('primary')).version).toBeDefined();
      await Promise.all([bad.close(), good.close()]);
      await m.stop();
    },
  );

  it.skipIf(Boolean(process.env.KEEL_TEST_MONGO_URL))(
    // The secondary's lag is read by the collector from replSetGetStatus (asserted in
    // test/integration/monitoring/store-collectors.test.ts); the stand-in cannot be a secondary.
    'reports the primary of a replica set as primary, without a lag of its own',
    async () => {
      const m = await startMongoStandIn({ replicaSet: { name: 'rs0', lagSec: 7 } });
      const s = new MongoStore({ connection: conn('mongodb', m.host, m.port), secret: undefined });
      const facts = await s.probe('primary');
      expect(facts.serverRole).toBe('primary');
      expect(facts.replicationLagSec).toBeUndefined();
      await s.close();
      await m.stop();
    },
  );

  it.skipIf(Boolean(process.env.KEEL_TEST_MONGO_URL))(
    'fails with a mapped code when the server dies and recovers when it returns',
    async () => {
      const m = await startMongoStandIn();
      const s = new MongoStore({
        connection: conn('mongodb', m.host, m.port, {
          timeouts: { connectMs: 800, operationMs: 2000 },
        }),
        secret: undefined,
      });
      await s.probe('primary');
      m.kill();
      await expect(s.probe('primary')).rejects.toMatchObject({
        code: expect.stringMatching(/CONN_REFUSED|TIMEOUT/),
      });
      await m.restart();
      let ok = false;
      for (let i = 0; i < 20 && !ok; i++) {
        ok = (await s.probe('primary').catch(() => undefined)) !== undefined;
        if (!ok) await new Promise((r) => setTimeout(r, 250));
      }
      expect(ok).toBe(true);
      await s.close();
      await m.stop();
    },
  );
});
