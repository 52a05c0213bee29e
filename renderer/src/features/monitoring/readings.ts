import type { ProbeStatus } from '@shared/models/health';
import type { ConnectionLatest, MetricPoint, SamplesEvent } from '@shared/monitoring';

/**
 * The last sweep of one connection, as a store card shows it. A failed sweep reads nothing, so
 * the numbers shown are those of the last sweep that worked, with their own time: the card greys
 * them with their age instead of passing them off as live.
 */
export interface StoreReading {
  /** Epoch ms of the last sweep, whether it worked or not. */
  at: number | undefined;
  points: MetricPoint[];
  /** Epoch ms of the sweep that read `points`. */
  pointsAt: number | undefined;
  /** Set when the last sweep failed. */
  error: { code: string; message: string } | undefined;
}

/** What `monitoring.latest` says: its samples are the last good sweep's, its error the last's. */
export function readingFromLatest(c: ConnectionLatest): StoreReading {
  return {
    at: c.lastSweep?.at,
    points: c.samples.map(({ metric, value, tags }) =>
      tags ? { metric, value, tags } : { metric, value },
    ),
    pointsAt: c.samples[0]?.at,
    error: c.lastSweep?.error,
  };
}

/** A sweep event on top of what was shown: a failed sweep keeps the last numbers and their time. */
export function readingFromEvent(prev: StoreReading | undefined, e: SamplesEvent): StoreReading {
  // The slow read (sizes, partitions) adds to the last sweep's numbers and says nothing of
  // whether the store answers: a failed one changes nothing shown.
  if (e.part === 'slow') {
    if (e.error || !prev)
      return prev ?? { at: undefined, points: [], pointsAt: undefined, error: undefined };
    const names = new Set(e.points.map((p) => p.metric));
    return { ...prev, points: [...prev.points.filter((p) => !names.has(p.metric)), ...e.points] };
  }
  if (e.error) {
    return { at: e.at, points: prev?.points ?? [], pointsAt: prev?.pointsAt, error: e.error };
  }
  return { at: e.at, points: e.points, pointsAt: e.at, error: undefined };
}

/** When the numbers shown were read, if they are not from the last sweep (it failed). */
export function staleSince(r: StoreReading | undefined): number | undefined {
  if (!r || r.points.length === 0 || r.pointsAt === undefined) return undefined;
  return r.error !== undefined || (r.at !== undefined && r.pointsAt < r.at)
    ? r.pointsAt
    : undefined;
}

const SEVERITY_ORDER: Record<ProbeStatus, number> = { down: 0, degraded: 1, unknown: 2, up: 3 };

/**
 * Stores worst first, as a DBA scans the Overview: down, degraded, not yet known, then up; a
 * store whose last sweep failed counts as degraded at least. Ties keep the environment's order.
 */
export function worstFirst<C extends { id: string }>(
  connections: readonly C[],
  statusOf: (c: C) => ProbeStatus,
  failing: (c: C) => boolean = () => false,
): C[] {
  const rank = (c: C): number => {
    const s = SEVERITY_ORDER[statusOf(c)];
    return failing(c) ? Math.min(s, SEVERITY_ORDER.degraded) : s;
  };
  return connections
    .map((c, i) => ({ c, i, r: rank(c) }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.c);
}
