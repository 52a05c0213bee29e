import type { Measure, PassCost } from '../../../../shared/quotas';

/** Per-tenant figures one meter contributes to a pass; merged by `merge`. */
export const FIGURES = [
  'mysqlBytes',
  'mongoBytes',
  'redisBytes',
  'influxBytes',
  'apiCalls',
  'aiTokens',
  'users',
  'services',
  'redisKeys',
  'influxSeries',
  'influxPoints',
  'mongoDocuments',
  'mysqlRows',
  /** API calls from usage_stats rows (used where Redis counters are missing). */
  'platformApiCalls',
  /** Today's API calls (the day's Redis counter): Keel's daily usage_stats row. */
  'apiCallsToday',
] as const;
export type FigureName = (typeof FIGURES)[number];

export type Tally = Partial<Record<FigureName, Measure>>;

/** What one meter measured in a pass: figures per tenant, and what it cost each store. */
export interface MeterResult {
  tallies: Map<string, Tally>;
  costs: PassCost[];
}

const WORST: Record<Measure['method'], number> = { exact: 0, estimate: 1, unknown: 2 };

export const exact = (value: number): Measure => ({ value, method: 'exact', error: 0 });
export const estimate = (value: number, error: number): Measure => ({
  value: Math.max(0, value),
  method: 'estimate',
  error: Math.max(0, error),
});
export const UNKNOWN: Measure = { value: 0, method: 'unknown', error: 0 };

/** Sum two figures: values and error bounds add, the method is the less certain one. */
export function add(a: Measure | undefined, b: Measure): Measure {
  if (!a) return b;
  return {
    value: a.value + b.value,
    error: a.error + b.error,
    method: WORST[a.method] >= WORST[b.method] ? a.method : b.method,
  };
}

/** Add a figure to a tenant's tally. */
export function put(
  tallies: Map<string, Tally>,
  tenantId: string,
  f: FigureName,
  m: Measure,
): void {
  let t = tallies.get(tenantId);
  if (!t) tallies.set(tenantId, (t = {}));
  t[f] = add(t[f], m);
}

/** Merge meters' tallies (a tenant measured by several stores gets the sums). */
export function merge(results: MeterResult[]): MeterResult {
  const tallies = new Map<string, Tally>();
  const costs: PassCost[] = [];
  for (const r of results) {
    costs.push(...r.costs);
    for (const [id, t] of r.tallies) {
      for (const [f, m] of Object.entries(t) as Array<[FigureName, Measure]>)
        put(tallies, id, f, m);
    }
  }
  return { tallies, costs };
}

/** A meter's cost line, timed from `t0` (performance.now()). */
export function cost(
  store: string,
  connectionId: string,
  queries: number,
  t0: number,
  method: string,
  error?: string,
): PassCost {
  return {
    store,
    connectionId,
    queries,
    durationMs: Math.round((performance.now() - t0) * 10) / 10,
    method,
    ...(error !== undefined && { error }),
  };
}

export const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));
