import { describe, expect, it } from 'vitest';
import { DEADMAN_GRACE_MS, missedTicks } from '../../electron/main/services/schedules/deadman';

const NOW = Date.parse('2026-12-02T12:00:30.000Z');
const everyMinute = {
  cron: '0 * * * * *',
  tz: 'UTC',
  enabled: true,
  updatedAt: '2026-12-01T00:00:00.000Z',
};

describe('schedule dead-man', () => {
  it('flags a schedule whose last run is several ticks old, from the first tick with no run', () => {
    expect(missedTicks(everyMinute, '2026-12-02T11:55:00.200Z', NOW)).toEqual({
      since: '2026-12-02T11:56:00.000Z',
      ticks: 5,
    });
  });

  it('does not flag one missed tick, nor a second one still inside the grace', () => {
    // Only 12:00 fell due since the last run.
    expect(missedTicks(everyMinute, '2026-12-02T11:59:00.100Z', NOW)).toBeUndefined();
    // 11:59 and 12:00 fell due, but 12:00 only 10 s ago.
    const early = Date.parse('2026-12-02T12:00:10.000Z');
    expect(DEADMAN_GRACE_MS).toBeGreaterThan(10_000);
    expect(missedTicks(everyMinute, '2026-12-02T11:58:00.100Z', early)).toBeUndefined();
    expect(missedTicks(everyMinute, '2026-12-02T11:58:00.100Z', NOW)?.ticks).toBe(2);
  });

  it('counts from the last save or resume when there was no run since', () => {
    const resumed = { ...everyMinute, updatedAt: '2026-12-02T11:57:10.000Z' };
    expect(missedTicks(resumed, undefined, NOW)).toEqual({
      since: '2026-12-02T11:58:00.000Z',
      ticks: 3,
    });
    expect(
      missedTicks({ ...resumed, updatedAt: '2026-12-02T11:59:10.000Z' }, undefined, NOW),
    ).toBeUndefined();
  });

  it('never flags a paused schedule', () => {
    expect(
      missedTicks({ ...everyMinute, enabled: false }, '2026-12-01T00:00:00.000Z', NOW),
    ).toBeUndefined();
  });
});
