/** Pure helpers of the monitoring pages: value formatting, range → step, zoom, chart rows. */
import type { StoreKind } from '@shared/models/environment';
import {
  METRICS,
  type MetricName,
  type MetricTags,
  type MetricUnit,
  type SeriesResult,
} from '@shared/monitoring';

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** 1536 → "1.5 KiB": binary units, one decimal below 100. */
export function formatBytes(n: number): string {
  let v = Math.abs(n);
  let i = 0;
  while (v >= 1024 && i < BYTE_UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  const digits = i === 0 || v >= 100 ? 0 : 1;
  return `${n < 0 ? '-' : ''}${v.toFixed(digits)} ${BYTE_UNITS[i]}`;
}

/** Up to three significant digits past the integer part, without trailing zeros. */
export function compact(n: number): string {
  const a = Math.abs(n);
  if (a >= 1e9) return `${trim(n / 1e9)}G`;
  if (a >= 1e6) return `${trim(n / 1e6)}M`;
  if (a >= 1e4) return `${trim(n / 1e3)}k`;
  return trim(n);
}

const trim = (n: number): string => {
  const a = Math.abs(n);
  const digits = a >= 100 ? 0 : a >= 10 ? 1 : 2;
  return String(Number(n.toFixed(digits)));
};

export interface UnitWords {
  /** Words for bool values: [false, true]. */
  bool: readonly [string, string];
}

/** A metric value with its unit: bytes, per second, ratio as %, seconds, ms, count, bool. */
export function formatMetric(
  value: number | null | undefined,
  unit: MetricUnit,
  words: UnitWords = { bool: ['no', 'yes'] },
): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  switch (unit) {
    case 'bytes':
      return formatBytes(value);
    case 'per_sec':
      return `${compact(value)}/s`;
    case 'ratio':
      return `${trim(value * 100)}%`;
    case 'sec':
      return value >= 3600
        ? `${trim(value / 3600)} h`
        : value >= 120
          ? `${trim(value / 60)} min`
          : `${trim(value)} s`;
    case 'ms':
      return `${trim(value)} ms`;
    case 'bool':
      return value >= 0.5 ? words.bool[1] : words.bool[0];
    case 'count':
      return compact(value);
    case 'days':
      return `${trim(value)} d`;
  }
}

/** Bucket widths a chart may use: round numbers a DBA reads at a glance. */
export const NICE_STEPS_SEC = [
  1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400,
] as const;

/**
 * The bucket width for a range: the smallest nice step giving at most `target` points, never
 * finer than the sweep interval (finer buckets would be mostly empty).
 */
export function stepFor(fromMs: number, toMs: number, minSec = 10, target = 300): number {
  const need = Math.max(minSec, Math.ceil((toMs - fromMs) / 1000 / target));
  return NICE_STEPS_SEC.find((s) => s >= need) ?? 86_400;
}

export interface TimeRange {
  from: number;
  to: number;
}

/**
 * The range a drag over a chart selects (either direction), or undefined when the selection is
 * narrower than `minMs` (a click, not a drag).
 */
export function zoomRange(
  a: number | undefined,
  b: number | undefined,
  minMs: number,
): TimeRange | undefined {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b)) {
    return undefined;
  }
  const from = Math.min(a, b);
  const to = Math.max(a, b);
  return to - from < minMs ? undefined : { from, to };
}

/** `<input type="datetime-local">` value (local time) ↔ epoch ms. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function fromLocalInput(s: string): number | undefined {
  const ms = new Date(s).getTime();
  return s === '' || Number.isNaN(ms) ? undefined : ms;
}

/** A series' legend label: its tag values, or the metric name when untagged. */
export function seriesLabel(metric: MetricName, tags: MetricTags): string {
  const parts = Object.values(tags).filter((v): v is string => v !== undefined);
  return parts.length > 0 ? parts.join(' / ') : metric;
}

