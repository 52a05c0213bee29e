import { describe, expect, it } from 'vitest';
import type { Schedule } from '@shared/schedules';
import {
  draftFromSchedule,
  newScheduleDraft,
  scheduleFieldOfPath,
  splitScheduleIssues,
  validateSchedule,
} from './scheduleModel';

const filled = () => ({
  ...newScheduleDraft('demo', 'Asia/Shanghai'),
  id: 'nightly',
  name: 'Nightly',
});

describe('schedule form', () => {
  it('builds the save input with the target on the schedule environment', () => {
    expect(validateSchedule(filled(), 'demo').value).toEqual({
      id: 'nightly',
      envId: 'demo',
      name: 'Nightly',
      target: { kind: 'health.sweep', payload: { envId: 'demo' } },
      cron: '0 2 * * *',
      tz: 'Asia/Shanghai',
      enabled: true,
    });
  });

  it('places issues on their fields', () => {
    const by = (over: object, ids: string[] = []) =>
      splitScheduleIssues(validateSchedule({ ...filled(), ...over }, 'demo', ids).issues).byField;
    expect(by({ id: '' }).id?.code).toBe('keel_required');
    expect(by({ id: 'Bad Id' }).id?.code).toBe('invalid_format');
    expect(by({}, ['nightly']).id?.code).toBe('keel_duplicate');
    expect(by({ name: '  ' }).name?.code).toBe('keel_required');
    expect(by({ cron: '0 2 * *' }).cron).toBeDefined();
    expect(by({ tz: 'Mars/Olympus' }).tz).toBeDefined();
    const watch = {
      ...filled().target,
      kind: 'health.watch' as const,
      duration: '5',
      durationUnit: 's' as const,
    };
    expect(by({ target: watch }).interval?.code).toBe('keel_interval_longer');
  });

  it('maps server paths', () => {
    expect(scheduleFieldOfPath(['cron'])).toBe('cron');
    expect(scheduleFieldOfPath(['target', 'payload', 'durationSec'])).toBe('duration');
    expect(scheduleFieldOfPath(['target'])).toBe('kind');
    expect(scheduleFieldOfPath(['other'])).toBeUndefined();
  });

  it('opens a stored schedule for editing', () => {
    const s: Schedule = {
      id: 'watch',
      envId: 'demo',
      name: 'Watch',
      target: {
        kind: 'health.watch',
        payload: { envId: 'demo', durationSec: 3600, intervalSec: 60 },
      },
      cron: '0 */6 * * *',
      tz: 'UTC',
      enabled: false,
      createdBy: { type: 'user', name: 'ops' },
      createdAt: '2025-01-01T00:00:00.000Z',
      updatedAt: '2025-01-01T00:00:00.000Z',
      next: [],
    };
    const d = draftFromSchedule(s);
    expect(d.target).toMatchObject({
      duration: '1',
      durationUnit: 'h',
      interval: '1',
      intervalUnit: 'min',
    });
    expect(validateSchedule(d, 'demo').value?.target).toEqual(s.target);
  });
});
