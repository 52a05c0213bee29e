import { describe, expect, it } from 'vitest';
import { ruleMetricUnit, thresholdText } from './threshold';

const words = (u: string): string =>
  ({ per_sec: '/s', sec: 's', ms: 'ms', bytes: 'bytes' })[u] ?? u;

describe('rule thresholds as the Rules table shows them', () => {
  it('shows a ratio threshold exactly, as a percentage', () => {
    // "API error rate above 5 %" was shown as "> 0.1" while its editor held 0.05.
    expect(thresholdText('api.error_ratio', 0.05, 'en', words)).toBe('5%');
    expect(thresholdText('redis.hit_ratio', 0.95, 'en', words)).toBe('95%');
    expect(thresholdText('mysql.connections_ratio', 0.875, 'en', words)).toBe('87.5%');
    expect(thresholdText('mysql.connections_ratio', 0.07, 'en', words)).toBe('7%');
  });

  it('shows other thresholds with every digit they were saved with, in their unit', () => {
    expect(thresholdText('mysql.threads_running', 0.95, 'en', words)).toBe('0.95');
    expect(thresholdText('mysql.qps', 1234.5678, 'en', words)).toBe('1,234.5678 /s');
    expect(thresholdText('api.response_time_sec', 2.25, 'en', words)).toBe('2.25 s');
    expect(thresholdText('mysql.replication_lag_sec', 0.1 + 0.2, 'en', words)).toBe('0.3 s');
    expect(thresholdText(undefined, 0.05, 'en', words)).toBe('0.05');
  });

  it('writes numbers in the user’s language', () => {
    expect(thresholdText('mysql.qps', 12345.5, 'zh-CN', words)).toBe('12,345.5 /s');
    expect(thresholdText('mysql.qps', 12345.5, 'de', words)).toBe('12.345,5 /s');
  });

  it('knows the unit of metrics Keel does not collect yet by their name', () => {
    expect(ruleMetricUnit('api.error_ratio')).toBe('ratio');
    expect(ruleMetricUnit('api.response_time_sec')).toBe('sec');
    expect(ruleMetricUnit('redis.hit_ratio')).toBe('ratio');
    expect(ruleMetricUnit('mysql.qps')).toBe('per_sec');
    expect(ruleMetricUnit('backup.failed')).toBeUndefined();
  });
});

describe('an alert value next to its threshold', () => {
  it('is in the same unit, to four significant digits', () => {
    expect(thresholdText('api.error_ratio', 0.051234, 'en', words, 4)).toBe('5.123%');
    expect(thresholdText('mysql.qps', 1234.5678, 'en', words, 4)).toBe('1,235 /s');
  });
});
