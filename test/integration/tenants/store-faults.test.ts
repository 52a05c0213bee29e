import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRecord } from '../../../shared/jobs';
import type { Interrupted, TenantSpec } from '../../../shared/tenants';
import { createCore, type Core } from '../../../electron/main/bootstrap';
import { silentLogger } from '../../../electron/main/lib/logger';
import { KeyCipher } from '../../../electron/main/secrets/cipher';
import { TenantProvisioner } from '../../../electron/main/services/tenants/provisioner';
import {
  startFaultProxy,
  startInfluxDb,
  startMariaDb,
  startRedis,
  waitFor,
  type FaultProxy,
  type InfluxDbHandle,
  type MariaDbHandle,
  type RedisHandle,
} from '../../support/index';
import { getMongoTarget, type MongoTarget } from '../../support/standins/mongo/index';
import { userCtx, directJob } from '../../support/tenants';

/**
 * Provisioning under real store failures, not thrown exceptions: Keel reaches every store through
 * a fault proxy that resets or refuses its connections while a step is half-way (some of its
 * objects exist). Whatever the tier and the store, the tenant ends rolled back with nothing left,
 * or — when a store is still down during the rollback itself — in the interrupted list, from
 * which a later rollback leaves nothing. The test's own clients go to the servers directly.
 */
const ENV = 'flt';

interface Rig {
  db: MariaDbHandle;
  redis: RedisHandle;
  influx: InfluxDbHandle;
  mongo: MongoTarget;
  proxy: Record<'core' | 'instance' | 'cache' | 'metrics' | 'docs', FaultProxy>;
  core: Core;
  home: string;
  redisClient: Redis;
  mongoClient: MongoClient;
}

