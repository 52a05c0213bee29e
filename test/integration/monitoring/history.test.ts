import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../electron/main/bootstrap';
import { silentLogger } from '../../../electron/main/lib/logger';
import { KeyCipher } from '../../../electron/main/secrets/cipher';
import type {
  MonitoringLatest,
  MonitoringStats,
  SamplesEvent,
  SeriesResult,
} from '../../../shared/monitoring';
import {
  startInfluxDb,
  startMariaDb,
  startRedis,
  waitFor,
  type InfluxDbHandle,
  type MariaDbHandle,
  type RedisHandle,
} from '../../support';

const ctx = {
  shell: 'server' as const,
  actor: { type: 'user' as const, name: 't' },
  signal: new AbortController().signal,
};

async function call<T>(core: Core, method: string, input: unknown): Promise<T> {
  const r = await core.router.dispatch(method, input, ctx);
  if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
  return r.value as T;
}

describe('monitoring history: samples to InfluxDB and back', () => {
  let db: MariaDbHandle;
  let redis: RedisHandle;
  let influx: InfluxDbHandle;
  const dirs: string[] = [];
  const cores: Core[] = [];
  const events: SamplesEvent[] = [];

  const start = async (env: NodeJS.ProcessEnv): Promise<Core> => {
    const dir = await mkdtemp(join(tmpdir(), 'keel-monitoring-'));
    dirs.push(dir);
    const core = await createCore({
      shell: 'server',
      version: 'test',
      userDataDir: dir,
      cipher: new KeyCipher('t', Buffer.alloc(32, 5)),
      logger: silentLogger(),
      monitor: true,
      monitoring: { intervalMs: 1000, slowEvery: 3 },
      env,
    });
    cores.push(core);
    return core;
  };

  beforeAll(async () => {
    [db, redis, influx] = await Promise.all([
      startMariaDb({ name: 'mon-history' }),
      startRedis({ name: 'mon-history' }),
      startInfluxDb({ name: 'mon-history' }),
    ]);
    await db.query('CREATE DATABASE shop');
    await db.query('CREATE TABLE shop.t (id INT PRIMARY KEY) ENGINE=InnoDB');
  });

  afterAll(async () => {
    for (const c of cores) await c.dispose();
    await Promise.all([db?.stop(), redis?.stop(), influx?.stop()]);
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('writes every sweep to the blueprint database with its retention and reads ranges back downsampled', async () => {
    const core = await start({
      KEEL_ENV_ID: 'hist',
      KEEL_CONN_CORE_URI: `mysql://root@127.0.0.1:${db.port}/`,
      KEEL_CONN_CACHE_URI: `redis://127.0.0.1:${redis.port}/0`,
      KEEL_CONN_METRICS_URI: `http://127.0.0.1:${influx.port}/`,
    });
    core.bus.subscribe('monitoring.samples', (e) => void events.push(e));
    const t0 = Date.now();
    // Eight sweeps of each connection: the ranges below compare cache buckets, and on a loaded
    // machine the cache's sweeps can trail the core's.
    const swept = (id: string) =>
      events.filter((e) => e.connectionId === id && !e.error && e.part !== 'slow').length;
    await waitFor(() => ['core', 'cache', 'metrics'].every((id) => swept(id) >= 8), {
      timeoutMs: 30_000,
      what: 'eight sweeps of every connection',
    });
    expect(await core.services.monitoring.flush('hist', 5000)).toBe(true);

    const stats = await call<MonitoringStats>(core, 'monitoring.stats', { envId: 'hist' });
    expect(stats).toMatchObject({
      running: true,
      intervalMs: 1000,
      connections: 3,
      history: { connectionId: 'metrics', database: 'platform_metrics', retentionDays: 30 },
    });
    expect(stats.history?.writer).toMatchObject({ dropped: 0, rejected: 0 });
    expect(stats.history?.writer.written).toBeGreaterThan(50);
    expect(stats.history?.writer.capacity).toBeGreaterThanOrEqual(50_000);

    const rps = await influx.query('SHOW RETENTION POLICIES ON platform_metrics');
    expect(JSON.stringify(rps)).toContain('720h0m0s'); // 30 days from the default blueprint

    // Every kind reported, and the latest sweep is there for the UI.
    const latest = await call<MonitoringLatest>(core, 'monitoring.latest', { envId: 'hist' });
    const byId = Object.fromEntries(latest.connections.map((c) => [c.connectionId, c]));
    expect(byId.core?.lastSweep?.ok).toBe(true);
    expect(byId.core?.samples.some((s) => s.metric === 'mysql.qps')).toBe(true);
    expect(byId.cache?.samples.some((s) => s.metric === 'redis.ops_per_sec')).toBe(true);
    expect(byId.metrics?.samples.find((s) => s.metric === 'influx.up')?.value).toBe(1);

    // The same range from InfluxDB (GROUP BY time) and from memory: the same bucket means.
    const now = Date.now();
    const range = { envId: 'hist', connectionId: 'cache', metric: 'redis.used_memory_bytes' };
    const q = { ...range, from: t0 - 10_000, to: now - 1500, stepSec: 2 };
    const fromInflux = await call<SeriesResult>(core, 'monitoring.series', {
      ...q,
      source: 'influxdb',
    });
    const fromMemory = await call<SeriesResult>(core, 'monitoring.series', {
      ...q,
      source: 'memory',
    });
    expect(fromInflux).toMatchObject({ source: 'influxdb', unit: 'bytes', stepSec: 2 });
    expect(fromInflux.series).toHaveLength(1);
    const a = fromInflux.series[0]?.points ?? [];
    const b = fromMemory.series[0]?.points ?? [];
    expect(a.length).toBeGreaterThan(3);
    expect(a.map((p) => p[0])).toEqual(b.map((p) => p[0]));
    expect(a.filter((p) => p[1] !== null).length).toBeGreaterThan(2);
    a.forEach(([, v], i) => {
      const m = b[i]?.[1];
      if (v === null) expect(m).toBeNull();
      else expect(m).toBeCloseTo(v, 6);
    });

    // A tagged metric: one series per database, filterable by tag.
    const sizes = await call<SeriesResult>(core, 'monitoring.series', {
      envId: 'hist',
      connectionId: 'core',
      metric: 'mysql.database_data_bytes',
      from: t0 - 10_000,
      to: Date.now(),
      stepSec: 60,
      source: 'influxdb',
      tags: { database: 'shop' },
    });
    expect(sizes.series).toHaveLength(1);
    expect(sizes.series[0]?.tags).toEqual({ database: 'shop' });
    expect(sizes.series[0]?.points.some(([, v]) => (v ?? 0) > 0)).toBe(true);

    // "auto" reads memory for a recent range and InfluxDB for one older than the window.
    const recent = await call<SeriesResult>(core, 'monitoring.series', {
      ...range,
      from: Date.now() - 1000,
      to: Date.now(),
      stepSec: 1,
    });
    expect(recent.source).toBe('memory');
    const older = await call<SeriesResult>(core, 'monitoring.series', {
      ...range,
      from: Date.now() - 3_600_000,
      to: Date.now(),
      stepSec: 60,
    });
    expect(older.source).toBe('influxdb');
  });

  it('without InfluxDB, charts come from the memory window and say so', async () => {
    const core = await start({
      KEEL_ENV_ID: 'mem',
      KEEL_CONN_CACHE_URI: `redis://127.0.0.1:${redis.port}/0`,
    });
    const seen: SamplesEvent[] = [];
    core.bus.subscribe('monitoring.samples', (e) => void seen.push(e));
    await waitFor(() => seen.length >= 3, { timeoutMs: 10_000, what: 'three sweeps' });
    const stats = await call<MonitoringStats>(core, 'monitoring.stats', { envId: 'mem' });
    expect(stats.history).toBeNull();
    expect(stats.memory.series).toBeGreaterThan(5);
    const r = await call<SeriesResult>(core, 'monitoring.series', {
      envId: 'mem',
      connectionId: 'cache',
      metric: 'redis.ops_per_sec',
      from: Date.now() - 3_600_000,
      to: Date.now() + 1000,
      stepSec: 1,
    });
    expect(r.source).toBe('memory');
    expect(r.note).toMatch(/no InfluxDB/);
    expect(r.series[0]?.points.filter(([, v]) => v !== null).length).toBeGreaterThanOrEqual(2);
    const bad = await core.router.dispatch(
      'monitoring.series',
      {
        envId: 'mem',
        connectionId: 'cache',
        metric: 'redis.ops_per_sec',
        from: 0,
        to: 1,
        stepSec: 1,
        source: 'influxdb',
      },
      ctx,
    );
    expect(bad).toMatchObject({ ok: false, error: { code: 'PRECONDITION_FAILED' } });
  });
});
