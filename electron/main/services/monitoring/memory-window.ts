import type { MetricTags, Sample, SeriesResult } from '../../../../shared/monitoring';

export interface MemoryWindowOptions {
  /** How far back the window reaches. Default 15 minutes. */
  windowMs?: number;
  /** Points kept per series (a ring); size it for windowMs at the shortest interval. Default 1,000. */
  maxPointsPerSeries?: number;
  /** Series kept per connection (per-partition metrics can be many). Default 2,000. */
  maxSeriesPerConnection?: number;
}

/** A fixed-size ring of (time, value) pairs, oldest first. */
class Ring {
  private readonly times: Float64Array;
  private readonly values: Float64Array;
  private start = 0;
  size = 0;

  constructor(private readonly cap: number) {
    this.times = new Float64Array(cap);
    this.values = new Float64Array(cap);
  }

  push(t: number, v: number): void {
    const at = (this.start + this.size) % this.cap;
    this.times[at] = t;
    this.values[at] = v;
    if (this.size < this.cap) this.size++;
    else this.start = (this.start + 1) % this.cap;
  }

  get last(): number {
    return this.size === 0 ? -Infinity : (this.times[(this.start + this.size - 1) % this.cap] ?? 0);
  }

  forEach(fn: (t: number, v: number) => void): void {
    for (let i = 0; i < this.size; i++) {
      const at = (this.start + i) % this.cap;
      fn(this.times[at] as number, this.values[at] as number);
    }
  }
}

interface Series {
  metric: string;
  tags: MetricTags;
  ring: Ring;
}

export const seriesKeyOf = (metric: string, tags: MetricTags | undefined): string =>
  tags
    ? `${metric}|${Object.entries(tags)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => `${k}=${v}`)
        .join(',')}`
    : metric;

/**
 * The last minutes of every series of every connection, in memory: live charts read it always,
 * and it is the only history of an environment without InfluxDB. Bounded per series (a ring) and
 * per connection (series count); series not updated within the window are forgotten.
 */
export class MemoryWindow {
  readonly windowMs: number;
  private readonly maxPoints: number;
  private readonly maxSeries: number;
  private readonly conns = new Map<string, Map<string, Series>>();
  private records = 0;

  constructor(o: MemoryWindowOptions = {}) {
    this.windowMs = o.windowMs ?? 15 * 60_000;
    this.maxPoints = o.maxPointsPerSeries ?? 1000;
    this.maxSeries = o.maxSeriesPerConnection ?? 2000;
  }

  /** Keep one sweep's samples (all of one connection). */
  record(samples: readonly Sample[]): void {
    const first = samples[0];
    if (!first) return;
    const key = `${first.envId}/${first.connectionId}`;
    let series = this.conns.get(key);
    if (!series) this.conns.set(key, (series = new Map()));
    for (const s of samples) {
      if (!Number.isFinite(s.value)) continue;
      const k = seriesKeyOf(s.metric, s.tags);
      let one = series.get(k);
      if (!one) {
        if (series.size >= this.maxSeries) continue;
        one = { metric: s.metric, tags: s.tags ?? {}, ring: new Ring(this.maxPoints) };
        series.set(k, one);
      }
      one.ring.push(s.at, s.value);
    }
    if (++this.records % 100 === 0) this.prune(Date.now());
  }

  /** Whether a range starting at `from` lies within the window. */
  covers(from: number, now = Date.now()): boolean {
    return from >= now - this.windowMs;
  }

  /**
   * Bucket means of a metric's series in [from, to), buckets aligned to multiples of the step
   * (as InfluxQL `GROUP BY time()` aligns them); empty buckets are null.
   */
  series(
    envId: string,
    connectionId: string,
    metric: string,
    from: number,
    to: number,
    stepSec: number,
    filter?: MetricTags,
  ): SeriesResult['series'] {
    const stepMs = stepSec * 1000;
    const first = Math.floor(from / stepMs) * stepMs;
    const buckets = Math.max(0, Math.ceil((to - first) / stepMs));
    const out: SeriesResult['series'] = [];
    for (const s of this.conns.get(`${envId}/${connectionId}`)?.values() ?? []) {
      if (s.metric !== metric || !matches(s.tags, filter)) continue;
      const sums = new Float64Array(buckets);
      const counts = new Uint32Array(buckets);
      s.ring.forEach((t, v) => {
        if (t < from || t >= to) return;
        const b = Math.floor((t - first) / stepMs);
        sums[b] = (sums[b] as number) + v;
        counts[b] = (counts[b] as number) + 1;
      });
      const points: Array<[number, number | null]> = [];
      for (let b = 0; b < buckets; b++) {
        const n = counts[b] as number;
        points.push([first + b * stepMs, n === 0 ? null : (sums[b] as number) / n]);
      }
      out.push({ tags: s.tags, points });
    }
    return out;
  }

  /** Forget a connection (removed) or a whole environment. */
  forget(envId: string, connectionId?: string): void {
    if (connectionId !== undefined) this.conns.delete(`${envId}/${connectionId}`);
    else for (const k of this.conns.keys()) if (k.startsWith(`${envId}/`)) this.conns.delete(k);
  }

  stats(envId?: string): { series: number; points: number } {
    let series = 0;
    let points = 0;
    for (const [k, m] of this.conns) {
      if (envId !== undefined && !k.startsWith(`${envId}/`)) continue;
      series += m.size;
      for (const s of m.values()) points += s.ring.size;
    }
    return { series, points };
  }

  private prune(now: number): void {
    const oldest = now - this.windowMs;
    for (const [k, m] of this.conns) {
      for (const [sk, s] of m) if (s.ring.last < oldest) m.delete(sk);
      if (m.size === 0) this.conns.delete(k);
    }
  }
}

function matches(tags: MetricTags, filter: MetricTags | undefined): boolean {
  if (!filter) return true;
  return Object.entries(filter).every(([k, v]) => tags[k as keyof MetricTags] === v);
}
