import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../electron/main/bootstrap';
import { silentLogger } from '../../../electron/main/lib/logger';
import { KeyCipher } from '../../../electron/main/secrets/cipher';
import type { SamplesEvent } from '../../../shared/monitoring';
import {
  startFaultProxy,
  startRedis,
  waitFor,
  type FaultProxy,
  type RedisHandle,
} from '../../support';

const INTERVAL_MS = 400;
const TIMEOUT_MS = 1000;

describe('monitoring schedule: intervals, no overlap, time-outs', () => {
  let redis: RedisHandle;
  let proxy: FaultProxy;
  let dir: string;
  let core: Core;
  const events: SamplesEvent[] = [];

  beforeAll(async () => {
    redis = await startRedis({ name: 'mon-schedule' });
    proxy = await startFaultProxy({ targetHost: redis.host, targetPort: redis.port });
    dir = await mkdtemp(join(tmpdir(), 'keel-mon-schedule-'));
    core = await createCore({
      shell: 'server',
      version: 'test',
      userDataDir: dir,
      cipher: new KeyCipher('t', Buffer.alloc(32, 7)),
      logger: silentLogger(),
      monitor: true,
      monitoring: { intervalMs: INTERVAL_MS, timeoutMs: TIMEOUT_MS },
      env: {
        KEEL_ENV_ID: 'sched',
        KEEL_CONN_FAST_URI: `redis://127.0.0.1:${redis.port}/0`,
        KEEL_CONN_SLOW_URI: `redis://127.0.0.1:${proxy.port}/0`,
      },
    });
    core.bus.subscribe('monitoring.samples', (e) => void events.push(e));
  });

  afterAll(async () => {
    await core?.dispose();
    await proxy?.close();
    await redis?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('times a hung collection out, skips the ticks it overlaps, and leaves the others alone', async () => {
    await waitFor(() => events.some((e) => e.connectionId === 'slow' && !e.error), {
      timeoutMs: 10_000,
      what: 'a first good sweep of slow',
    });
    proxy.setLatency(3000); // every round trip now takes 6 s: far beyond the 1 s time-out
    const from = Date.now();
    events.length = 0;
    await new Promise((r) => setTimeout(r, 4500));
    const { connections } = await core.services.monitoring.latest('sched');
    const slow = connections.find((c) => c.connectionId === 'slow');
    const fast = connections.find((c) => c.connectionId === 'fast');
    const slowEvents = events.filter((e) => e.connectionId === 'slow');
    const fastEvents = events.filter((e) => e.connectionId === 'fast');

    // Slow: the first sweep ends at the time-out; the client then reconnects (CONN_REFUSED while
    // it does) and the circuit breaker makes further sweeps fast UNAVAILABLE errors until a
    // trial gets through. Never two at once: each sweep starts after the previous one ended, and
    // ticks in between are skipped and counted.
    expect(slowEvents.length).toBeGreaterThanOrEqual(2);
    expect(slowEvents.length).toBeLessThanOrEqual(Math.ceil(4500 / INTERVAL_MS) + 1);
    expect(slowEvents[0]?.error?.code).toBe('TIMEOUT');
    expect(slowEvents[0]?.durationMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(slowEvents[0]?.durationMs).toBeLessThan(TIMEOUT_MS + 500);
    for (const e of slowEvents) {
      expect(['TIMEOUT', 'UNAVAILABLE', 'CONN_REFUSED']).toContain(e.error?.code);
      expect(e.points).toEqual([]);
      expect(e.durationMs).toBeLessThan(TIMEOUT_MS + 500);
    }
    slowEvents.slice(1).forEach((e, i) => {
      const prev = slowEvents[i] as SamplesEvent;
      expect(e.at).toBeGreaterThanOrEqual(prev.at + prev.durationMs - 1);
    });
    expect(slow?.lastSweep?.ok).toBe(false);
    expect(slow?.overlapsSkipped).toBeGreaterThanOrEqual(2);
    // (one sweep may end between reading `latest` and counting the events)
    expect(Math.abs((slow?.failures ?? 0) - slowEvents.length)).toBeLessThanOrEqual(1);
    // The last good samples stay visible, with their time.
    expect(slow?.samples.length).toBeGreaterThan(0);
    expect(slow?.samples[0]?.at).toBeLessThan(from);

    // Fast: one sweep per interval, all good.
    expect(fastEvents.length).toBeGreaterThanOrEqual(Math.floor(4500 / INTERVAL_MS) - 2);
    expect(fastEvents.every((e) => !e.error && e.points.length > 5)).toBe(true);
    expect(fast?.overlapsSkipped).toBe(0);

    // It recovers by itself once the store answers in time again.
    proxy.heal();
    await waitFor(
      async () =>
        (await core.services.monitoring.latest('sched', 'slow')).connections[0]?.lastSweep?.ok ===
        true,
      { timeoutMs: 15_000, what: 'slow sweeping again' },
    );
  });
});
