import type { JobProgress } from '@shared/jobs';

/** When a job's `done` count was first seen at a value (client clock, ms). */
export interface ProgressSample {
  at: number;
  done: number;
  /** The smoothed rate (steps per ms) up to this sample. */
  rate?: number;
  /** The finish (epoch ms) estimated at this sample. */
  finish?: number;
}

/** Samples kept per job: the estimate rides on the last one, older ones are for inspection. */
const WINDOW = 10;
/** Weight of the newest interval in the smoothed rate. */
const ALPHA = 0.3;
/** A later estimate is taken only when it is later by more than this share of the time left. */
const RISE_TOLERANCE = 0.2;

/**
 * Add what a progress event (or a fresh record) says, with the estimate it gives. A repeated
 * `done` keeps its first time, so a message-only update does not look like a stall followed by a
 * burst; a lower `done` (the job was retried or resumed from an earlier point) starts the series
 * again.
 *
 * The estimate: an exponentially weighted rate of the intervals between samples, carried from
 * sample to sample. The first sample's interval is left out (its time is when the page first saw
 * that count, e.g. a record loaded mid-step, not when it was reached: it would make the first
 * estimate too short and the next one jump up). A finish later than the one shown is taken at
 * once only when later by more than a fifth of the time left (the job really slowed down); the
 * jitter of event delivery never makes the time left rise.
 */
export function addSample(
  list: readonly ProgressSample[] | undefined,
  s: ProgressSample,
  total?: number,
): ProgressSample[] {
  const prev = list ?? [];
  const last = prev[prev.length - 1];
  if (last !== undefined && s.done === last.done) return prev as ProgressSample[];
  if (last === undefined || s.done < last.done) return [{ at: s.at, done: s.done }];
  const next: ProgressSample = { at: s.at, done: s.done };
  const dt = s.at - last.at;
  if (prev.length >= 2 && dt > 0) {
    const r = (s.done - last.done) / dt;
    next.rate = last.rate === undefined ? r : ALPHA * r + (1 - ALPHA) * last.rate;
    if (total) {
      const finish = s.at + Math.max(0, total - s.done) / next.rate;
      const shown = last.finish;
      const slowedDown = shown !== undefined && finish - shown > RISE_TOLERANCE * (shown - s.at);
      // Otherwise a later estimate moves the finish by at most the time that passed: the time
      // left stays level at worst, and an early guess that was too short is caught up smoothly.
      next.finish = Math.round(
        shown === undefined || slowedDown ? finish : Math.min(finish, shown + dt),
      );
    }
  } else if (last.rate !== undefined) {
    next.rate = last.rate;
  }
  return [...prev, next].slice(-WINDOW);
}

/**
 * When the job should finish (epoch ms), as estimated at its last sample. Undefined until two
 * intervals after the first sample show progress, or without a total.
 */
export function estimatedFinish(
  samples: readonly ProgressSample[] | undefined,
  progress: JobProgress,
): number | undefined {
  if (!progress.total) return undefined;
  return samples?.[samples.length - 1]?.finish;
}

/** Percent done when the total is known. */
export function percent(p: JobProgress): number | undefined {
  if (!p.total) return undefined;
  return Math.min(100, Math.floor((p.done / p.total) * 100));
}
