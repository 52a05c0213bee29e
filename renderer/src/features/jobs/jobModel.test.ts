import { describe, expect, it } from 'vitest';
import type { JobRecord } from '@shared/jobs';
import {
  canRetry,
  jobDurationMs,
  matches,
  mergeLists,
  nextPageBefore,
  resultSummary,
  upsertJob,
} from './jobModel';

const job = (o: Partial<JobRecord>): JobRecord => ({
  id: 'j1',
  kind: 'health.sweep',
  state: 'running',
  payload: {},
  actor: { type: 'user', name: 'ops' },
  attempts: 0,
  createdAt: '2025-01-01T00:00:00.000Z',
  progress: { done: 0 },
  log: [],
  ...o,
});

describe('job model', () => {
  it('upserts by id and never lets a stale running copy replace a finished one', () => {
    const done = job({ state: 'completed' });
    expect(upsertJob([done], job({ state: 'running' }))[0]?.state).toBe('completed');
    expect(upsertJob([job({})], done)[0]?.state).toBe('completed');
    expect(upsertJob([done], job({ id: 'j2' })).map((j) => j.id)).toEqual(['j2', 'j1']);
  });

  it('merges lists without duplicates, first list wins', () => {
    expect(
      mergeLists([job({ state: 'running' })], [job({ state: 'queued' }), job({ id: 'j2' })]),
    ).toHaveLength(2);
  });

  it('filters by state, kind and environment', () => {
    const j = job({ envId: 'demo' });
    expect(matches(j, { state: 'running', kind: 'health.sweep', envId: 'demo' })).toBe(true);
    expect(matches(j, { state: 'failed', kind: undefined, envId: undefined })).toBe(false);
    expect(matches(j, { state: undefined, kind: undefined, envId: 'prod' })).toBe(false);
  });

  it('measures duration to finish, or to now while running', () => {
    const started = job({ startedAt: '2025-01-01T00:00:00.000Z' });
    expect(jobDurationMs(started, Date.parse('2025-01-01T00:00:05.000Z'))).toBe(5000);
    expect(jobDurationMs({ ...started, finishedAt: '2025-01-01T00:00:02.000Z' }, 0)).toBe(2000);
    expect(jobDurationMs(job({}), 0)).toBeUndefined();
  });

  it('summarises results in one line', () => {
    expect(resultSummary({ probed: 5, up: 4, nested: { x: 1 } })).toBe('probed: 5, up: 4');
    expect(resultSummary('ok')).toBe('ok');
    expect(resultSummary(undefined)).toBe('');
  });
});

describe('history paging and filters', () => {
  it('pages from one millisecond after the oldest shown, or strictly before it', () => {
    expect(nextPageBefore('2025-01-01T00:00:00.000Z')).toBe('2025-01-01T00:00:00.001Z');
    expect(nextPageBefore('2025-01-01T08:00:00.000+08:00', true)).toBe('2025-01-01T00:00:00.000Z');
  });

  it('filters by tenant and by who started it', () => {
    const j = job({ tenantId: 't1', actor: { type: 'schedule', name: 'Nightly' } });
    const f = { state: undefined, kind: undefined, envId: undefined };
    expect(matches(j, { ...f, tenantId: 't1', actorType: 'schedule' })).toBe(true);
    expect(matches(j, { ...f, tenantId: 't2' })).toBe(false);
    expect(matches(j, { ...f, actorType: 'user' })).toBe(false);
    expect(matches(j, { ...f, tenantId: '' })).toBe(true);
  });

  it('retries only failed or cancelled jobs', () => {
    expect(canRetry(job({ state: 'failed' }))).toBe(true);
    expect(canRetry(job({ state: 'cancelled' }))).toBe(true);
    expect(canRetry(job({ state: 'completed' }))).toBe(false);
  });
});
