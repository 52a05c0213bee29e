import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HealthEntry } from '../../shared/models/health';
import { createCore, type Core } from '../../electron/main/bootstrap';
import { createLogger } from '../../electron/main/lib/logger';
import { KeyCipher } from '../../electron/main/secrets/cipher';
import {
  startInfluxDb,
  startMariaDb,
  startRedis,
  waitFor,
  type InfluxDbHandle,
  type MariaDbHandle,
  type RedisHandle,
} from '../support';

const INTERVAL = 600;
const ctx = {
  shell: 'server' as const,
  actor: { type: 'user' as const, name: 't' },
  signal: new AbortController().signal,
};

describe('health: live status of every store, through outages', () => {
  let dir: string;
  let db: MariaDbHandle;
  let redis: RedisHandle;
  let influx: InfluxDbHandle;
  let core: Core;
  let logText = '';
  const entries = new Map<string, HealthEntry>();

  beforeAll(async () => {
    [db, redis, influx] = await Promise.all([
      startMariaDb({ name: 'health' }),
      startRedis({ password: 'Cache-Secret-4' }),
      startInfluxDb(),
    ]);
    await db.query("CREATE USER 'keel'@'%' IDENTIFIED BY 'Core-Secret-3'");
    await db.query("GRANT PROCESS, REPLICATION CLIENT ON *.* TO 'keel'@'%'");
    // Keel's own schema (job history, schedules) on the core server.
    await db.query("GRANT ALL ON keel.* TO 'keel'@'%'");
    dir = await mkdtemp(join(tmpdir(), 'keel-health-'));
    const sink = new Writable({ write: (c, _e, cb) => ((logText += String(c)), cb()) });
    core = await createCore({
      shell: 'server',
      version: 'test',
      userDataDir: dir,
      cipher: new KeyCipher('t', Buffer.alloc(32, 3)),
      logger: createLogger({ level: 'debug', destination: sink }),
      work: true,
      env: {
        KEEL_ENV_ID: 'demo',
        KEEL_CONN_CORE_URI: `mysql://keel:Core-Secret-3@127.0.0.1:${db.port}/`,
        KEEL_CONN_CACHE_URI: `redis://127.0.0.1:${redis.port}/0`,
        KEEL_CONN_CACHE_PASSWORD: 'Cache-Secret-4',
        KEEL_CONN_METRICS_URI: `http://127.0.0.1:${influx.port}/?db=keel`,
        KEEL_CONN_BADAUTH_URI: `mysql://keel:Wrong-Secret-5@127.0.0.1:${db.port}/`,
      },
    });
    await core.router.dispatch('prefs.set', { probeIntervalMs: 1000 }, ctx);
    core.services.health.setInterval(INTERVAL);
    core.bus.subscribe('health.probed', (e) =>
      entries.set(`${e.latest.connectionId}/${e.latest.endpoint}`, e),
    );
    core.services.health.start();
  });

  afterAll(async () => {
    await core.dispose();
    await Promise.all([db.stop(), redis.stop(), influx.stop()]);
    await rm(dir, { recursive: true, force: true });
  });

  it('shows each store up with version and latency, and a wrong password as down with a hint', async () => {
    await waitFor(() => entries.size >= 4, { timeoutMs: 10_000, what: 'first probes' });
    const snap = await core.router.dispatch('health.snapshot', { envId: 'demo' }, ctx);
    if (!snap.ok) throw new Error(snap.error.message);
    const value = snap.value as { entries: HealthEntry[] };
    const by = Object.fromEntries(value.entries.map((e) => [e.latest.connectionId, e]));
    expect(by.core?.latest).toMatchObject({
      status: 'up',
      kind: 'mysql',
      version: expect.stringMatching(/MariaDB/),
    });
    expect(by.cache?.latest).toMatchObject({
      status: 'up',
      kind: 'redis',
      version: expect.stringMatching(/^7/),
    });
    expect(by.metrics?.latest).toMatchObject({ status: 'up', kind: 'influxdb' });
    expect(by.core?.latest.latencyMs).toBeGreaterThan(0);
    expect(by.core?.pool?.created).toBeGreaterThanOrEqual(1);
    expect(by.badauth?.latest).toMatchObject({
      status: 'down',
      error: { code: 'AUTH_FAILED', hint: expect.stringMatching(/user name and password/) },
    });
  });

  it('shows a SIGKILLed store as down within two probe intervals and recovers by itself', async () => {
    await redis.kill('SIGKILL');
    const killedAt = Date.now();
    await waitFor(() => entries.get('cache/primary')?.latest.status === 'down', {
      timeoutMs: 2 * INTERVAL + 1000,
      intervalMs: 20,
      what: 'cache down',
    });
    expect(Date.now() - killedAt).toBeLessThanOrEqual(2 * INTERVAL + 1000);
    expect(entries.get('cache/primary')?.latest.error?.code).toMatch(/CONN_REFUSED|UNAVAILABLE/);
    expect(entries.get('core/primary')?.latest.status).toBe('up'); // the others are not affected
    await redis.restart();
    await waitFor(() => entries.get('cache/primary')?.latest.status === 'up', {
      timeoutMs: 10_000,
      intervalMs: 50,
      what: 'cache up again',
    });
  });

  it('does the same for MariaDB and InfluxDB', async () => {
    await Promise.all([db.kill('SIGKILL'), influx.kill('SIGKILL')]);
    await waitFor(
      () =>
        entries.get('core/primary')?.latest.status === 'down' &&
        entries.get('metrics/primary')?.latest.status === 'down',
      { timeoutMs: 2 * INTERVAL + 1500, intervalMs: 20, what: 'core and metrics down' },
    );
    await Promise.all([db.restart(), influx.restart()]);
    await waitFor(
      () =>
        entries.get('core/primary')?.latest.status === 'up' &&
        entries.get('metrics/primary')?.latest.status === 'up',
      { timeoutMs: 15_000, intervalMs: 50, what: 'core and metrics up' },
    );
  });

  it('runs a health sweep as a job with progress and a result', async () => {
    const started = await core.router.dispatch(
      'jobs.start',
      { kind: 'health.sweep', payload: { envId: 'demo' } },
      ctx,
    );
    if (!started.ok) throw new Error(started.error.message);
    const done = await core.services.jobs.wait((started.value as { id: string }).id);
    expect(done).toMatchObject({
      state: 'completed',
      result: { probed: 4, down: 1 },
      progress: { done: 4, total: 4 },
    });
  });

  it('never writes a secret to the log', () => {
    // The log does record the failures (with the driver's words), just never a secret.
    expect(logText).toMatch(/store down: .*refused the user name or password/);
    expect(logText).toMatch(/"connectionId":"cache".*store down/);
    for (const secret of ['Core-Secret-3', 'Cache-Secret-4', 'Wrong-Secret-5'])
      expect(logText).not.toContain(secret);
    const snapshotText = JSON.stringify([...entries.values()]);
    for (const secret of ['Core-Secret-3', 'Cache-Secret-4', 'Wrong-Secret-5'])
      expect(snapshotText).not.toContain(secret);
  });
});
