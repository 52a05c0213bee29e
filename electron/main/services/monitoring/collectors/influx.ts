import { isKeelError } from '../../../../../shared/errors';
import type { InfluxQlResult, InfluxStore } from '../../../stores/influx.store';
import { num } from '../counters';
import { Points, tagValue, type CollectContext } from './types';

type Series = NonNullable<InfluxQlResult['series']>[number];

/** Sum a column over the rows of every series of a statement (e.g. several httpd listeners). */
function sum(series: Series[] | undefined, column: string): number {
  let total = 0;
  for (const s of series ?? []) {
    const i = s.columns.indexOf(column);
    if (i < 0) continue;
    for (const row of s.values) total += num(row[i]);
  }
  return total;
}

/**
 * InfluxDB: reachability and round trip from `/ping` (a down server gives `influx.up` 0 and a
 * failed sweep), and from InfluxDB 1.x's in-memory `SHOW STATS` the write errors and each
 * database's series cardinality, in one request. InfluxDB 2 and 3 do not serve SHOW STATS.
 */
export async function collectInflux(
  store: InfluxStore,
  ctx: CollectContext,
): Promise<Points['list']> {
  const p = new Points();
  let latencyMs: number;
  try {
    ({ latencyMs } = await store.probe('primary', ctx.call));
  } catch (e) {
    // The point charts the outage; the sweep still counts as failed (the store-down rule).
    p.add('influx.up', 0);
    ctx.skip('stats', `not reachable: ${(e as Error).message}`);
    ctx.unreachable?.(e);
    return p.list;
  }
  p.add('influx.up', 1);
  p.add('influx.ping_ms', latencyMs);

  const server = await store.detect(ctx.call);
  if (server.major !== 1) {
    ctx.skip('stats', `InfluxDB ${server.version} does not report SHOW STATS`);
    return p.list;
  }
  let results: InfluxQlResult[];
  try {
    results = await store.query(
      "SHOW STATS FOR 'write'; SHOW STATS FOR 'httpd'; SHOW STATS FOR 'database'",
      {},
      ctx.call,
    );
  } catch (e) {
    // SHOW STATS needs an admin user where authentication is on.
    if (!(isKeelError(e) && (e.code === 'PERMISSION_DENIED' || e.code === 'AUTH_FAILED'))) throw e;
    ctx.skip('stats', e.message);
    return p.list;
  }
  const [write, httpd, dbs] = results;
  const failed = [write, httpd, dbs].find((r) => r?.error);
  if (failed?.error) {
    ctx.skip('stats', failed.error);
    return p.list;
  }
  const t = Date.now();
  const d = ctx.counters.next('influx.stats', t, {
    writeErrors:
      sum(write?.series, 'writeError') +
      sum(write?.series, 'writeDrop') +
      sum(write?.series, 'writeTimeout'),
    pointsFailed:
      sum(httpd?.series, 'pointsWrittenFail') + sum(httpd?.series, 'pointsWrittenDropped'),
  });
  p.add('influx.write_errors_per_sec', d.rate('writeErrors'));
  p.add('influx.points_failed_per_sec', d.rate('pointsFailed'));
  for (const s of dbs?.series ?? []) {
    const database = tagValue(s.tags?.database);
    const i = s.columns.indexOf('numSeries');
    if (database && i >= 0) p.add('influx.series', num(s.values[0]?.[i]), { database });
  }
  return p.list;
}
