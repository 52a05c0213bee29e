import { describe, expect, it } from 'vitest';
import { track, type ConnTrack } from '../../electron/main/services/alerts/evaluator';
import { runFailed } from '../../electron/main/services/partitions/metrics';
import type { JobRecord } from '../../shared/jobs';

describe('partition metrics in the alert evaluator', () => {
  it('derived partition figures neither mark a store up nor keep its dead-man quiet', () => {
    const t: ConnTrack = { kind: 'mysql', firstSeen: 0, values: new Map() };
    track(t, {
      envId: 'e',
      connectionId: 'core',
      kind: 'mysql',
      at: 1000,
      durationMs: 0,
      part: 'partitions',
      points: [{ metric: 'mysql.partition_runway_days', value: 3, tags: { table: 'x' } }],
      omitted: 0,
    });
    expect(t.up).toBeUndefined();
    expect(t.lastDataAt).toBeUndefined();
    expect([...t.values.values()].map((v) => v.value)).toEqual([3]);
  });

  it('a run failed when the job failed or completed with tables failed', () => {
    const rec = (state: JobRecord['state'], failed?: number): JobRecord => ({
      id: 'j',
      kind: 'partitions.apply',
      state,
      payload: {},
      actor: { type: 'schedule', name: 's' },
      attempts: 1,
      createdAt: new Date(0).toISOString(),
      progress: { done: 0 },
      log: [],
      ...(failed !== undefined && {
        result: { tables: [], applied: 0, failed, refused: 0, unread: [] },
      }),
    });
    expect(runFailed(undefined)).toBeUndefined();
    expect(runFailed(rec('failed'))).toBe(1);
    expect(runFailed(rec('completed', 2))).toBe(1);
    expect(runFailed(rec('completed', 0))).toBe(0);
    expect(runFailed(rec('running'))).toBeUndefined();
  });
});
