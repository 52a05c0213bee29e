/** Pure formatting helpers; the translated unit labels come from `useFormat`. */

export type DurationUnit = 'd' | 'h' | 'm' | 's';

const UNIT_SECONDS: ReadonlyArray<readonly [DurationUnit, number]> = [
  ['d', 86_400],
  ['h', 3_600],
  ['m', 60],
  ['s', 1],
];

/** The two largest non-zero units of a duration: 90061 s → [[d,1],[h,1]]. */
export function durationParts(totalSec: number, maxParts = 2): Array<[DurationUnit, number]> {
  let rest = Math.max(0, Math.floor(totalSec));
  const parts: Array<[DurationUnit, number]> = [];
  for (const [unit, size] of UNIT_SECONDS) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0 || (unit === 's' && parts.length === 0)) parts.push([unit, n]);
    if (parts.length === maxParts) break;
  }
  return parts;
}

/** Latency with one decimal below 10 ms, whole milliseconds above. */
export function roundLatency(ms: number): number {
  return ms < 10 ? Math.round(ms * 10) / 10 : Math.round(ms);
}

/**
 * Pick the largest sensible unit for a relative time. Days are calendar days in local time
 * (Tuesday 23:00 → Thursday 01:00 is "in 2 days", not 26 hours rounded to "tomorrow").
 */
export function relativeParts(
  fromMs: number,
  nowMs: number,
): [number, 'second' | 'minute' | 'hour' | 'day'] {
  const sec = Math.round((fromMs - nowMs) / 1000);
  const abs = Math.abs(sec);
  if (abs < 60) return [sec, 'second'];
  if (abs < 3600) return [Math.round(sec / 60), 'minute'];
  if (abs < 86_400) return [Math.round(sec / 3600), 'hour'];
  return [calendarDays(fromMs, nowMs), 'day'];
}

/** Local midnights between two moments (rounded: a DST day is 23 or 25 hours). */
function calendarDays(fromMs: number, nowMs: number): number {
  const midnight = (ms: number): number => {
    const d = new Date(ms);
    return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  };
  return Math.round((midnight(fromMs) - midnight(nowMs)) / 86_400_000);
}

/**
 * A relative time for something that has already happened: never in the future. A server's
 * timestamp can be ahead of the page's clock tick (a probe just run, a skewed server clock); it
 * reads "now", not "in 2 seconds".
 */
export function agoParts(fromMs: number, nowMs: number): ReturnType<typeof relativeParts> {
  return relativeParts(Math.min(fromMs, nowMs), nowMs);
}

/** `a` − `b` of two ISO dates in ms, or undefined when either is missing. */
export function isoDiffMs(a: string | undefined, b: string | undefined): number | undefined {
  if (a === undefined || b === undefined) return undefined;
  return Date.parse(a) - Date.parse(b);
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** `2025-03-04 09:05:07` in local time: unambiguous in every language, sortable, what ops people paste. */
export function isoLocal(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${timeLocal(d)}`;
}

/** `09:05:07` in local time, 24-hour. */
export function timeLocal(d: Date): string {
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
