import type { Logger } from 'pino';
import type { JobRecord } from '../../../../shared/jobs';
import type { MetricName, Sample } from '../../../../shared/monitoring';
import { METRICS } from '../../../../shared/monitoring';
import type {
  PartitionsApplyResult,
  PartitionsList,
  PartitionsPlan,
} from '../../../../shared/partitions';
import type { Disposable } from '../../lib/disposables';

/**
 * Partition figures for the metrics history and the alert rules: per connection and blueprint
 * table, over every schema (shared databases, dedicated tenant schemas) on it — the shortest
 * runway, the most intervals missing ahead, the rows in MAXVALUE partitions, the most partitions —
 * plus whether the latest maintenance run failed and how many scheduled runs were missed.
 *
 * Bounds come from partition maintenance's discovery (one information_schema read per server:
 * InnoDB's statistics have the rows but not the bounds), refreshed every `refreshMs` (10 min by
 * default) and after each maintenance run. Between refreshes the runway is recomputed from the
 * bounds read against the clock on every monitoring interval, so it is right as long as the
 * layout is unchanged; the MAXVALUE rows are the estimate of the last refresh. Series are per
 * table name, not per schema: 10,000 dedicated schemas stay a handful of series per connection;
 * the Partitions page shows each schema.
 */

const DAY_MS = 86_400_000;

interface TableFigures {
  /** Latest end of a bounded partition, the earliest over the schemas (epoch ms). */
  endMs: number | null;
  missing: number | null;
  maxvalueRows: number;
  count: number;
}

interface EnvFigures {
  tables: Map<string, Map<string, TableFigures>>;
  catalogId: string;
  failed: number | undefined;
  missed: number | undefined;
}

/** Discovery + plan → figures per connection and table (pure). */
export function figuresOf(
  list: PartitionsList,
  plan: PartitionsPlan,
): Map<string, Map<string, TableFigures>> {
  const out = new Map<string, Map<string, TableFigures>>();
  const missing = new Map(
    plan.plans.map((p) => [
      `${p.connectionId}/${p.schema}.${p.table}`,
      p.status === 'refused' && p.add.length === 0 ? null : p.add.length,
    ]),
  );
  for (const t of list.tables) {
    const ends = t.partitions.flatMap((p) => (p.lessThan ? [Date.parse(p.lessThan)] : []));
    const end = ends.length ? Math.max(...ends) : null;
    const m = missing.get(`${t.connectionId}/${t.schema}.${t.table}`) ?? null;
    const conn = out.get(t.connectionId) ?? new Map<string, TableFigures>();
    out.set(t.connectionId, conn);
    const had = conn.get(t.table);
    if (!had) {
      conn.set(t.table, {
        endMs: end,
        missing: m,
        maxvalueRows: t.maxvalueRows ?? 0,
        count: t.partitions.length,
      });
      continue;
    }
    had.endMs = had.endMs === null || end === null ? null : Math.min(had.endMs, end);
    had.missing = had.missing === null || m === null ? null : Math.max(had.missing, m);
    had.maxvalueRows += t.maxvalueRows ?? 0;
    had.count = Math.max(had.count, t.partitions.length);
  }
  return out;
}

/** Whether a maintenance run failed: the job failed, or it completed with tables failed. */
export function runFailed(rec: JobRecord | undefined): number | undefined {
  if (!rec) return undefined;
  if (rec.state === 'failed') return 1;
  if (rec.state !== 'completed') return undefined;
  return ((rec.result as PartitionsApplyResult | undefined)?.failed ?? 0) > 0 ? 1 : 0;
}

export interface PartitionMetricsDeps {
  envIds(): Promise<string[]>;
  survey(envId: string): Promise<{ list: PartitionsList; plan: PartitionsPlan; catalogId: string }>;
  /** The latest finished partitions.apply run of the environment. */
  lastRun(envId: string): Promise<JobRecord | undefined>;
  /** Missed ticks of the environment's maintenance schedule (0: on time; undefined: none). */
  missed(envId: string): Promise<number | undefined>;
  ingest(envId: string, connectionId: string, samples: Sample[]): void;
  logger: Logger;
  refreshMs: number;
  intervalMs: number;
  now?: () => number;
}

