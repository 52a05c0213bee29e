import { describe, expect, it } from 'vitest';
import { addSample, estimatedFinish, percent, type ProgressSample } from './progressRate';

const series = (...pts: Array<[number, number]>): ProgressSample[] =>
  pts.reduce<ProgressSample[]>((l, [at, done]) => addSample(l, { at, done }, 10), []);
const bare = (s: ProgressSample[]) => s.map(({ at, done }) => ({ at, done }));

describe('progress rate', () => {
  it('has no estimate until two points show progress', () => {
    expect(estimatedFinish(undefined, { done: 1, total: 10 })).toBeUndefined();
    expect(estimatedFinish(series([0, 1]), { done: 1, total: 10 })).toBeUndefined();
    // Same count twice: the first time is kept, still one point.
    expect(series([0, 1], [5000, 1])).toEqual([{ at: 0, done: 1 }]);
    // The first sample's time is when it was seen: its interval alone gives no estimate.
    expect(estimatedFinish(series([0, 2], [4000, 4]), { done: 4, total: 10 })).toBeUndefined();
  });

  it('projects the remaining steps at the observed rate from the last point', () => {
    // 2 steps in 4 s → 0.5 step/s; 6 steps left → 12 s after the last point.
    expect(estimatedFinish(series([0, 1], [1000, 2], [5000, 4]), { done: 4, total: 10 })).toBe(
      17_000,
    );
  });

  it('needs a total', () => {
    expect(estimatedFinish(series([0, 1], [1000, 2], [5000, 4]), { done: 4 })).toBeUndefined();
  });

  it('starts again when the count goes back (a retry resumed earlier)', () => {
    expect(bare(series([0, 5], [1000, 6], [2000, 2]))).toEqual([{ at: 2000, done: 2 }]);
  });

  it('keeps a bounded window so the estimate follows a change of pace', () => {
    const pts: Array<[number, number]> = [];
    for (let i = 0; i < 30; i++) pts.push([i * 1000, i]);
    const s = series(...pts);
    expect(s).toHaveLength(10);
    expect(bare(s)[0]).toEqual({ at: 20_000, done: 20 });
  });

  it('computes percent only with a total', () => {
    expect(percent({ done: 1, total: 3 })).toBe(33);
    expect(percent({ done: 5, total: 4 })).toBe(100);
    expect(percent({ done: 5 })).toBeUndefined();
    expect(percent({ done: 0, total: 0 })).toBeUndefined();
  });
});
