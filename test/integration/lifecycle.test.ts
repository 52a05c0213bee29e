import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../electron/main/bootstrap';
import { silentLogger } from '../../electron/main/lib/logger';
import { KeyCipher } from '../../electron/main/secrets/cipher';
import {
  startMariaDb,
  startRedis,
  waitFor,
  type MariaDbHandle,
  type RedisHandle,
} from '../support';

/**
 * Timers Keel's own code (electron/main) starts and has not cleared or seen fire. Unref'd timers
 * do not keep a process alive, so process.getActiveResourcesInfo() cannot see them: the global
 * timer functions are wrapped for the length of this file instead.
 */
function trackKeelTimers(): { live: () => string[]; restore: () => void } {
  const real = {
    setTimeout: globalThis.setTimeout,
    setInterval: globalThis.setInterval,
    clearTimeout: globalThis.clearTimeout,
    clearInterval: globalThis.clearInterval,
  };
  const live = new Map<unknown, string>();
  const creator = (): string | undefined => {
    // [0] Error, [1] creator, [2] the wrapper, [3] the code that asked for the timer.
    const frame = new Error().stack?.split('\n')[3] ?? '';
    return frame.includes('/electron/main/') && !frame.includes('node_modules')
      ? frame.trim()
      : undefined;
  };
  globalThis.setTimeout = ((fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const who = creator();
    const h = real.setTimeout(
      (...a: unknown[]) => {
        live.delete(h);
        fn(...a);
      },
      ms,
      ...args,
    );
    if (who) live.set(h, `timeout ${ms} ms ${who}`);
    return h;
  }) as typeof setTimeout;
  globalThis.setInterval = ((fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const who = creator();
    const h = real.setInterval(fn, ms, ...args);
    if (who) live.set(h, `interval ${ms} ms ${who}`);
    return h;
  }) as typeof setInterval;
  globalThis.clearTimeout = ((h: Parameters<typeof clearTimeout>[0]) => {
    live.delete(h);
    real.clearTimeout(h);
  }) as typeof clearTimeout;
  globalThis.clearInterval = ((h: Parameters<typeof clearInterval>[0]) => {
    live.delete(h);
    real.clearInterval(h);
  }) as typeof clearInterval;
  return {
    live: () => [...live.values()],
    restore: () => Object.assign(globalThis, real),
  };
}

const sockets = (): number =>
  process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;

const ctx = {
  shell: 'server' as const,
  actor: { type: 'user' as const, name: 'ops@test' },
  signal: new AbortController().signal,
};

describe('dispose leaves nothing running', () => {
  let db: MariaDbHandle;
  let redis: RedisHandle;
  let home: string;

  beforeAll(async () => {
    [db, redis] = await Promise.all([
      startMariaDb({ name: 'lifecycle' }),
      startRedis({ name: 'lifecycle' }),
    ]);
    home = await mkdtemp(join(tmpdir(), 'keel-lifecycle-'));
  });
  afterAll(async () => {
    await Promise.all([db?.stop(), redis?.stop()]);
    await rm(home, { recursive: true, force: true });
  });

  it('a core with probes, monitoring, alerts and BullMQ workers leaves no Keel timer and no socket', async () => {
    const baseline = sockets();
    const timers = trackKeelTimers();
    let core: Core | undefined;
    try {
      core = await createCore({
        shell: 'server',
        version: 't',
        userDataDir: home,
        cipher: new KeyCipher('t', Buffer.alloc(32, 3)),
        logger: silentLogger(),
        env: {
          KEEL_ENV_ID: 'ops',
          KEEL_CONN_CORE_URI: `mysql://root@127.0.0.1:${db.port}/`,
          KEEL_CONN_CACHE_URI: `redis://127.0.0.1:${redis.port}/0`,
        },
        probes: true,
        monitor: true,
        work: true,
        monitoring: { intervalMs: 1000 },
      });
      const c = core;
      // Everything that starts timers is up: the probes' schedule, the monitors, the alerts
      // loop, the registry's sweeper, the BullMQ engine's purge and reconcile timers.
      await waitFor(async () => (await c.services.jobs.status('ops')).workers > 0 || undefined, {
        timeoutMs: 60_000,
        what: 'a BullMQ worker',
      });
      await waitFor(() => c.services.health.snapshot('ops').entries.length >= 2 || undefined, {
        timeoutMs: 60_000,
        what: 'both stores probed',
      });
      await waitFor(() => c.services.alerts.loop.running || undefined, {
        timeoutMs: 30_000,
        what: 'the alerts loop',
      });
      const started = await c.router.dispatch(
        'jobs.start',
        { kind: 'jobs.ping', payload: { envId: 'ops' } },
        ctx,
      );
      if (!started.ok) throw new Error(started.error.message);
      const id = (started.value as { id: string }).id;
      expect((await c.services.jobs.wait(id)).state).toBe('completed');
      expect(timers.live().length).toBeGreaterThan(0); // the tracker sees Keel's timers
      expect(sockets()).toBeGreaterThan(baseline);
    } finally {
      await core?.dispose();
      timers.restore();
    }
    expect(timers.live()).toEqual([]);
    // Sockets close asynchronously after disconnect(): wait for the state, bounded.
    await waitFor(() => sockets() <= baseline || undefined, {
      timeoutMs: 15_000,
      what: `sockets back to ${baseline} (now ${sockets()})`,
    }).catch(() => undefined);
    expect(sockets()).toBeLessThanOrEqual(baseline);
  });
});
