import { CronExpressionParser } from 'cron-parser';

/** A tick is missed once it fell due this long ago without a run (busy workers, clock skew). */
export const DEADMAN_GRACE_MS = 15_000;
/** Ticks without a run before the schedule counts as missed: one late tick is not an outage. */
export const DEADMAN_TICKS = 2;
/** Counting stops here; the operator needs "many", not an exact figure. */
const MAX_COUNTED = 1000;

export interface Missed {
  /** The first tick that fell due with no run after it. */
  since: string;
  /** Ticks due since then, up to 1000. */
  ticks: number;
}

/**
 * The dead-man of one schedule: it has missed its ticks when it is enabled and, since its last
 * run (or since it was saved or resumed, whichever is later), at least two ticks fell due more
 * than the grace ago. Catches what no job failure reports: a scheduler Redis lost, every worker
 * gone, a chain of runs BullMQ broke.
 */
export function missedTicks(
  s: { cron: string; tz: string; enabled: boolean; updatedAt: string },
  lastRunAt: string | undefined,
  now = Date.now(),
): Missed | undefined {
  if (!s.enabled) return undefined;
  const after = Math.max(Date.parse(s.updatedAt), lastRunAt ? Date.parse(lastRunAt) : 0);
  const horizon = now - DEADMAN_GRACE_MS;
  if (!(after < horizon)) return undefined;
  const it = CronExpressionParser.parse(s.cron, { tz: s.tz, currentDate: new Date(after) });
  let first: number | undefined;
  let ticks = 0;
  while (ticks < MAX_COUNTED) {
    const t = it.next().getTime();
    if (t > horizon) break;
    first ??= t;
    ticks++;
  }
  return first !== undefined && ticks >= DEADMAN_TICKS
    ? { since: new Date(first).toISOString(), ticks }
    : undefined;
}
