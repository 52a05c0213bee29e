/** Shortest gap between two readings that still gives a meaningful rate. */
const MIN_ELAPSED_SEC = 0.05;

interface Reading {
  t: number;
  values: Readonly<Record<string, number>>;
}

/**
 * The change of a group of server counters between two readings. Everything is undefined on
 * the first reading, and a counter that went down (the server restarted, or FLUSH STATUS) gives
 * no delta for that reading.
 */
export class Deltas {
  constructor(
    private readonly prev: Reading | undefined,
    private readonly cur: Reading,
  ) {}

  /** Seconds between the readings. */
  get elapsedSec(): number | undefined {
    if (!this.prev) return undefined;
    const s = (this.cur.t - this.prev.t) / 1000;
    return s >= MIN_ELAPSED_SEC ? s : undefined;
  }

  /** The summed increase of the named counters. */
  delta(...names: string[]): number | undefined {
    if (!this.prev) return undefined;
    let sum = 0;
    for (const n of names) {
      const a = this.prev.values[n];
      const b = this.cur.values[n];
      if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b))
        return undefined;
      if (b < a) return undefined;
      sum += b - a;
    }
    return sum;
  }

  /** Per-second increase of the named counters (summed). */
  rate(...names: string[]): number | undefined {
    const d = this.delta(...names);
    const s = this.elapsedSec;
    return d === undefined || s === undefined ? undefined : d / s;
  }

  /** hits / (hits + misses) over the interval; undefined when there were none of either. */
  hitRatio(hits: string, misses: string): number | undefined {
    const h = this.delta(hits);
    const m = this.delta(misses);
    if (h === undefined || m === undefined || h + m === 0) return undefined;
    return h / (h + m);
  }
}

/**
 * The previous reading of each counter group of one connection, so a sweep can turn cumulative
 * server counters into rates. One instance per monitored connection.
 */
export class CounterState {
  private readonly readings = new Map<string, Reading>();

  /** Record a reading (t in ms) and return the change since the previous one of the same group. */
  next(group: string, t: number, values: Record<string, number>): Deltas {
    const prev = this.readings.get(group);
    const cur = { t, values };
    this.readings.set(group, cur);
    return new Deltas(prev, cur);
  }

  reset(): void {
    this.readings.clear();
  }
}

/** A number from a server's text counter ("12345", "ON"…); NaN when it is not one. */
export function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && v.trim() !== '') return Number(v);
  if (v && typeof v === 'object' && 'toNumber' in v && typeof v.toNumber === 'function')
    return Number((v as { toNumber(): number }).toNumber()); // BSON Long
  return Number.NaN;
}
