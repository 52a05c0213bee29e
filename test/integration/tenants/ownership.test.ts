import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProvisionPlan, TenantSpec } from '../../../shared/tenants';
import { silentLogger } from '../../../electron/main/lib/logger';
import { TenantProvisioner } from '../../../electron/main/services/tenants/provisioner';
import type { StandInVersion } from '../../support/standins/mongo/index';
import { startTenantPlatform, type TenantPlatform, directJob } from '../../support/tenants';

/**
 * Who created it decides what a rollback may remove. A re-run of a live tenant's provisioning
 * that fails at any step must leave every object the tenant already had — and its data — exactly
 * as it was. MongoDB 7.0+ answers `create` on an existing, identical collection with `ok: 1`
 * (SERVER-60064) and 6.0 with NamespaceExists: both are run, so ownership cannot rest on the
 * error code. With KEEL_TEST_MONGO_URL the suite runs once, against that real server.
 */
const ENV = 'plat';
const versions: StandInVersion[] = process.env.KEEL_TEST_MONGO_URL ? ['7.0'] : ['6.0', '7.0'];

describe.each(versions)(
  'a failed re-run never removes what a live tenant had (Mongo %s behaviour)',
  (version) => {
    let p: TenantPlatform;
    const spec: TenantSpec = {
      id: 'livecorp',
      name: 'Live Corp',
      plan: 'pro',
      tier: 'dedicated_schema',
    };

    /** The live tenant's data in every store: what must survive. */
    const data = async () => {
      const rows = await p.db.query<{ customer_name: string }>(
        'SELECT customer_name FROM tenant_livecorp.customers ORDER BY id',
      );
      const docs = await p.mongoClient
        .db('business_db')
        .collection('tenant_livecorp_agents')
        .find({}, { projection: { _id: 0, agent_id: 1 } })
        .toArray();
      await p.redisClient.select(1);
      const key = await p.redisClient.get('t:livecorp:session:1');
      await p.redisClient.select(0);
      const points = await p.influx.query('SELECT * FROM usage', { db: 'tenant_livecorp' });
      const series = points.results?.[0]?.series?.[0]?.values ?? [];
      return { rows, docs, key, points: series.length };
    };

    beforeAll(async () => {
      p = await startTenantPlatform(`own${version.replace('.', '')}`, true, {
        mongoVersion: version,
      });
      const applied = await p.job('tenants.applyBlueprint', { envId: ENV });
      expect(applied.state, JSON.stringify(applied.error)).toBe('completed');
      const rec = await p.job('tenants.provision', { envId: ENV, spec });
      expect(rec.state, JSON.stringify(rec.error)).toBe('completed');
      await p.db.query(
        "INSERT INTO tenant_livecorp.customers (id, tenant_id, customer_code, customer_name) VALUES ('c1', 'livecorp', 'C1', 'Kept')",
      );
      await p.mongoClient
        .db('business_db')
        .collection('tenant_livecorp_agents')
        .insertMany([
          { tenant_id: 'livecorp', agent_id: 'agent-1' },
          { tenant_id: 'livecorp', agent_id: 'agent-2' },
        ]);
      await p.redisClient.select(1);
      await p.redisClient.set('t:livecorp:session:1', 'alive');
      await p.redisClient.select(0);
      await p.influx.write('tenant_livecorp', `usage,tenant=livecorp calls=1i ${Date.now()}000000`);
    }, 180_000);

    afterAll(async () => {
      await p?.stop();
    });

    it('a clean re-run of a live tenant claims nothing and creates nothing', async () => {
      const rec = await p.job('tenants.provision', { envId: ENV, spec });
      expect(rec.state, JSON.stringify(rec.error)).toBe('completed');
      expect(rec.result).toMatchObject({ created: 0 });
      expect((await data()).docs).toHaveLength(2);
    });

    it('a re-run with a fault at any step leaves every object and all data as it was', async () => {
      const before = await p.footprint('livecorp');
      const dataBefore = await data();
      expect(dataBefore).toEqual({
        rows: [{ customer_name: 'Kept' }],
        docs: [{ agent_id: 'agent-1' }, { agent_id: 'agent-2' }],
        key: 'alive',
        points: 1,
      });
      const plan = await p.call<ProvisionPlan>('tenants.preview', { envId: ENV, spec });
      const keys = plan.steps.map((s) => s.key);
      expect(keys.length).toBeGreaterThan(10);
      for (const failAt of keys) {
        const svc = new TenantProvisioner({
          envs: p.core.services.environments,
          registry: p.core.services.registry,
          bus: p.core.bus,
          logger: silentLogger(),
          beforeStep: (key) => {
            if (key === failAt) throw new Error(`injected fault at ${key}`);
          },
        });
        await expect(svc.provision(ENV, spec, directJob())).rejects.toThrow(/injected fault/);
        expect(await p.footprint('livecorp'), `objects after a fault at ${failAt}`).toEqual(before);
        expect(await data(), `data after a fault at ${failAt}`).toEqual(dataBefore);
      }
    }, 240_000);
  },
);
