import type { MetricName, MetricPoint, MetricTags } from '../../../../../shared/monitoring';
import type { CallOptions } from '../../../stores/types';
import type { CounterState } from '../counters';

/** What a collector gets besides its store. */
export interface CollectContext {
  /** Pass to every store call: the sweep's deadline and cancellation. */
  call: CallOptions;
  /** Previous counter readings of this connection (for rates). */
  counters: CounterState;
  /** Read the slow metrics (sizes, partitions) on this read too. */
  slow: boolean;
  /**
   * Read the sweep's own metrics (status, replication, reachability); default true. The slow
   * read beside the sweeps sets it false, so it reads only what `slow` adds.
   */
  fast?: boolean;
  /**
   * The store did not answer, said by a collector that still returns points about it (InfluxDB's
   * `influx.up` 0): the sweep counts as failed, and its points are kept.
   */
  unreachable?(e: unknown): void;
  /** A metric group could not be read (privilege, server version): the sweep goes on without it. */
  skip(group: string, reason: string): void;
}

export type Collector<S> = (store: S, ctx: CollectContext) => Promise<MetricPoint[]>;

/** Collects points, leaving out values that are missing or not finite. */
export class Points {
  readonly list: MetricPoint[] = [];

  add(metric: MetricName, value: number | undefined, tags?: MetricTags): void {
    if (value === undefined || !Number.isFinite(value)) return;
    this.list.push(tags ? { metric, value, tags } : { metric, value });
  }
}

/** A tag value as the sample schema takes it (1-256 characters), or undefined. */
export function tagValue(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  const s = String(v);
  return s.length === 0 ? undefined : s.slice(0, 256);
}
