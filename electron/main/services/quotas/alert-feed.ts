import type { Dimension } from '../../../../shared/quotas';
import { MAX_EVENT_POINTS, type MetricPoint } from '../../../../shared/monitoring';
import type { Disposable } from '../../lib/disposables';
import type { EventBus } from '../../lib/event-bus';

/** Below this a series is not published (the rules start at 80 %), once it has been cleared. */
const FLOOR = 0.7;
/** Publications a series that fell below the floor stays published, so its alert can resolve. */
const AFTERGLOW = 30;

interface Series {
  tenantId: string;
  dimension: Dimension;
  ratio: number;
  /** Publications left while below the floor. */
  left: number;
}

/**
 * Feeds the quota ratios to the alerts engine as `tenant.quota_ratio` samples of the catalog's
 * connection. The evaluator trusts a value for three sweep intervals and a pass runs every
 * 15 minutes, so the last pass's ratios are published again every interval until the next pass
 * replaces them. Only series near a limit are sent (with an afterglow after they fall back, so
 * the alert sees them resolve), not 40,000 ratios a sweep.
 */
export class QuotaAlertFeed implements Disposable {
  private readonly envs = new Map<string, { connectionId: string; series: Map<string, Series> }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly bus: EventBus,
    private readonly intervalMs: () => number,
  ) {}

  /** The ratios of some tenants (all of them after a pass, one after an override). */
  update(
    envId: string,
    connectionId: string,
    rows: Array<{ tenantId: string; dimension: Dimension; ratio: number | null }>,
  ): void {
    let e = this.envs.get(envId);
    if (!e || e.connectionId !== connectionId) {
      e = { connectionId, series: e?.series ?? new Map() };
      this.envs.set(envId, e);
    }
    for (const r of rows) {
      const key = `${r.tenantId}|${r.dimension}`;
      const prev = e.series.get(key);
      if (r.ratio === null || r.ratio < FLOOR) {
        if (prev)
          e.series.set(key, { ...prev, ratio: r.ratio ?? 0, left: Math.min(prev.left, AFTERGLOW) });
        continue;
      }
      e.series.set(key, {
        tenantId: r.tenantId,
        dimension: r.dimension,
        ratio: r.ratio,
        left: AFTERGLOW,
      });
    }
    this.publish(envId);
    this.timer ??= setInterval(() => {
      for (const id of this.envs.keys()) this.publish(id);
    }, this.intervalMs());
    this.timer.unref?.();
  }

  private publish(envId: string): void {
    const e = this.envs.get(envId);
    if (!e) return;
    const points: MetricPoint[] = [];
    for (const [key, s] of e.series) {
      if (s.ratio < FLOOR && s.left-- <= 0) {
        e.series.delete(key);
        continue;
      }
      points.push({
        metric: 'tenant.quota_ratio',
        value: s.ratio,
        tags: { tenant: s.tenantId, dimension: s.dimension },
      });
    }
    const at = Date.now();
    for (let i = 0; i < points.length; i += MAX_EVENT_POINTS) {
      this.bus.publish('monitoring.samples', {
        envId,
        connectionId: e.connectionId,
        kind: 'mysql',
        at,
        durationMs: 0,
        part: 'slow',
        points: points.slice(i, i + MAX_EVENT_POINTS),
        omitted: 0,
      });
    }
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.envs.clear();
  }
}
