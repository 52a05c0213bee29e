import { describe, expect, it } from 'vitest';
import {
  chartShape,
  chartMetrics,
  formatBytes,
  formatMetric,
  fromLocalInput,
  keyNumbers,
  seriesRows,
  stepFor,
  toLocalInput,
  zoomRange,
} from './metricMath';
import { parseStoreHash, storeHref } from './storeHash';

const H = 3_600_000;

describe('formatMetric', () => {
  it('formats every unit', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(512 * 1024 * 1024)).toBe('512 MiB');
    expect(formatMetric(3 * 1024 ** 3, 'bytes')).toBe('3.0 GiB');
    expect(formatMetric(1234.5, 'per_sec')).toBe('1235/s');
    expect(formatMetric(12_345, 'per_sec')).toBe('12.3k/s');
    expect(formatMetric(0.4567, 'ratio')).toBe('45.7%');
    expect(formatMetric(1, 'ratio')).toBe('100%');
    expect(formatMetric(2.5, 'sec')).toBe('2.5 s');
    expect(formatMetric(600, 'sec')).toBe('10 min');
    expect(formatMetric(7200, 'sec')).toBe('2 h');
    expect(formatMetric(0.42, 'ms')).toBe('0.42 ms');
    expect(formatMetric(1, 'bool', { bool: ['down', 'up'] })).toBe('up');
    expect(formatMetric(0, 'bool', { bool: ['down', 'up'] })).toBe('down');
    expect(formatMetric(3_400_000, 'count')).toBe('3.4M');
    expect(formatMetric(null, 'count')).toBe('—');
    expect(formatMetric(Number.NaN, 'count')).toBe('—');
  });
});

describe('stepFor', () => {
  it('gives about 300 points on a nice step, never below the sweep interval', () => {
    expect(stepFor(0, H)).toBe(15); // 3600/300 = 12 → 15
    expect(stepFor(0, 24 * H)).toBe(300); // 288 → 300
    expect(stepFor(0, 7 * 24 * H)).toBe(3600); // 2016 → 3600
    expect(stepFor(0, 10 * 60_000)).toBe(10); // the interval wins
    expect(stepFor(0, 60_000, 1)).toBe(1);
    expect(stepFor(0, 3650 * 24 * H)).toBe(86_400);
  });
  it('stays within the server bound of points', () => {
    for (const span of [H, 6 * H, 24 * H, 7 * 24 * H, 30 * 24 * H]) {
      expect(span / 1000 / stepFor(0, span)).toBeLessThanOrEqual(300);
    }
  });
});

describe('zoomRange', () => {
  it('orders a drag either way and ignores clicks', () => {
    expect(zoomRange(5000, 1000, 100)).toEqual({ from: 1000, to: 5000 });
    expect(zoomRange(1000, 5000, 100)).toEqual({ from: 1000, to: 5000 });
    expect(zoomRange(1000, 1050, 100)).toBeUndefined();
    expect(zoomRange(undefined, 5000, 100)).toBeUndefined();
    expect(zoomRange(Number.NaN, 5000, 100)).toBeUndefined();
  });
  it('round-trips datetime-local values', () => {
    const ms = new Date(2026, 11, 1, 9, 5).getTime();
    expect(toLocalInput(ms)).toBe('2026-12-01T09:05');
    expect(fromLocalInput('2026-12-01T09:05')).toBe(ms);
    expect(fromLocalInput('')).toBeUndefined();
  });
});

describe('chart rows and key numbers', () => {
  it('merges tagged series into rows by bucket', () => {
    const r = seriesRows({
      metric: 'mongo.opcounters',
      unit: 'per_sec',
      stepSec: 60,
      source: 'memory',
      series: [
        {
          tags: { op: 'insert' },
          points: [
            [0, 1],
            [60_000, null],
          ],
        },
        {
          tags: { op: 'query' },
          points: [
            [60_000, 5],
            [0, 2],
          ],
        },
      ],
    });
    expect(r.keys).toEqual(['insert', 'query']);
    expect(r.rows).toEqual([
      { at: 0, insert: 1, query: 2 },
      { at: 60_000, insert: null, query: 5 },
    ]);
  });
  it('folds tagged points into one number per card metric', () => {
    const n = keyNumbers('mongodb', [
      { metric: 'mongo.connections_current', value: 7 },
      { metric: 'mongo.opcounters', value: 3 },
      { metric: 'mongo.opcounters', value: 4 },
    ]);
    expect(n.map((x) => x.value)).toEqual([7, 7]);
    const lag = keyNumbers('mysql', [
      { metric: 'mysql.replication_lag_sec', value: 3 },
      { metric: 'mysql.replication_lag_sec', value: 9 },
    ]);
    expect(lag.map((x) => x.value)).toEqual([undefined, undefined, 9]);
    const mem = keyNumbers('redis', [{ metric: 'redis.used_memory_bytes', value: 2048 }]);
    expect(mem[1]).toEqual({ metric: 'redis.used_memory_bytes', unit: 'bytes', value: 2048 });
    expect(chartMetrics('mysql')).not.toContain('mysql.partition_rows');
    expect(chartMetrics('influxdb')).toContain('influx.up');
  });
});

describe('store hash', () => {
  it('reads the store of #/overview/<env>/<connection> and writes it back', () => {
    expect(parseStoreHash('#/overview')).toBeUndefined();
    expect(parseStoreHash('#/overview/demo')).toBeUndefined();
    expect(parseStoreHash('#/tenants/demo/core')).toBeUndefined();
    expect(parseStoreHash('#/overview/demo/core')).toEqual({ envId: 'demo', connectionId: 'core' });
    expect(parseStoreHash('#/overview/demo/core?x=1')).toEqual({
      envId: 'demo',
      connectionId: 'core',
    });
    expect(parseStoreHash(storeHref('a b', 'c/d'))).toEqual({ envId: 'a b', connectionId: 'c/d' });
  });
});

describe('chartShape', () => {
  it('draws a state metric as steps between two ticks, not a line over repeated labels', () => {
    expect(chartShape('bool', 1)).toEqual({
      domain: [0, 1],
      ticks: [0, 1],
      line: 'stepAfter',
      legend: false,
    });
  });
  it('gives several series a legend, and a ratio its 0–1 axis', () => {
    expect(chartShape('bytes', 8)).toMatchObject({
      legend: true,
      ticks: undefined,
      line: 'monotone',
    });
    expect(chartShape('ratio', 1).domain).toEqual([0, 1]);
  });
});
