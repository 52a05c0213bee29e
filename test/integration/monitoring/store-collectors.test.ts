import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectInflux } from '../../../electron/main/services/monitoring/collectors/influx';
import { collectMongo } from '../../../electron/main/services/monitoring/collectors/mongo';
import { collectRedis } from '../../../electron/main/services/monitoring/collectors/redis';
import { InfluxStore } from '../../../electron/main/stores/influx.store';
import { MongoStore } from '../../../electron/main/stores/mongo.store';
import { RedisStore } from '../../../electron/main/stores/redis.store';
import { parseConnectionUri } from '../../../shared/models/uri';
import { conn } from '../../support/connections';
import {
  getMongoTarget,
  startMongoStandIn,
  type MongoStandIn,
  type MongoTarget,
} from '../../support/standins/mongo';
import {
  startInfluxDb,
  startRedis,
  waitFor,
  type InfluxDbHandle,
  type RedisHandle,
} from '../../support';
import { context, metricsOf, valueOf } from './helpers';

describe('Redis collector', () => {
  let master: RedisHandle;
  let replica: RedisHandle;
  let store: RedisStore;

  beforeAll(async () => {
    master = await startRedis({ name: 'mon-redis' });
    replica = await startRedis({
      name: 'mon-redis-replica',
      args: ['--replicaof', '127.0.0.1', String(master.port)],
    });
    store = new RedisStore({
      connection: conn('redis', master.host, master.port),
      secret: undefined,
    });
  });

  afterAll(async () => {
    await store?.close();
    await Promise.all([replica?.stop(), master?.stop()]);
  });

  it('moves ops/s and the hit ratio after GET/SET load', async () => {
    const { ctx, skipped } = context();
    const first = await collectRedis(store, ctx);
    expect(valueOf(first, 'redis.ops_per_sec')).toBeUndefined();
    expect(valueOf(first, 'redis.used_memory_bytes')).toBeGreaterThan(0);
    expect(valueOf(first, 'redis.connected_clients')).toBeGreaterThanOrEqual(1);
    expect(valueOf(first, 'redis.slowlog_length')).toBeGreaterThanOrEqual(0);
    expect(skipped).toEqual([]);

    // 300 SETs, then 300 GETs that hit and 100 that miss.
    await store.pipeline(Array.from({ length: 300 }, (_, i) => ['SET', `k:${i}`, 'v']));
    await store.pipeline([
      ...Array.from({ length: 300 }, (_, i) => ['GET', `k:${i}`] as [string, string]),
      ...Array.from({ length: 100 }, (_, i) => ['GET', `missing:${i}`] as [string, string]),
    ]);
    await store.command(['CONFIG', 'SET', 'maxmemory', String(256 * 1024 * 1024)]);
    await new Promise((r) => setTimeout(r, 100));

    const second = await collectRedis(store, ctx);
    expect(valueOf(second, 'redis.ops_per_sec')).toBeGreaterThan(100);
    expect(valueOf(second, 'redis.hit_ratio')).toBeCloseTo(0.75, 5);
    expect(valueOf(second, 'redis.keys', { database: '0' })).toBe(300);
    expect(valueOf(second, 'redis.maxmemory_bytes')).toBe(256 * 1024 * 1024);
    expect(valueOf(second, 'redis.memory_ratio')).toBeGreaterThan(0);
    expect(valueOf(second, 'redis.evictions_per_sec')).toBe(0);
    expect(valueOf(second, 'redis.blocked_clients')).toBe(0);
  });

  it('reports replica offset lag on the master and the link on the replica', async () => {
    const onReplica = new RedisStore({
      connection: conn('redis', replica.host, replica.port),
      secret: undefined,
    });
    try {
      let points = await collectRedis(store, context().ctx);
      await waitFor(
        async () => {
          points = await collectRedis(store, context().ctx);
          return points.some((p) => p.metric === 'redis.replica_offset_lag_bytes');
        },
        { timeoutMs: 15_000, what: 'the replica in INFO replication' },
      );
      const lag = points.find((p) => p.metric === 'redis.replica_offset_lag_bytes');
      expect(lag?.tags?.replica).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(lag?.value).toBeGreaterThanOrEqual(0);
      let r = await collectRedis(onReplica, context().ctx);
      await waitFor(
        async () => {
          r = await collectRedis(onReplica, context().ctx);
          return valueOf(r, 'redis.master_link_up') === 1;
        },
        { timeoutMs: 15_000, what: 'master_link_status up on the replica' },
      );
      expect(valueOf(r, 'redis.master_last_io_sec')).toBeGreaterThanOrEqual(0);
    } finally {
      await onReplica.close();
    }
  });
});

const mongoKind = process.env.KEEL_TEST_MONGO_URL ? 'real MongoDB' : 'stand-in';

