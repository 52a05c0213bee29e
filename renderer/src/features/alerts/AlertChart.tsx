import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  CartesianGrid,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { Alert, AlertRule } from '@shared/alerts';
import { isMetricName, METRIC_TAG_KEYS, type MetricTags } from '@shared/monitoring';
import { api } from '../../api/client';
import { ErrorCallout } from '../../components/ErrorText';
import { Loading } from '../../components/EmptyState';
import { timeLocal } from '../../lib/format';
import { useLoader } from '../../lib/useLoader';
import { useFormat } from '../../lib/useFormat';

const HOUR = 3_600_000;
const STEP_SEC = 60;

/** The alert's metric from an hour before it started to an hour after (or now). */
export function AlertChart({ alert: a, rule }: { alert: Alert; rule: AlertRule | null }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const metric = rule?.type === 'threshold' ? rule.metric : undefined;
  const connectionId = a.labels['connection'];
  const start = Date.parse(a.startsAt);
  const from = Math.floor((start - HOUR) / 60_000) * 60_000;
  // The range is fixed when the drawer opens; reopening reads it again.
  const [now] = useState(() => Date.now());
  const to = Math.min(start + HOUR, now + 60_000);
  const tags: MetricTags = {};
  for (const k of METRIC_TAG_KEYS) if (a.labels[k]) tags[k] = a.labels[k];
  const ready = metric !== undefined && isMetricName(metric) && connectionId !== undefined;
  const series = useLoader(
    () =>
      api().call('monitoring.series', {
        envId: a.envId,
        connectionId: connectionId ?? '',
        metric: metric && isMetricName(metric) ? metric : 'mysql.qps',
        from,
        to: Math.max(to, from + STEP_SEC * 1000),
        stepSec: STEP_SEC,
        ...(Object.keys(tags).length > 0 && { tags }),
      }),
    ready ? `series:${a.envId}:${connectionId}:${metric}:${from}:${JSON.stringify(tags)}` : null,
  );

  if (!ready)
    return (
      <p className="muted" data-testid="alert-chart-none">
        {rule?.type === 'deadman' ? t('alerts.chartDeadman') : t('alerts.chartNone')}
      </p>
    );
  if (series.error) return <ErrorCallout error={series.error} title={t('alerts.chartFailed')} />;
  if (!series.data) return <Loading label={t('common.loading')} />;
  const rows = (series.data.series[0]?.points ?? []).map(([at, value]) => ({ at, value }));
  const firing = a.firingAt ? Date.parse(a.firingAt) : undefined;

  return (
    <figure className="alert-chart" data-testid="alert-chart">
      <figcaption className="muted">
        <span className="mono">{metric}</span> · {connectionId}
        {series.data.series.length > 1 && ` · ${t('alerts.chartFirstSeries')}`}
      </figcaption>
      {rows.length === 0 ? (
        <p className="muted">{t('alerts.chartEmpty')}</p>
      ) : (
        <ResponsiveContainer width="100%" height={200}>
          <LineChart data={rows} margin={{ top: 8, right: 12, bottom: 4, left: 4 }}>
            <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
            <XAxis
              dataKey="at"
              type="number"
              scale="time"
              domain={[from, to]}
              tickFormatter={(v: number) => timeLocal(new Date(v))}
              stroke="var(--text-muted)"
              fontSize={11}
            />
            <YAxis stroke="var(--text-muted)" fontSize={11} width={56} />
            <Tooltip
              labelFormatter={(v) => fmt.dateTime(new Date(Number(v)).toISOString())}
              contentStyle={{ background: 'var(--surface)', borderColor: 'var(--border)' }}
            />
            {rule && (
              <ReferenceLine
                y={rule.threshold}
                stroke="var(--danger)"
                strokeDasharray="4 3"
                label={{ value: t('alerts.threshold'), fill: 'var(--danger)', fontSize: 11 }}
              />
            )}
            {firing !== undefined && (
              <ReferenceLine
                x={firing}
                stroke="var(--warn)"
                label={{ value: t('alerts.state.firing'), fill: 'var(--warn)', fontSize: 11 }}
              />
            )}
            <Line
              type="monotone"
              dataKey="value"
              stroke="var(--accent)"
              strokeWidth={1.5}
              // A new server has only a few buckets: show them as dots.
              dot={rows.filter((r) => r.value !== null).length < 3}
              connectNulls={false}
              isAnimationActive={false}
            />
          </LineChart>
        </ResponsiveContainer>
      )}
    </figure>
  );
}
