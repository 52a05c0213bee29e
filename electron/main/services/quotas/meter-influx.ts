import type { InfluxQlResult, InfluxStore } from '../../stores/influx.store';
import { quoteIdent } from '../../stores/influx.store';
import { cost, exact, messageOf, put, UNKNOWN, type MeterResult } from './tally';

export interface InfluxTarget {
  connectionId: string;
  store: InfluxStore;
  /** Tenant id → its database / bucket. */
  buckets: Map<string, string>;
}

/** Statements per request of the points count (InfluxQL takes several, `;`-separated). */
const STATEMENTS_PER_REQUEST = 2000;

type Series = NonNullable<InfluxQlResult['series']>[number];
const field = (s: Series, name: string, row: unknown[]): number => {
  const i = s.columns.indexOf(name);
  return i < 0 ? 0 : Number(row[i] ?? 0);
};

/**
 * Series, points and disk bytes of every tenant's InfluxDB database. Series and bytes from one
 * `SHOW STATS` (the `database` and `shard` / `tsm1_wal` modules, tagged by database); points
 * from `SELECT COUNT(*)` of each database, many statements to a request. 1.x only: on 2.x the
 * figures are unknown (no SHOW STATS), said in the cost line.
 */
export async function meterInflux(t: InfluxTarget, signal: AbortSignal): Promise<MeterResult> {
  const t0 = performance.now();
  const tallies: MeterResult['tallies'] = new Map();
  let queries = 0;
  const opts = { signal, timeoutMs: 120_000 };
  const tenantOfDb = new Map([...t.buckets].map(([id, db]) => [db, id]));
  try {
    const server = await t.store.detect(opts);
    if (server.v2Buckets)
      throw new Error('InfluxDB 2.x has no SHOW STATS: series and sizes unknown');
    const [stats] = await t.store.query('SHOW STATS', {}, opts);
    queries++;
    if (stats?.error) throw new Error(stats.error);
    const series = new Map<string, number>();
    const bytes = new Map<string, number>();
    for (const s of stats?.series ?? []) {
      const db = s.tags?.database;
      if (!db || !tenantOfDb.has(db)) continue;
      for (const row of s.values) {
        if (s.name === 'database') series.set(db, field(s, 'numSeries', row));
        if (s.name === 'shard') bytes.set(db, (bytes.get(db) ?? 0) + field(s, 'diskBytes', row));
        if (s.name === 'tsm1_wal') {
          const wal =
            field(s, 'currentSegmentDiskBytes', row) + field(s, 'oldSegmentsDiskBytes', row);
          bytes.set(db, (bytes.get(db) ?? 0) + wal);
        }
      }
    }
    const dbs = [...tenantOfDb.keys()];
    const points = new Map<string, number>();
    for (let i = 0; i < dbs.length; i += STATEMENTS_PER_REQUEST) {
      signal.throwIfAborted();
      const chunk = dbs.slice(i, i + STATEMENTS_PER_REQUEST);
      const q = chunk.map((db) => `SELECT COUNT(*) FROM ${quoteIdent(db)}../.*/`).join('; ');
      const results = await t.store.query(q, { epoch: 'ms' }, opts);
      queries++;
      results.forEach((r, j) => {
        const db = chunk[j];
        if (!db || r.error) return;
        // One row per measurement with count_<field>: a point counts once (its fullest field).
        let n = 0;
        for (const s of r.series ?? []) {
          for (const row of s.values) {
            n += Math.max(0, ...row.slice(1).map((v) => Number(v ?? 0)));
          }
        }
        points.set(db, n);
      });
    }
    for (const [db, id] of tenantOfDb) {
      put(tallies, id, 'influxSeries', exact(series.get(db) ?? 0));
      put(tallies, id, 'influxBytes', exact(bytes.get(db) ?? 0));
      put(tallies, id, 'influxPoints', exact(points.get(db) ?? 0));
    }
    return {
      tallies,
      costs: [cost('influxdb', t.connectionId, queries, t0, 'SHOW STATS + COUNT(*) per database')],
    };
  } catch (e) {
    signal.throwIfAborted();
    for (const id of t.buckets.keys()) {
      for (const f of ['influxSeries', 'influxBytes', 'influxPoints'] as const)
        put(tallies, id, f, UNKNOWN);
    }
    return {
      tallies,
      costs: [cost('influxdb', t.connectionId, queries, t0, 'SHOW STATS', messageOf(e))],
    };
  }
}
