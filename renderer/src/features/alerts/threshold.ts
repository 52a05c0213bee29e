import { METRICS, isMetricName, type MetricUnit } from '@shared/monitoring';

/** Unit by name ending, for rule metrics outside the catalogue (api.error_ratio…). */
const BY_SUFFIX: ReadonlyArray<readonly [RegExp, MetricUnit]> = [
  [/_ratio$/, 'ratio'],
  [/_sec$/, 'sec'],
  [/_ms$/, 'ms'],
  [/_bytes$/, 'bytes'],
  [/_per_sec$/, 'per_sec'],
];

/** The unit of a rule's metric: the catalogue's, else the one its name ends with. */
export function ruleMetricUnit(metric: string | undefined): MetricUnit | undefined {
  if (!metric) return undefined;
  if (isMetricName(metric)) return METRICS[metric].unit;
  return BY_SUFFIX.find(([re]) => re.test(metric))?.[1];
}

/** Units shown after the number; counts and booleans need none, a ratio is a percentage. */
const SUFFIXED: ReadonlySet<MetricUnit> = new Set(['per_sec', 'bytes', 'sec', 'ms']);

/**
 * A threshold exactly as saved (15 significant digits: every digit a person types, none of the
 * binary noise), in the metric's unit: ratio 0.05 → "5%", 0.95 → "95%", 3 s → "3 s". A measured
 * value next to it takes fewer `significant` digits.
 */
export function thresholdText(
  metric: string | undefined,
  value: number,
  lang: string,
  unitWord: (unit: MetricUnit) => string,
  significant = 15,
): string {
  const unit = ruleMetricUnit(metric);
  const digits = { maximumSignificantDigits: significant };
  if (unit === 'ratio') {
    return new Intl.NumberFormat(lang, { style: 'percent', ...digits }).format(value);
  }
  const n = new Intl.NumberFormat(lang, digits).format(value);
  return unit && SUFFIXED.has(unit) ? `${n} ${unitWord(unit)}` : n;
}
