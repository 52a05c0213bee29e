import { describe, expect, it } from 'vitest';
import {
  defaultDraft,
  draftFromTarget,
  issuesByField,
  splitSeconds,
  targetFieldOfPath,
  toSeconds,
  validateTarget,
} from './targetModel';

describe('job target form', () => {
  it('builds a health sweep and a ping from the environment alone', () => {
    expect(validateTarget(defaultDraft('demo')).value).toEqual({
      kind: 'health.sweep',
      payload: { envId: 'demo' },
    });
    expect(validateTarget(defaultDraft('demo', 'jobs.ping')).value).toEqual({
      kind: 'jobs.ping',
      payload: { envId: 'demo' },
    });
  });

  it('converts watch durations from their units and leaves out "every connection"', () => {
    const d = {
      ...defaultDraft('demo', 'health.watch'),
      duration: '2',
      durationUnit: 'h' as const,
    };
    expect(validateTarget(d).value).toEqual({
      kind: 'health.watch',
      payload: { envId: 'demo', durationSec: 7200, intervalSec: 30 },
    });
    expect(validateTarget({ ...d, connectionId: 'core' }).value?.payload).toMatchObject({
      connectionId: 'core',
    });
  });

  it('reports each field once, in the terms of the contract', () => {
    const watch = defaultDraft('demo', 'health.watch');
    const byField = (over: object) => issuesByField(validateTarget({ ...watch, ...over }).issues);
    expect(byField({ duration: '' }).duration?.code).toBe('keel_required');
    expect(byField({ duration: '1.5' }).duration?.code).toBe('keel_number');
    expect(byField({ duration: '0' }).duration).toMatchObject({ code: 'too_small', minimum: 1 });
    expect(byField({ duration: '25', durationUnit: 'h' }).duration).toMatchObject({
      code: 'too_big',
      maximum: 86_400,
    });
    expect(byField({ duration: '10', durationUnit: 's' }).interval?.code).toBe(
      'keel_interval_longer',
    );
    expect(byField({ envId: 'Not A Slug' }).envId?.code).toBe('invalid_format');
    expect(validateTarget({ ...watch, duration: 'x' }).value).toBeUndefined();
  });

  it('round-trips a stored target into the form', () => {
    const d = draftFromTarget({
      kind: 'health.watch',
      payload: { envId: 'demo', connectionId: 'cache', durationSec: 5400, intervalSec: 120 },
    });
    expect(d).toMatchObject({
      connectionId: 'cache',
      duration: '90',
      durationUnit: 'min',
      interval: '2',
      intervalUnit: 'min',
    });
    expect(validateTarget(d).value?.payload).toEqual({
      envId: 'demo',
      connectionId: 'cache',
      durationSec: 5400,
      intervalSec: 120,
    });
  });

  it('reads numbers and paths', () => {
    expect(toSeconds(' 3 ', 'min')).toBe(180);
    expect(toSeconds('-1', 's')).toBeUndefined();
    expect(splitSeconds(7200)).toEqual({ value: '2', unit: 'h' });
    expect(splitSeconds(45)).toEqual({ value: '45', unit: 's' });
    expect(targetFieldOfPath(['target', 'payload', 'intervalSec'])).toBe('interval');
    expect(targetFieldOfPath(['payload', 'envId'])).toBe('envId');
    expect(targetFieldOfPath(['cron'])).toBeUndefined();
  });
});