describe('provisioning under real store faults (proxied MariaDB, Redis, InfluxDB, Mongo stand-in)', () => {
  let r: Rig;

  const call = async <T>(method: string, input: unknown): Promise<T> => {
    const res = await r.core.router.dispatch(method, input, userCtx);
    if (!res.ok) throw Object.assign(new Error(res.error.message), res.error);
    return res.value as T;
  };

  /** Everything of a tenant in every store, read directly (errors are failures, not "empty"). */
  const footprint = async (id: string) => {
    const [schemas, rows, journal, colls, acl, keys, buckets] = await Promise.all([
      r.db.query('SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [
        `tenant_${id}`,
      ]),
      r.db.query('SELECT id FROM saas_unified_core.tenants WHERE id = ?', [id]),
      r.db.query(
        'SELECT step_key FROM saas_unified_core.tenant_provision_step WHERE tenant_id = ?',
        [id],
      ),
      r.mongoClient
        .db('business_db')
        .listCollections({ name: { $regex: `^tenant_${id}_` } }, { nameOnly: true })
        .toArray(),
      r.redisClient.call('ACL', 'GETUSER', `tenant_${id}`).then((u) => (u ? [u] : [])),
      r.redisClient.select(1).then(() => r.redisClient.keys(`t:${id}:*`)),
      r.influx
        .query('SHOW DATABASES')
        .then((q) =>
          ((q.results?.[0]?.series?.[0]?.values ?? []) as string[][]).filter(
            (v) => v[0] === `tenant_${id}`,
          ),
        ),
    ]);
    return { schemas, rows, journal, colls, acl, keys, buckets };
  };
  const nothingOf = async (id: string) =>
    Object.values(await footprint(id)).every((v) => v.length === 0);

  /** A service whose hook can fault the proxies at a step, as a store dying there would. */
  const serviceWith = (
    beforeStep: (key: string) => void | Promise<void>,
    undoPatienceMs?: number,
  ) =>
    new TenantProvisioner({
      envs: r.core.services.environments,
      registry: r.core.services.registry,
      bus: r.core.bus,
      logger: silentLogger(),
      beforeStep,
      ...(undoPatienceMs !== undefined && { undoPatienceMs }),
    });

  /** Resets `proxy`'s connections once `ready()` holds (polled on direct connections). */
  const resetWhen = (proxy: FaultProxy, ready: () => Promise<boolean>) => {
    let stop = false;
    const done = (async () => {
      while (!stop) {
        if (await ready()) {
          proxy.resetConnections();
          return true;
        }
        await new Promise((res) => setImmediate(res));
      }
      return false;
    })();
    return {
      fired: done,
      cancel: () => {
        stop = true;
      },
    };
  };

  beforeAll(async () => {
    const [db, redis, influx, mongo] = await Promise.all([
      startMariaDb({ name: 'faults' }),
      startRedis({ name: 'faults' }),
      startInfluxDb({ name: 'faults' }),
      getMongoTarget(),
    ]);
    const mongoUrl = new URL(mongo.url);
    const to = (host: string, port: number) =>
      startFaultProxy({ targetHost: host, targetPort: port });
    const [core, instance, cache, metrics, docs] = await Promise.all([
      to('127.0.0.1', db.port),
      to('127.0.0.1', db.port),
      to('127.0.0.1', redis.port),
      to('127.0.0.1', influx.port),
      to(mongoUrl.hostname, Number(mongoUrl.port)),
    ]);
    const home = await mkdtemp(join(tmpdir(), 'keel-faults-'));
    const env: NodeJS.ProcessEnv = {
      KEEL_ENV_ID: ENV,
      KEEL_CONN_CORE_URI: `mysql://root@127.0.0.1:${core.port}/`,
      KEEL_CONN_CACHE_URI: `redis://127.0.0.1:${cache.port}/0`,
      KEEL_CONN_METRICS_URI: `http://127.0.0.1:${metrics.port}/`,
      KEEL_CONN_DOCS_URI: `mongodb://127.0.0.1:${docs.port}/?directConnection=true`,
      KEEL_CONN_DOCS_ROLE: 'business_db',
      KEEL_CONN_INST_URI: `mysql://root@127.0.0.1:${instance.port}/`,
      KEEL_CONN_INST_ROLE: 'tenant:halfschema',
    };
    const keel = await createCore({
      shell: 'server',
      version: 't',
      userDataDir: home,
      cipher: new KeyCipher('t', Buffer.alloc(32, 7)),
      logger: silentLogger(),
      env,
      work: true,
    });
    const redisClient = new Redis({ port: redis.port, lazyConnect: true });
    await redisClient.connect();
    const mongoClient = await MongoClient.connect(mongo.url, { serverSelectionTimeoutMS: 3000 });
    r = {
      db,
      redis,
      influx,
      mongo,
      proxy: { core, instance, cache, metrics, docs },
      core: keel,
      home,
      redisClient,
      mongoClient,
    };
    const rec = await call<JobRecord>('tenants.applyBlueprint', { envId: ENV });
    const applied = await r.core.services.jobs.wait(rec.id);
    expect(applied.state, JSON.stringify(applied.error)).toBe('completed');
  }, 180_000);

  afterAll(async () => {
    if (!r) return;
    r.redisClient.disconnect();
    await r.mongoClient.close().catch(() => undefined);
    await r.core.dispose();
    await Promise.all(Object.values(r.proxy).map((p) => p.close()));
    await Promise.all([r.db.stop(), r.redis.stop(), r.influx.stop(), r.mongo.stop()]);
    await rm(r.home, { recursive: true, force: true });
  });

  it('dedicated instance: the instance drops its connections while the schema is half-made → rolled back, nothing left', async () => {
    const id = 'halfschema';
    const spec: TenantSpec = {
      id,
      name: 'Half',
      plan: 'enterprise',
      tier: 'dedicated_instance',
      instanceConnectionId: 'inst',
    };
    // Slow the instance down so the fault lands between two of its CREATE TABLEs.
    r.proxy.instance.setLatency(15);
    let journalAtFault = 0;
    const fault = resetWhen(r.proxy.instance, async () => {
      const t = await r.db.query<{ n: number }>(
        'SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?',
        [`tenant_${id}`],
      );
      if (Number(t[0]?.n) < 3) return false;
      journalAtFault = (await footprint(id)).journal.length;
      return true;
    });
    try {
      await expect(serviceWith(() => undefined).provision(ENV, spec, directJob())).rejects.toThrow(
        /rolled back/,
      );
    } finally {
      fault.cancel();
      r.proxy.instance.heal();
    }
    expect(await fault.fired, 'the reset landed while the schema was half-made').toBe(true);
    expect(journalAtFault, 'the schema step was journaled before it ran').toBeGreaterThan(0);
    expect(await nothingOf(id)).toBe(true);
  }, 120_000);

  it('dedicated schema: Mongo drops its connections while collections are being made → rolled back, nothing left', async () => {
    const id = 'halfdocs';
    const spec: TenantSpec = { id, name: 'Half docs', plan: 'pro', tier: 'dedicated_schema' };
    r.proxy.docs.setLatency(15);
    const fault = resetWhen(r.proxy.docs, async () => {
      const c = await r.mongoClient
        .db('business_db')
        .listCollections({ name: { $regex: `^tenant_${id}_` } }, { nameOnly: true })
        .toArray();
      return c.length >= 1;
    });
    try {
      await expect(serviceWith(() => undefined).provision(ENV, spec, directJob())).rejects.toThrow(
        /rolled back/,
      );
    } finally {
      fault.cancel();
      r.proxy.docs.heal();
    }
    expect(await fault.fired, 'the reset landed after a collection existed').toBe(true);
    expect(await nothingOf(id)).toBe(true);
  }, 120_000);

  it('shared: InfluxDB fails its step and Redis is down during the rollback → interrupted; a later rollback leaves nothing', async () => {
    const id = 'stranded';
    const spec: TenantSpec = { id, name: 'Stranded', plan: 'basic', tier: 'shared' };
    const svc = serviceWith((key) => {
      if (!key.startsWith('influxdb:')) return;
      // The metrics store refuses the step's call, and the cache dies before the rollback.
      r.proxy.metrics.refuse(true);
      r.proxy.metrics.resetConnections();
      r.proxy.cache.refuse(true);
      r.proxy.cache.resetConnections();
    }, 2_000);
    try {
      await expect(svc.provision(ENV, spec, directJob())).rejects.toThrow(
        /rollback did not finish/,
      );
      const f = await footprint(id);
      expect(f.acl, 'the ACL user is still there: Redis was down for the rollback').toHaveLength(1);
      const list = await call<Interrupted[]>('tenants.interrupted', { envId: ENV });
      expect(list.find((x) => x.tenantId === id)).toMatchObject({ state: 'failed' });
    } finally {
      r.proxy.metrics.heal();
      r.proxy.cache.heal();
    }
    const rec = await call<JobRecord>('tenants.rollback', { envId: ENV, tenantId: id });
    const done = await r.core.services.jobs.wait(rec.id);
    expect(done.state, JSON.stringify(done.error)).toBe('completed');
    await waitFor(() => nothingOf(id), { what: `nothing of ${id} left`, timeoutMs: 10_000 });
    const list = await call<Interrupted[]>('tenants.interrupted', { envId: ENV });
    expect(list.map((x) => x.tenantId)).not.toContain(id);
  }, 120_000);
});
