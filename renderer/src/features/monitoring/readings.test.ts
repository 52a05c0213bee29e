import { describe, expect, it } from 'vitest';
import type { ConnectionLatest, SamplesEvent } from '@shared/monitoring';
import { readingFromEvent, readingFromLatest, staleSince, worstFirst } from './readings';

const T0 = Date.UTC(2026, 11, 2, 14, 2);
const down = { code: 'TIMEOUT', message: '127.0.0.1:6379 did not answer in time' };

const latest = (over: Partial<ConnectionLatest>): ConnectionLatest => ({
  connectionId: 'cache',
  kind: 'redis',
  intervalMs: 10_000,
  sweeps: 5,
  failures: 0,
  overlapsSkipped: 0,
  samples: [],
  ...over,
});

const event = (at: number, over: Partial<SamplesEvent> = {}): SamplesEvent => ({
  envId: 'e',
  connectionId: 'cache',
  kind: 'redis',
  at,
  durationMs: 3,
  points: [{ metric: 'redis.ops_per_sec', value: 14.8 }],
  omitted: 0,
  ...over,
});

describe('store readings: live or stale', () => {
  it('a failed last sweep makes the numbers of the sweep before stale, with their time', () => {
    // What monitoring.latest answers while Redis is paused: the last good samples, then the error.
    const r = readingFromLatest(
      latest({
        lastSweep: { at: T0 + 60_000, durationMs: 1000, ok: false, error: down, skipped: [] },
        samples: [
          {
            envId: 'e',
            connectionId: 'cache',
            kind: 'redis',
            metric: 'redis.ops_per_sec',
            value: 14.8,
            unit: 'per_sec',
            at: T0,
          },
        ],
      }),
    );
    expect(r.points).toHaveLength(1);
    expect(r.error).toEqual(down);
    expect(staleSince(r)).toBe(T0);
  });

  it('a failed sweep event keeps the last numbers, marked stale since they were read', () => {
    const live = readingFromEvent(undefined, event(T0));
    expect(staleSince(live)).toBeUndefined();
    const failed = readingFromEvent(live, event(T0 + 10_000, { error: down, points: [] }));
    expect(failed.points).toEqual(live.points);
    expect(failed.error).toEqual(down);
    expect(staleSince(failed)).toBe(T0);
    // Still down: still stale since the same time.
    const again = readingFromEvent(failed, event(T0 + 20_000, { error: down, points: [] }));
    expect(staleSince(again)).toBe(T0);
    // Back: live again.
    expect(staleSince(readingFromEvent(again, event(T0 + 30_000)))).toBeUndefined();
  });

  it('a store that never answered has no numbers to show', () => {
    const r = readingFromEvent(undefined, event(T0, { error: down, points: [] }));
    expect(r.points).toEqual([]);
    expect(staleSince(r)).toBeUndefined();
  });
});

describe('store readings: the slow read beside the sweeps', () => {
  const sizes = (at: number, over: Partial<SamplesEvent> = {}): SamplesEvent =>
    event(at, {
      kind: 'mysql',
      part: 'slow',
      points: [{ metric: 'mysql.database_data_bytes', value: 4096, tags: { database: 'shop' } }],
      ...over,
    });

  it('adds its numbers to the sweep shown, without making it stale or live', () => {
    const live = readingFromEvent(undefined, event(T0));
    const withSizes = readingFromEvent(live, sizes(T0 + 2_000));
    expect(withSizes.points.map((p) => p.metric).sort()).toEqual([
      'mysql.database_data_bytes',
      'redis.ops_per_sec',
    ]);
    expect(withSizes.at).toBe(T0);
    expect(staleSince(withSizes)).toBeUndefined();
  });

  it('a failed or timed-out slow read changes nothing shown: the store still answers', () => {
    const live = readingFromEvent(undefined, event(T0));
    const slowFailed = readingFromEvent(
      live,
      sizes(T0 + 2_000, { error: { code: 'TIMEOUT', message: 'took too long' }, points: [] }),
    );
    expect(slowFailed).toEqual(live);
    expect(slowFailed.error).toBeUndefined();
  });
});

describe('worstFirst', () => {
  it('puts down, then degraded (or failing), then unknown, then up; ties keep their order', () => {
    const cs = ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => ({ id }));
    const status = { a: 'up', b: 'down', c: 'unknown', d: 'degraded', e: 'up', f: 'up' } as const;
    const order = worstFirst(
      cs,
      (c) => status[c.id as keyof typeof status],
      (c) => c.id === 'f',
    );
    expect(order.map((c) => c.id)).toEqual(['b', 'd', 'f', 'c', 'a', 'e']);
  });
});
