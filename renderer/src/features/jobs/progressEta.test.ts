import { describe, expect, it } from 'vitest';
import { addSample, estimatedFinish, type ProgressSample } from './progressRate';

/**
 * A job of `total` steps, one every `stepMs` (± `jitter`), watched from `openedAt`: the page's first
 * sample is the record it loaded (its time is when it was seen, not when the step was made), then
 * one sample per progress event. Returns the ETA (ms left) shown right after each event.
 */
function etas(total: number, stepMs: number, openedAt: number, jitter: number[] = []): number[] {
  let samples: ProgressSample[] = [];
  const out: number[] = [];
  const doneAt = (t: number): number => Math.min(total, Math.floor(t / stepMs));
  samples = addSample(samples, { at: openedAt, done: doneAt(openedAt) }, total);
  for (let k = doneAt(openedAt) + 1; k < total; k++) {
    const at = k * stepMs + (jitter[k % Math.max(1, jitter.length)] ?? 0);
    samples = addSample(samples, { at, done: k }, total);
    const finish = estimatedFinish(samples, { done: k, total });
    if (finish !== undefined) out.push(finish - at);
  }
  return out;
}

const rises = (xs: number[]): Array<[number, number]> =>
  xs.flatMap((x, i) => (i > 0 && x > xs[i - 1]! ? [[xs[i - 1]!, x] as [number, number]] : []));

describe('job ETA', () => {
  it('never rises while progress advances at a steady rate, even when the page opened mid-step', () => {
    // A 5-minute watch: 30 probes, one every 10 s, page opened 9.5 s into the 6th.
    const shown = etas(30, 10_000, 59_500);
    expect(shown.length).toBeGreaterThan(10);
    expect(rises(shown)).toEqual([]);
    // And it is right: after the 10th probe 20 (200 s) are left, after the 29th one (10 s).
    expect(shown[shown.length - 20]).toBe(200_000);
    expect(shown.at(-1)).toBe(10_000);
  });

  it('does not jump back on the jitter of event delivery', () => {
    const shown = etas(60, 5000, 0, [0, 300, -250, 150, -100, 400, -300]);
    expect(rises(shown)).toEqual([]);
  });

  it('rises when the job really slows down', () => {
    let s: ProgressSample[] = [];
    for (let k = 0; k <= 10; k++) s = addSample(s, { at: k * 1000, done: k }, 40);
    const before = estimatedFinish(s, { done: 10, total: 40 })! - 10_000;
    // Now one step every 4 s.
    for (let k = 11; k <= 16; k++) s = addSample(s, { at: 10_000 + (k - 10) * 4000, done: k }, 40);
    const after = estimatedFinish(s, { done: 16, total: 40 })! - 34_000;
    expect(after).toBeGreaterThan(before * 2);
  });
});
