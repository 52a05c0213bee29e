import { describe, expect, it } from 'vitest';
import { agoParts, relativeParts } from './format';

/** Local wall-clock times, so the calendar is the one the user sees whatever the machine's zone. */
const at = (d: number, h: number, m = 0): number => new Date(2026, 11, d, h, m).getTime();

describe('relative times on one clock', () => {
  it('never puts something that already happened in the future', () => {
    // "Probe now": the probe's time is a little ahead of the page's last clock tick.
    const now = at(2, 14, 0);
    expect(agoParts(now + 2000, now)).toEqual([0, 'second']);
    expect(agoParts(now + 90_000, now)).toEqual([0, 'second']);
    expect(agoParts(now - 30_000, now)).toEqual([-30, 'second']);
  });

  it('counts days by the calendar, not by 24-hour blocks', () => {
    // Tuesday 23:00 → Thursday 01:00 is 26 hours but the day after tomorrow.
    expect(relativeParts(at(3, 1), at(1, 23))).toEqual([2, 'day']);
    // Tuesday 01:00 → Wednesday 23:00 is 46 hours but tomorrow.
    expect(relativeParts(at(2, 23), at(1, 1))).toEqual([1, 'day']);
    expect(relativeParts(at(1, 1), at(3, 23))).toEqual([-2, 'day']);
    // Within a day the hours stay exact.
    expect(relativeParts(at(2, 1), at(1, 23))).toEqual([2, 'hour']);
  });
});