describe(`Mongo collector (${mongoKind})`, () => {
  let target: MongoTarget;
  let rs: MongoStandIn | undefined;
  const storeFor = (url: string): MongoStore => {
    const p = parseConnectionUri(url);
    return new MongoStore({
      connection: conn('mongodb', p.connection.host, p.connection.port, {
        user: p.connection.user,
        database: p.connection.database,
      }),
      secret: p.password ? { password: p.password } : undefined,
    });
  };

  beforeAll(async () => void (target = await getMongoTarget()));
  afterAll(async () => {
    await target?.stop();
    await rs?.stop();
  });

  it('reads connections, opcounter rates, queue, cache and database sizes', async () => {
    const store = storeFor(target.url);
    const db = `keel_mon_${Date.now()}`;
    try {
      const { ctx, skipped } = context();
      await store.withDb(db, (d) => d.collection('c').insertOne({ n: 0 }));
      const first = await collectMongo(store, ctx);
      expect(valueOf(first, 'mongo.connections_current')).toBeGreaterThanOrEqual(1);
      expect(valueOf(first, 'mongo.connections_available')).toBeGreaterThan(0);
      expect(valueOf(first, 'mongo.opcounters', { op: 'insert' })).toBeUndefined();
      expect(valueOf(first, 'mongo.queue_total')).toBeGreaterThanOrEqual(0);
      expect(valueOf(first, 'mongo.cache_max_bytes')).toBeGreaterThan(0);
      expect(valueOf(first, 'mongo.database_bytes', { database: db })).toBeGreaterThan(0);

      await store.withDb(db, async (d) => {
        for (let i = 1; i <= 50; i++) await d.collection('c').insertOne({ n: i });
        await d
          .collection('c')
          .find({ n: { $gt: 10 } })
          .toArray();
      });
      await new Promise((r) => setTimeout(r, 100));
      const second = await collectMongo(store, ctx);
      expect(valueOf(second, 'mongo.opcounters', { op: 'insert' })).toBeGreaterThan(0);
      expect(valueOf(second, 'mongo.opcounters', { op: 'query' })).toBeGreaterThan(0);
      expect(valueOf(second, 'mongo.opcounters', { op: 'command' })).toBeGreaterThan(0);
      expect(skipped).toEqual([]);
      await store.command(db, { dropDatabase: 1 });
    } finally {
      await store.close();
    }
  });

  it('reads replica lag from replSetGetStatus (stand-in with a simulated secondary)', async () => {
    rs = await startMongoStandIn({ replicaSet: { name: 'rs0', lagSec: 7 } });
    const store = storeFor(`mongodb://${rs.host}:${rs.port}/`);
    try {
      const points = await collectMongo(store, context({ slow: false }).ctx);
      const lag = points.find((p) => p.metric === 'mongo.replication_lag_sec');
      expect(lag?.tags?.member).toBe('standin-secondary.invalid:27017');
      expect(lag?.value).toBeCloseTo(7, 0);
      expect(metricsOf(points).has('mongo.database_bytes')).toBe(false); // not a slow sweep
    } finally {
      await store.close();
    }
  });
});

describe('InfluxDB collector against InfluxDB 1.x', () => {
  let influx: InfluxDbHandle;
  let store: InfluxStore;

  beforeAll(async () => {
    influx = await startInfluxDb({ name: 'mon-influx' });
    store = new InfluxStore({
      connection: conn('influxdb', influx.host, influx.port),
      secret: undefined,
    });
  });
  afterAll(async () => {
    await store?.close();
    await influx?.stop();
  });

  it('reports reachability, write errors and series cardinality', async () => {
    await influx.query('CREATE DATABASE app');
    await influx.write('app', 'cpu,host=a v=1\ncpu,host=b v=2\nmem,host=a v=3');
    const { ctx, skipped } = context();
    const first = await collectInflux(store, ctx);
    expect(valueOf(first, 'influx.up')).toBe(1);
    expect(valueOf(first, 'influx.ping_ms')).toBeGreaterThan(0);
    expect(valueOf(first, 'influx.series', { database: 'app' })).toBe(3);
    expect(valueOf(first, 'influx.write_errors_per_sec')).toBeUndefined();
    expect(skipped).toEqual([]);

    // A field type conflict: InfluxDB refuses the point and counts a write error.
    await expect(influx.write('app', 'cpu,host=a v="text"')).rejects.toThrow(/conflict/);
    await new Promise((r) => setTimeout(r, 100));
    const second = await collectInflux(store, ctx);
    expect(valueOf(second, 'influx.write_errors_per_sec')).toBeGreaterThan(0);
    expect(valueOf(second, 'influx.points_failed_per_sec')).toBeGreaterThan(0);
  });

  it('reports a stopped server as down (influx.up 0) without failing the sweep', async () => {
    await influx.kill();
    try {
      const { ctx, skipped } = context({ call: { timeoutMs: 2000 } });
      const points = await collectInflux(store, ctx);
      expect(points).toEqual([{ metric: 'influx.up', value: 0 }]);
      expect(skipped[0]?.group).toBe('stats');
    } finally {
      await influx.restart();
    }
  });
});
