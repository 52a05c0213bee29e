import type { TimeRange } from './metricMath';
import { PRESETS, type Preset, type RangeChoice } from './RangeBar';

/**
 * A store page's chart range in its address: `range=24h` (a preset, moving with now) or
 * `range=<from>-<to>` (epoch ms, a fixed window: a custom range or a zoom). Anything else is
 * ignored and the page opens on its default hour.
 */
export function rangeOfParam(value: string): TimeRange | Preset | undefined {
  if (Object.hasOwn(PRESETS, value)) return value as Preset;
  const m = /^(\d{1,15})-(\d{1,15})$/.exec(value);
  if (!m) return undefined;
  const from = Number(m[1]);
  const to = Number(m[2]);
  return to > from ? { from, to } : undefined;
}

export function paramOfRange(r: TimeRange | Preset): string {
  return typeof r === 'string' ? r : `${Math.round(r.from)}-${Math.round(r.to)}`;
}

export function choiceOfParam(value: string): RangeChoice {
  const r = rangeOfParam(value);
  return r === undefined ? { preset: '1h' } : typeof r === 'string' ? { preset: r } : { custom: r };
}

/** The `range` parameter for a choice; the default hour is left out. */
export function paramOfChoice(c: RangeChoice): string | undefined {
  if ('preset' in c) return c.preset === '1h' ? undefined : c.preset;
  return paramOfRange(c.custom);
}