export interface ChartRows {
  keys: string[];
  rows: Array<Record<string, number | null>>;
}

/** Series as recharts rows: one row per bucket `{at, <label>: value…}`, at most `maxSeries` lines. */
export function seriesRows(r: SeriesResult, maxSeries = 8): ChartRows {
  const series = r.series.slice(0, maxSeries);
  const keys = series.map((s) => seriesLabel(r.metric, s.tags));
  const byAt = new Map<number, Record<string, number | null>>();
  series.forEach((s, i) => {
    for (const [at, v] of s.points) {
      let row = byAt.get(at);
      if (!row) byAt.set(at, (row = { at }));
      row[keys[i]!] = v;
    }
  });
  return { keys, rows: [...byAt.values()].sort((x, y) => (x.at ?? 0) - (y.at ?? 0)) };
}

/** Metrics charted on a store page: its kind's, without per-partition rows and per-tenant quotas. */
export function chartMetrics(kind: StoreKind): MetricName[] {
  return (Object.keys(METRICS) as MetricName[]).filter(
    (m) => METRICS[m].kind === kind && m !== 'mysql.partition_rows' && m !== 'tenant.quota_ratio',
  );
}

/** How a tagged metric folds into one number on a store card. */
type Fold = 'first' | 'max' | 'sum';

/** The numbers a store card shows, by kind. */
export const KEY_METRICS: Record<
  StoreKind,
  ReadonlyArray<readonly [MetricName, Fold, MetricName?]>
> = {
  mysql: [
    ['mysql.connections_ratio', 'first'],
    ['mysql.qps', 'first'],
    ['mysql.replication_lag_sec', 'max'],
  ],
  redis: [
    ['redis.ops_per_sec', 'first'],
    // Without maxmemory there is no ratio: the bytes used instead.
    ['redis.memory_ratio', 'first', 'redis.used_memory_bytes'],
    ['redis.hit_ratio', 'first'],
  ],
  mongodb: [
    ['mongo.connections_current', 'first'],
    ['mongo.opcounters', 'sum'],
  ],
  influxdb: [
    ['influx.up', 'first'],
    ['influx.ping_ms', 'first'],
  ],
};

export interface KeyNumber {
  metric: MetricName;
  unit: MetricUnit;
  /** Undefined when the last sweep had no reading (first sweep, no replication, no maxmemory). */
  value: number | undefined;
}

/** A store card's numbers from a sweep's points. */
export function keyNumbers(
  kind: StoreKind,
  points: ReadonlyArray<{ metric: string; value: number }>,
): KeyNumber[] {
  return KEY_METRICS[kind].map(([wanted, fold, fallback]) => {
    const has = (m: MetricName): boolean => points.some((p) => p.metric === m);
    const metric = fallback !== undefined && !has(wanted) && has(fallback) ? fallback : wanted;
    const vals = points.filter((p) => p.metric === metric).map((p) => p.value);
    const value =
      vals.length === 0
        ? undefined
        : fold === 'sum'
          ? vals.reduce((a, b) => a + b, 0)
          : fold === 'max'
            ? Math.max(...vals)
            : vals[0];
    return { metric, unit: METRICS[metric].unit, value };
  });
}

/**
 * How a metric is drawn: a state (up / down, `bool`) is a step chart with two ticks, not a
 * smooth line with an axis of repeated labels; a ratio spans 0–1; several series get a legend.
 */
export function chartShape(
  unit: string,
  seriesCount: number,
): {
  domain: [number | 'auto', number | 'auto'];
  ticks: number[] | undefined;
  line: 'monotone' | 'stepAfter';
  legend: boolean;
} {
  const bool = unit === 'bool';
  return {
    domain: bool || unit === 'ratio' ? [0, 1] : ['auto', 'auto'],
    ticks: bool ? [0, 1] : undefined,
    line: bool ? 'stepAfter' : 'monotone',
    legend: seriesCount > 1,
  };
}
