import type { MetricName, MetricPoint, MetricTags } from '../../../shared/monitoring';
import type { CollectContext } from '../../../electron/main/services/monitoring/collectors/types';
import { CounterState } from '../../../electron/main/services/monitoring/counters';

/** A collector context as a sweep makes it, recording skipped groups. */
export function context(over: Partial<CollectContext> = {}) {
  const skipped: Array<{ group: string; reason: string }> = [];
  const ctx: CollectContext = {
    call: { timeoutMs: 5000 },
    counters: new CounterState(),
    slow: true,
    skip: (group, reason) => skipped.push({ group, reason }),
    ...over,
  };
  return { ctx, skipped };
}

/** The value of a metric (with matching tags) among points; undefined when absent. */
export function valueOf(
  points: MetricPoint[],
  metric: MetricName,
  tags?: MetricTags,
): number | undefined {
  return points.find(
    (p) =>
      p.metric === metric &&
      Object.entries(tags ?? {}).every(([k, v]) => p.tags?.[k as keyof MetricTags] === v),
  )?.value;
}

export const metricsOf = (points: MetricPoint[]): Set<string> =>
  new Set(points.map((p) => p.metric));
