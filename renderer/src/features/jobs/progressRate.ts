import type { JobProgress } from '@shared/jobs';

/** When a job's `done` count was first seen at a value (client clock, ms). */
export interface ProgressSample {
  at: number;
  done: number;
}

/** Samples kept per job: enough to smooth jitter, few enough to follow a change of pace. */
const WINDOW = 10;

/**
 * Add what a progress event (or a fresh record) says. A repeated `done` keeps its first time, so a
 * message-only update does not look like a stall followed by a burst; a lower `done` (the job was
 * retried or resumed from an earlier point) starts the series again.
 */
export function addSample(
  list: readonly ProgressSample[] | undefined,
  s: ProgressSample,
): ProgressSample[] {
  const prev = list ?? [];
  const last = prev[prev.length - 1];
  if (last !== undefined && s.done === last.done) return prev as ProgressSample[];
  if (last !== undefined && s.done < last.done) return [s];
  return [...prev, s].slice(-WINDOW);
}

/**
 * When the job should finish (epoch ms) at the rate seen over the window, counted from the last
 * sample. Undefined until there are two points with progress between them, or without a total.
 */
export function estimatedFinish(
  samples: readonly ProgressSample[] | undefined,
  progress: JobProgress,
): number | undefined {
  if (!samples || samples.length < 2 || !progress.total) return undefined;
  const first = samples[0] as ProgressSample;
  const last = samples[samples.length - 1] as ProgressSample;
  const dt = last.at - first.at;
  const dd = last.done - first.done;
  if (dt <= 0 || dd <= 0) return undefined;
  const remaining = Math.max(0, progress.total - Math.max(progress.done, last.done));
  return last.at + remaining / (dd / dt);
}

/** Percent done when the total is known. */
export function percent(p: JobProgress): number | undefined {
  if (!p.total) return undefined;
  return Math.min(100, Math.floor((p.done / p.total) * 100));
}
