import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../electron/main/bootstrap';
import { silentLogger } from '../../../electron/main/lib/logger';
import { KeyCipher } from '../../../electron/main/secrets/cipher';
import type { Alert } from '../../../shared/alerts';
import {
  startInfluxDb,
  startMariaDb,
  startRedis,
  waitFor,
  type InfluxDbHandle,
  type MariaDbHandle,
  type RedisHandle,
} from '../../support';

/**
 * Issue 16, scenario 5, second half, at Keel's default cadence (probes and sweeps every 10 s): a
 * store-down alert within 30 s of each store's death. Before the fix an InfluxDB outage raised
 * none (its collector reported `influx.up` 0 in a sweep that "worked"), and the core database's
 * own outage alerted only once it was back, because alert state lives in that database. Now a
 * console that cannot reach it evaluates alone, notifies its operator, shows since when, and the
 * console that led writes the outage into the shared history when the database returns.
 */
const ENV = 'dies';
const WITHIN_MS = 30_000;

describe('a store-down alert within 30 s of each store’s death', () => {
  let db: MariaDbHandle;
  let redis: RedisHandle;
  let influx: InfluxDbHandle;
  let dir: string;
  let core: Core;
  const fired: Array<{ at: number; alert: Alert }> = [];

  beforeAll(async () => {
    [db, redis, influx] = await Promise.all([
      startMariaDb({ name: 'faults-death' }),
      startRedis({ name: 'faults-death' }),
      startInfluxDb({ name: 'faults-death' }),
    ]);
    dir = await mkdtemp(join(tmpdir(), 'keel-faults-death-'));
    core = await createCore({
      shell: 'server',
      version: 'test',
      userDataDir: dir,
      cipher: new KeyCipher('t', Buffer.alloc(32, 5)),
      logger: silentLogger(),
      probes: true,
      monitor: true,
      env: {
        KEEL_ENV_ID: ENV,
        KEEL_CONN_CORE_URI: `mysql://root@127.0.0.1:${db.port}/`,
        KEEL_CONN_CACHE_URI: `redis://127.0.0.1:${redis.port}/0`,
        KEEL_CONN_METRICS_URI: `http://127.0.0.1:${influx.port}/`,
      },
    });
    core.bus.subscribe('alerts.fired', (alert) => fired.push({ at: Date.now(), alert }));
    // This console leads (it is the only one) before anything dies.
    await waitFor(() => core.services.alerts.isLeader(ENV), { timeoutMs: 30_000, what: 'lease' });
  });

  afterAll(async () => {
    await core?.dispose();
    await Promise.all([db?.stop(), redis?.stop(), influx?.stop()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const firedFor = (connection: string, since: number) =>
    fired.find(
      (f) =>
        f.at >= since &&
        f.alert.ruleId === 'store-down' &&
        f.alert.labels.connection === connection &&
        f.alert.labels.endpoint === undefined,
    );

  it('Redis and InfluxDB: fired within 30 s, resolved after they return', async () => {
    const killedAt = Date.now();
    await Promise.all([redis.kill(), influx.kill()]);
    try {
      for (const c of ['cache', 'metrics']) {
        await waitFor(() => firedFor(c, killedAt), {
          timeoutMs: WITHIN_MS + 5000,
          intervalMs: 200,
          what: `store-down for ${c}`,
        });
        expect((firedFor(c, killedAt)?.at ?? Infinity) - killedAt).toBeLessThanOrEqual(WITHIN_MS);
      }
    } finally {
      // Back either way, so that the core database's test starts from a healthy platform.
      await Promise.all([redis.restart(), influx.restart()]);
    }
    await waitFor(
      async () =>
        (await core.services.alerts.list({ envId: ENV, limit: 100 })).filter(
          (a) => a.ruleId === 'store-down' && a.state !== 'resolved',
        ).length === 0,
      { timeoutMs: 90_000, intervalMs: 500, what: 'both resolved' },
    );
  }, 180_000);

  it('the core database: notified here within 30 s, and written to the shared history when back', async () => {
    const killedAt = Date.now();
    await db.kill();
    await waitFor(() => firedFor('core', killedAt), {
      timeoutMs: WITHIN_MS + 5000,
      intervalMs: 200,
      what: 'store-down for core, while core is away',
    });
    expect((firedFor('core', killedAt)?.at ?? Infinity) - killedAt).toBeLessThanOrEqual(WITHIN_MS);
    // The tray and the banner read the summary: it counts the alert and says it is local.
    const [s] = await core.services.alerts.summary();
    expect(s).toMatchObject({ envId: ENV, critical: 1 });
    expect(Date.parse(s?.localSince ?? '')).toBeGreaterThanOrEqual(killedAt);

    await db.restart();
    const history = await waitFor(
      async () => {
        const h = await core.services.alerts
          .history(ENV, { search: 'core', limit: 50 })
          .catch(() => []);
        const forCore = h.filter(
          (r) => r.ruleName === 'Store down' && r.labels.connection === 'core',
        );
        return forCore.some((r) => r.to === 'resolved') ? forCore : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500, what: 'the outage in the shared history' },
    );
    expect(history.map((r) => r.to).reverse()).toEqual(['pending', 'firing', 'resolved']);
    const firingAt = Date.parse(history.find((r) => r.to === 'firing')?.at ?? '');
    expect(firingAt - killedAt).toBeLessThanOrEqual(WITHIN_MS);
    const [after] = await core.services.alerts.summary();
    expect(after?.localSince).toBeUndefined();
    // Notified once: the shared copy written later did not notify again.
    expect(
      fired.filter(
        (f) =>
          f.at >= killedAt &&
          f.alert.labels.connection === 'core' &&
          f.alert.ruleId === 'store-down',
      ),
    ).toHaveLength(1);
  }, 240_000);
});
