import type { AlertRule, RulePreview } from '../../../../shared/alerts';
import { observe, step, type MachineState } from './machine';

export interface PreviewSeries {
  /** How the series is named in the preview (connection and tags). */
  series: string;
  /** Bucket start (epoch ms) and value; null where there was no sample. */
  points: ReadonlyArray<readonly [number, number | null]>;
}

/**
 * How a threshold rule would have fired over past series: the evaluator's state machine run
 * over each bucket in order (a bucket without a sample leaves the state as it is).
 */
export function previewThreshold(
  rule: AlertRule,
  series: readonly PreviewSeries[],
): Pick<RulePreview, 'points' | 'firings'> {
  const points: RulePreview['points'] = [];
  const firings: RulePreview['firings'] = [];
  for (const s of series) {
    let m: MachineState | undefined;
    let open: RulePreview['firings'][number] | undefined;
    for (const [at, value] of s.points) {
      if (value === null) continue;
      points.push({ at, value, series: s.series });
      const r = step(m, observe(rule, value), rule, at);
      m = r.next;
      if (open) open.peak = peakOf(rule, open.peak, value);
      if (r.entered.includes('firing') && !open) {
        open = { series: s.series, start: at, end: null, peak: value };
        firings.push(open);
      }
      if (r.entered.includes('resolved')) {
        if (open) open.end = at;
        open = undefined;
        m = undefined;
      }
    }
  }
  return { points, firings };
}

/** The worst value: the highest for "above" rules, the lowest for "below" ones. */
const peakOf = (rule: AlertRule, a: number, b: number): number =>
  rule.op === '<' || rule.op === '<=' ? Math.min(a, b) : Math.max(a, b);
