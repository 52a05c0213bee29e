import { describe, expect, it } from 'vitest';
import { durationParts, isoDiffMs, isoLocal, relativeParts, roundLatency } from './format';

describe('format', () => {
  it('keeps the two largest units of a duration', () => {
    expect(durationParts(0)).toEqual([['s', 0]]);
    expect(durationParts(59.9)).toEqual([['s', 59]]);
    expect(durationParts(90)).toEqual([
      ['m', 1],
      ['s', 30],
    ]);
    expect(durationParts(3600)).toEqual([['h', 1]]);
    expect(durationParts(90061)).toEqual([
      ['d', 1],
      ['h', 1],
    ]);
    expect(durationParts(-5)).toEqual([['s', 0]]);
  });

  it('rounds latency to 0.1 ms below 10 ms', () => {
    expect(roundLatency(3.14159)).toBe(3.1);
    expect(roundLatency(12.6)).toBe(13);
  });

  it('picks a unit for relative times', () => {
    expect(relativeParts(0, 30_000)).toEqual([-30, 'second']);
    expect(relativeParts(0, 600_000)).toEqual([-10, 'minute']);
    expect(relativeParts(0, 7_200_000)).toEqual([-2, 'hour']);
    expect(relativeParts(0, 3 * 86_400_000)).toEqual([-3, 'day']);
  });

  it('formats local date-times unambiguously', () => {
    expect(isoLocal(new Date(2025, 2, 4, 9, 5, 7))).toBe('2025-03-04 09:05:07');
    expect(isoDiffMs('2025-01-01T00:00:10Z', '2025-01-01T00:00:00Z')).toBe(10_000);
    expect(isoDiffMs(undefined, '2025-01-01T00:00:00Z')).toBeUndefined();
  });
});