export class PartitionMetrics implements Disposable {
  private readonly figures = new Map<string, EnvFigures>();
  private readonly timers: Array<ReturnType<typeof setInterval>> = [];
  private readonly refreshing = new Map<string, Promise<void>>();
  private readonly owned: Disposable[] = [];

  constructor(private readonly d: PartitionMetricsDeps) {}

  /** Dispose `d` with this (a subscription that refreshes it). */
  own(d: Disposable): void {
    this.owned.push(d);
  }

  private now(): number {
    return this.d.now?.() ?? Date.now();
  }

  start(): void {
    if (this.timers.length) return;
    const every = (ms: number, fn: () => Promise<void> | void): void => {
      const t = setInterval(() => void fn(), ms);
      t.unref?.();
      this.timers.push(t);
    };
    void this.refreshAll();
    every(this.d.refreshMs, () => this.refreshAll());
    every(this.d.intervalMs, async () => {
      for (const envId of this.figures.keys()) this.publish(envId);
    });
  }

  async refreshAll(): Promise<void> {
    const ids = await this.d.envIds().catch(() => []);
    await Promise.all(ids.map((id) => this.refresh(id)));
  }

  /** Read the environment's partitions again (joins a refresh already running), then publish. */
  refresh(envId: string): Promise<void> {
    const running = this.refreshing.get(envId);
    if (running) return running;
    const p = this.read(envId).finally(() => this.refreshing.delete(envId));
    this.refreshing.set(envId, p);
    return p;
  }

  private async read(envId: string): Promise<void> {
    try {
      const { list, plan, catalogId } = await this.d.survey(envId);
      if (list.tables.length === 0 && list.servers.every((s) => !s.error)) {
        this.figures.delete(envId);
        return;
      }
      const [failed, missed] = await Promise.all([
        this.d
          .lastRun(envId)
          .then(runFailed)
          .catch(() => undefined),
        this.d.missed(envId).catch(() => undefined),
      ]);
      this.figures.set(envId, { tables: figuresOf(list, plan), catalogId, failed, missed });
      this.publish(envId);
    } catch (err) {
      this.d.logger.warn({ err, envId }, 'partition metrics not read');
    }
  }

  /** The figures as samples at `now`, one batch per connection. */
  samples(envId: string, now = this.now()): Map<string, Sample[]> {
    const f = this.figures.get(envId);
    const out = new Map<string, Sample[]>();
    if (!f) return out;
    const sample = (connectionId: string, metric: MetricName, value: number, table?: string) => {
      const list = out.get(connectionId) ?? [];
      out.set(connectionId, list);
      list.push({
        envId,
        connectionId,
        kind: 'mysql',
        metric,
        value,
        unit: METRICS[metric].unit,
        ...(table && { tags: { table } }),
        at: now,
      });
    };
    for (const [conn, tables] of f.tables)
      for (const [table, t] of tables) {
        if (t.endMs !== null)
          sample(
            conn,
            'mysql.partition_runway_days',
            Math.floor(((t.endMs - now) / DAY_MS) * 10) / 10,
            table,
          );
        if (t.missing !== null) sample(conn, 'mysql.partition_intervals_missing', t.missing, table);
        sample(conn, 'mysql.partition_maxvalue_rows', t.maxvalueRows, table);
        sample(conn, 'mysql.partition_count', t.count, table);
      }
    if (f.failed !== undefined) sample(f.catalogId, 'mysql.partition_maintenance_failed', f.failed);
    if (f.missed !== undefined) sample(f.catalogId, 'mysql.partition_maintenance_missed', f.missed);
    return out;
  }

  publish(envId: string, now = this.now()): void {
    for (const [conn, samples] of this.samples(envId, now)) this.d.ingest(envId, conn, samples);
  }

  dispose(): void {
    for (const t of this.timers.splice(0)) clearInterval(t);
    for (const d of this.owned.splice(0)) void d.dispose();
  }
}
