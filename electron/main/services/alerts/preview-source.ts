import type { AlertRule, RulePreview } from '../../../../shared/alerts';
import type { Environment } from '../../../../shared/models/environment';
import { isMetricName, METRICS } from '../../../../shared/monitoring';
import type { MonitoringService } from '../monitoring/monitoring.service';
import { STORE_UP_METRIC } from './defaults';
import { previewThreshold, type PreviewSeries } from './preview';

/** Buckets per series a preview asks for at most. */
const MAX_BUCKETS = 1000;

/**
 * A rule's preview over `monitoring.series` for the last `hours` (InfluxDB when the environment
 * has one, the memory window otherwise), run through the evaluator's state machine.
 */
export async function previewRule(
  monitoring: MonitoringService,
  env: Environment,
  rule: AlertRule,
  hours: number,
  now = Date.now(),
): Promise<RulePreview> {
  const none = (note: string): RulePreview => ({ points: [], firings: [], source: 'none', note });
  if (rule.type === 'deadman') return none('dead-man rules have no series to preview');
  const metric = rule.metric ?? '';
  if (metric === STORE_UP_METRIC) {
    return none(`${STORE_UP_METRIC} comes from each sweep as it happens and has no history`);
  }
  if (!isMetricName(metric)) return none(`Keel does not collect "${metric}" (yet)`);
  const kind = METRICS[metric].kind;
  const conns = env.connections.filter(
    (c) =>
      c.kind === kind &&
      (!rule.scope.connectionIds.length || rule.scope.connectionIds.includes(c.id)),
  );
  if (!conns.length) return none(`no ${kind} connection in ${env.id}`);
  const from = now - hours * 3_600_000;
  const stepSec = Math.max(
    Math.ceil(monitoring.settings.intervalMs / 1000),
    Math.ceil((hours * 3600) / MAX_BUCKETS),
  );
  const series: PreviewSeries[] = [];
  let source: RulePreview['source'] = 'none';
  const notes: string[] = [];
  for (const c of conns) {
    const r = await monitoring.series({
      envId: env.id,
      connectionId: c.id,
      metric,
      from,
      to: now,
      stepSec,
      source: 'auto',
    });
    if (r.source === 'influxdb' || source === 'none') source = r.source;
    if (r.note) notes.push(r.note);
    for (const s of r.series) {
      const tags = Object.entries(s.tags)
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      series.push({ series: tags ? `${c.id} ${tags}` : c.id, points: s.points });
    }
  }
  const { points, firings } = previewThreshold(rule, series);
  const note = [...new Set(notes)].join('; ');
  return { points, firings, source: points.length ? source : 'none', ...(note && { note }) };
}
