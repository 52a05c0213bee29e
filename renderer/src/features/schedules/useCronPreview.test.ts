import { describe, expect, it } from 'vitest';
import { KeelError } from '@shared/errors';
import { reasonOf } from './useCronPreview';

describe('cron preview', () => {
  it("shows the server's reason for the cron field, else its message", () => {
    const parser = new KeelError('VALIDATION', 'invalid cron expression "61 * * * *": range', {
      issues: [{ path: ['cron'], message: 'Constraint error, got value 61 expected range 0-59' }],
    });
    expect(reasonOf(parser)).toBe('Constraint error, got value 61 expected range 0-59');
    expect(
      reasonOf(new KeelError('VALIDATION', 'bad tz', { issues: [{ path: ['tz'], message: 'x' }] })),
    ).toBe('bad tz');
  });
});
