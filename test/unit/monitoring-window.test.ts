import { describe, expect, it } from 'vitest';
import { CounterState, num } from '../../electron/main/services/monitoring/counters';
import { MemoryWindow } from '../../electron/main/services/monitoring/memory-window';
import type { Sample } from '../../shared/monitoring';

describe('rates from counter deltas', () => {
  it('gives nothing on the first reading, then the per-second increase', () => {
    const c = new CounterState();
    const first = c.next('g', 1000, { q: 100, a: 1, b: 2 });
    expect(first.rate('q')).toBeUndefined();
    expect(first.delta('q')).toBeUndefined();
    const second = c.next('g', 3000, { q: 160, a: 4, b: 6 });
    expect(second.elapsedSec).toBe(2);
    expect(second.rate('q')).toBe(30);
    expect(second.rate('a', 'b')).toBe(3.5);
    expect(second.delta('a', 'b')).toBe(7);
  });

  it('gives no rate for a counter that went down (restart) or is missing, then resumes', () => {
    const c = new CounterState();
    c.next('g', 0, { q: 500 });
    const reset = c.next('g', 1000, { q: 20 });
    expect(reset.rate('q')).toBeUndefined();
    expect(reset.rate('missing')).toBeUndefined();
    expect(c.next('g', 2000, { q: 40 }).rate('q')).toBe(20);
  });

  it('keeps groups apart and ignores readings too close together', () => {
    const c = new CounterState();
    c.next('a', 0, { x: 0 });
    c.next('b', 0, { x: 100 });
    expect(c.next('a', 1000, { x: 10 }).rate('x')).toBe(10);
    expect(c.next('a', 1010, { x: 11 }).rate('x')).toBeUndefined();
  });

  it('computes an interval hit ratio, none when there were no lookups', () => {
    const c = new CounterState();
    c.next('r', 0, { hits: 10, misses: 10 });
    expect(c.next('r', 1000, { hits: 40, misses: 20 }).hitRatio('hits', 'misses')).toBe(0.75);
    expect(c.next('r', 2000, { hits: 40, misses: 20 }).hitRatio('hits', 'misses')).toBeUndefined();
  });

  it('reads server counters in their many shapes', () => {
    expect(num('12345')).toBe(12345);
    expect(num(7)).toBe(7);
    expect(num(9n)).toBe(9);
    expect(num({ toNumber: () => 5 })).toBe(5);
    expect(num('')).toBeNaN();
    expect(num('ON')).toBeNaN();
    expect(num(null)).toBeNaN();
  });
});

const s = (at: number, value: number, over: Partial<Sample> = {}): Sample => ({
  envId: 'e',
  connectionId: 'c',
  kind: 'mysql',
  metric: 'mysql.qps',
  value,
  unit: 'per_sec',
  at,
  ...over,
});

describe('MemoryWindow', () => {
  it('returns bucket means aligned to the step, null for empty buckets', () => {
    const w = new MemoryWindow({ windowMs: 3_600_000, maxPointsPerSeries: 100 });
    w.record([s(10_000, 1)]);
    w.record([s(15_000, 3)]);
    w.record([s(31_000, 10)]);
    const [one] = w.series('e', 'c', 'mysql.qps', 5_000, 40_000, 10);
    expect(one?.points).toEqual([
      [0, null], // 5 s is before the first sample; the bucket starts at 0 as InfluxQL's does
      [10_000, 2],
      [20_000, null],
      [30_000, 10],
    ]);
  });

  it('keeps one ring per series, bounded, and filters by tags', () => {
    const w = new MemoryWindow({ windowMs: 3_600_000, maxPointsPerSeries: 3 });
    for (let i = 0; i < 5; i++) {
      w.record([
        s(i * 1000, i, { metric: 'mysql.database_data_bytes', tags: { database: 'a' } }),
        s(i * 1000, i * 10, { metric: 'mysql.database_data_bytes', tags: { database: 'b' } }),
      ]);
    }
    const all = w.series('e', 'c', 'mysql.database_data_bytes', 0, 5000, 1);
    expect(all).toHaveLength(2);
    const b = w.series('e', 'c', 'mysql.database_data_bytes', 0, 5000, 1, { database: 'b' });
    expect(b).toHaveLength(1);
    expect(b[0]?.tags).toEqual({ database: 'b' });
    // Only the last 3 points survive the ring.
    expect(b[0]?.points).toEqual([
      [0, null],
      [1000, null],
      [2000, 20],
      [3000, 30],
      [4000, 40],
    ]);
    expect(w.stats()).toEqual({ series: 2, points: 6 });
  });

  it('caps the number of series per connection', () => {
    const w = new MemoryWindow({ maxSeriesPerConnection: 2 });
    w.record(
      ['a', 'b', 'c'].map((database) =>
        s(1000, 1, { metric: 'mysql.database_data_bytes', tags: { database } }),
      ),
    );
    expect(w.stats().series).toBe(2);
  });

  it('forgets connections and environments, and knows what range it covers', () => {
    const w = new MemoryWindow({ windowMs: 60_000 });
    w.record([s(1000, 1)]);
    w.record([s(1000, 1, { connectionId: 'd' })]);
    w.forget('e', 'c');
    expect(w.stats().series).toBe(1);
    w.forget('e');
    expect(w.stats().series).toBe(0);
    expect(w.covers(100_000 - 30_000, 100_000)).toBe(true);
    expect(w.covers(100_000 - 90_000, 100_000)).toBe(false);
  });
});
