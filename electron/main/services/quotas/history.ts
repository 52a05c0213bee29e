import type { Dimension, UsageHistory, Utilisation } from '../../../../shared/quotas';
import { dimensionSchema } from '../../../../shared/quotas';
import type { InfluxStore } from '../../stores/influx.store';
import { quoteIdent } from '../../stores/influx.store';
import { toLine } from '../monitoring/line-protocol';

/** The measurement of the usage history in the environment's metrics database. */
export const USAGE_MEASUREMENT = 'keel.usage';
const LINES_PER_WRITE = 5000;

/**
 * One point per tenant and dimension per pass: `keel.usage,env=…,tenant=…,dimension=…
 * value=…,limit=…,ratio=…` (limit and ratio absent when unlimited or unknown; unknown usage is
 * not written, so a gap shows what was not measured).
 */
export async function writeHistory(
  influx: InfluxStore,
  database: string,
  envId: string,
  at: Date,
  rows: Array<{ tenantId: string; util: readonly Utilisation[] }>,
  signal: AbortSignal,
): Promise<number> {
  const ns = `${BigInt(at.getTime()) * 1_000_000n}`;
  const lines: string[] = [];
  for (const r of rows) {
    for (const u of r.util) {
      if (u.usage.method === 'unknown') continue;
      const fields: Record<string, number> = { value: u.usage.value, error: u.usage.error };
      if (u.limit !== null) fields.limit = u.limit;
      if (u.ratio !== null) fields.ratio = u.ratio;
      const line = toLine(
        USAGE_MEASUREMENT,
        { env: envId, tenant: r.tenantId, dimension: u.dimension },
        fields,
        ns,
      );
      if (line) lines.push(line);
    }
  }
  for (let i = 0; i < lines.length; i += LINES_PER_WRITE) {
    await influx.writeLines({ db: database }, lines.slice(i, i + LINES_PER_WRITE), {
      signal,
      timeoutMs: 60_000,
    });
  }
  return lines.length;
}

const quoteValue = (v: string): string => `'${v.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;

/**
 * Daily usage over the last `days`: a tenant's daily maximum per dimension, or (no tenant) the
 * sum over tenants of their daily maxima.
 */
export async function readHistory(
  influx: InfluxStore,
  database: string,
  envId: string,
  tenantId: string | undefined,
  days: number,
  signal: AbortSignal,
): Promise<UsageHistory['points']> {
  const m = `${quoteIdent(database)}..${quoteIdent(USAGE_MEASUREMENT)}`;
  const where = `env = ${quoteValue(envId)}${tenantId ? ` AND tenant = ${quoteValue(tenantId)}` : ''} AND time > now() - ${days}d`;
  const q = tenantId
    ? `SELECT max(value) AS usage, max(ratio) AS ratio FROM ${m} WHERE ${where} GROUP BY time(1d), dimension fill(none)`
    : `SELECT sum(usage) AS usage FROM (SELECT max(value) AS usage FROM ${m} WHERE ${where} GROUP BY time(1d), tenant, dimension fill(none)) GROUP BY time(1d), dimension fill(none)`;
  const [r] = await influx.query(q, { epoch: 'ms' }, { signal, timeoutMs: 60_000 });
  if (r?.error) throw new Error(r.error);
  const out: UsageHistory['points'] = [];
  for (const s of r?.series ?? []) {
    const dim = dimensionSchema.safeParse(s.tags?.dimension);
    if (!dim.success) continue;
    const iu = s.columns.indexOf('usage');
    const ir = s.columns.indexOf('ratio');
    for (const row of s.values) {
      if (row[iu] === null || row[iu] === undefined) continue;
      out.push({
        day: new Date(Number(row[0])).toISOString().slice(0, 10),
        dimension: dim.data as Dimension,
        usage: Number(row[iu]),
        ratio: ir >= 0 && row[ir] !== null ? Number(row[ir]) : null,
      });
    }
  }
  return out.sort((a, b) => a.day.localeCompare(b.day) || a.dimension.localeCompare(b.dimension));
}
