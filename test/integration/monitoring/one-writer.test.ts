import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../electron/main/bootstrap';
import { silentLogger } from '../../../electron/main/lib/logger';
import { KeyCipher } from '../../../electron/main/secrets/cipher';
import {
  startInfluxDb,
  startMariaDb,
  waitFor,
  type InfluxDbHandle,
  type MariaDbHandle,
} from '../../support';

/**
 * Two consoles of a team on one environment: both chart live, but the metric history is written
 * once — by the console holding the evaluator lease — not twice.
 */
describe('metric history: one writer per team', () => {
  let db: MariaDbHandle;
  let influx: InfluxDbHandle;
  const cores: Core[] = [];
  const dirs: string[] = [];

  const open = async (): Promise<Core> => {
    const dir = await mkdtemp(join(tmpdir(), 'keel-writer-'));
    dirs.push(dir);
    const core = await createCore({
      shell: 'server',
      version: 'test',
      userDataDir: dir,
      cipher: new KeyCipher('t', Buffer.alloc(32, 5)),
      logger: silentLogger(),
      monitor: true,
      monitoring: { intervalMs: 1000 },
      env: {
        KEEL_ENV_ID: 'one',
        KEEL_CONN_CORE_URI: `mysql://root@127.0.0.1:${db.port}/`,
        KEEL_CONN_METRICS_URI: `http://127.0.0.1:${influx.port}/`,
      },
    });
    cores.push(core);
    return core;
  };

  beforeAll(async () => {
    [db, influx] = await Promise.all([
      startMariaDb({ name: 'one-writer' }),
      startInfluxDb({ name: 'one-writer' }),
    ]);
  });

  afterAll(async () => {
    for (const c of cores) await c.dispose();
    await Promise.all([db?.stop(), influx?.stop()]);
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('writes each series once although both consoles sample', async () => {
    const [a, b] = [await open(), await open()];
    const sweeps = [0, 0];
    [a, b].forEach((core, i) =>
      core.bus.subscribe('monitoring.samples', (e) => {
        if (e.connectionId === 'core' && !e.error) sweeps[i] = (sweeps[i] as number) + 1;
      }),
    );
    // Let the lease settle: one leads, and both have swept twice more since (a sweep in flight
    // when the lease moved may still have been written by the other). Then count afresh.
    await waitFor(
      async () =>
        (await a.services.alerts.isLeader('one')) !== (await b.services.alerts.isLeader('one')),
      { timeoutMs: 20_000, what: 'one console leading' },
    );
    sweeps.fill(0);
    await waitFor(() => sweeps.every((n) => n >= 2), {
      timeoutMs: 30_000,
      what: 'two sweeps each',
    });
    const since = Date.now();
    sweeps.fill(0);
    await waitFor(() => sweeps.every((n) => n >= 6), {
      timeoutMs: 60_000,
      what: 'six sweeps each',
    });
    const until = Date.now();
    const [na, nb] = sweeps as [number, number];
    const leaderSweeps = (await a.services.alerts.isLeader('one')) ? na : nb;
    const count = async (): Promise<number> => {
      const r = await influx.query(
        `SELECT count("value") FROM "keel.mysql.threads_connected" WHERE "env" = 'one' AND time >= ${since}ms AND time < ${until}ms`,
        { db: 'platform_metrics' },
      );
      return Number(r.results[0]?.series?.[0]?.values[0]?.[1] ?? 0);
    };
    // The leader's points of the window arrive within a flush or two: wait for them (less the
    // sweeps at its edges), then the window holds one console's worth, not two.
    const written = await waitFor(
      async () => {
        const n = await count();
        return n >= leaderSweeps - 2 ? n : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250, what: "the leader's points written" },
    );
    expect(written).toBeLessThanOrEqual(Math.max(na, nb) + 3);
    expect(written).toBeLessThan(na + nb - 2);
  }, 90_000);
});
