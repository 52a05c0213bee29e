/**
 * Per-tenant row estimates of a shared table without scanning it, for the primary.
 *
 * The blueprint's tables have random UUID primary keys (seed 001: VARCHAR(36) ids). The pass
 * reads `runs` short primary-key ranges (`WHERE id >= start ORDER BY id LIMIT rows`) at evenly
 * spaced starts with a random offset, so each run enumerates every row of a known slice of the
 * key space. Rows are then a Poisson process over that space: a tenant with k rows in the covered
 * fraction c has about k / c rows, with a 95 % bound of 1.96·√max(k, 3) / c (the rule of three
 * for tenants not seen). Cost: about runs × rows index reads per table, whatever its size.
 */

/** Position of an id in the UUID key space [0, 1): its first 8 hex digits. */
export function keyPosition(id: string): number | undefined {
  if (!/^[0-9a-f]{8}-?[0-9a-f]{4}/i.test(id)) return undefined;
  return Number.parseInt(id.slice(0, 8), 16) / 2 ** 32;
}

/** The start of each run as an id prefix (8 lower-case hex digits). */
export function runStarts(runs: number, offset = Math.random()): string[] {
  return Array.from({ length: runs }, (_, i) =>
    Math.floor(((i + offset) / runs) * 2 ** 32)
      .toString(16)
      .padStart(8, '0'),
  );
}

export interface SampledRow {
  run: number;
  id: string;
  tenant: string;
}

export interface SampleEstimate {
  /** Fraction of the key space whose rows were all read. */
  covered: number;
  /** Rows read (after clipping overlapping runs). */
  rows: number;
  byTenant: Map<string, { rows: number; error: number }>;
  /** Rows of the whole table, estimated the same way. */
  total: { rows: number; error: number };
}

/**
 * Turn the rows of the runs into estimates. Run i covers [start_i, position of its last row]
 * when it returned `limit` rows, else [start_i, 1); a run reaching past the next start is cut
 * there (that part is the next run's), so no row counts twice. Returns undefined when an id is
 * not a UUID (the table cannot be sampled this way).
 */
export function estimateFromRuns(
  starts: string[],
  limit: number,
  rows: SampledRow[],
): SampleEstimate | undefined {
  const pos = starts.map((s) => Number.parseInt(s, 16) / 2 ** 32);
  const perRun: SampledRow[][] = starts.map(() => []);
  for (const r of rows) perRun[r.run]?.push(r);
  let covered = 0;
  const counted = new Map<string, number>();
  let n = 0;
  for (let i = 0; i < starts.length; i++) {
    const start = pos[i] ?? 0;
    const next = i + 1 < pos.length ? (pos[i + 1] ?? 1) : 1;
    const got = perRun[i] ?? [];
    let end = 1;
    if (got.length >= limit) {
      const last = keyPosition(got[got.length - 1]?.id ?? '');
      if (last === undefined) return undefined;
      end = last;
    }
    // A run that reached past the next start is cut there: those rows are the next run's.
    const cut = end > next;
    if (cut) end = next;
    for (const r of got) {
      const p = keyPosition(r.id);
      if (p === undefined) return undefined;
      if (cut && p >= next) continue;
      counted.set(r.tenant, (counted.get(r.tenant) ?? 0) + 1);
      n++;
    }
    covered += Math.max(0, end - start);
  }
  // Rows before the first start belong to the last run's stratum: the offset makes it a slice
  // the runs never read, so the estimate extrapolates over it like over every other gap.
  if (covered <= 0) return undefined;
  const byTenant = new Map<string, { rows: number; error: number }>();
  for (const [t, k] of counted) {
    byTenant.set(t, { rows: k / covered, error: (1.96 * Math.sqrt(Math.max(k, 3))) / covered });
  }
  return {
    covered,
    rows: n,
    byTenant,
    total: { rows: n / covered, error: (1.96 * Math.sqrt(Math.max(n, 3))) / covered },
  };
}

/** The bound for a tenant the sample did not see: fewer than 3 / c rows, 95 % of the time. */
export const unseenError = (covered: number): number => 3 / covered;
