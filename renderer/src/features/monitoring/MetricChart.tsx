import { memo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceArea,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { METRICS, type MetricName } from '@shared/monitoring';
import { isoLocal, timeLocal } from '../../lib/format';
import { chartShape, formatMetric, seriesRows, zoomRange, type TimeRange } from './metricMath';
import { useSeries } from './useMonitoring';

const COLORS = 6;
const DAY = 86_400_000;

/** Short tick labels: time of day within two days, the date beyond. */
const tickOf = (span: number) => (ms: number) => {
  const d = new Date(ms);
  return span > 2 * DAY
    ? `${d.getMonth() + 1}/${d.getDate()} ${timeLocal(d).slice(0, 5)}`
    : timeLocal(d).slice(0, 5);
};

/** One metric of a store over the range; drag across it to zoom in. */
export const MetricChart = memo(function MetricChart({
  envId,
  connectionId,
  metric,
  range,
  stepSec,
  onZoom,
}: {
  envId: string;
  connectionId: string;
  metric: MetricName;
  range: TimeRange;
  stepSec: number;
  onZoom: (r: TimeRange) => void;
}) {
  const { t } = useTranslation();
  const series = useSeries(envId, connectionId, metric, range.from, range.to, stepSec);
  const [drag, setDrag] = useState<{ a: number; b: number } | undefined>();
  const unit = METRICS[metric].unit;
  const words = { bool: [t('monitoring.down'), t('monitoring.up')] as const };
  const fmt = (v: unknown): string => formatMetric(typeof v === 'number' ? v : null, unit, words);
  const { keys, rows } = series.data ? seriesRows(series.data) : { keys: [], rows: [] };
  const filled = rows.filter((r) => keys.some((k) => typeof r[k] === 'number')).length;
  const hasValue = filled > 0;
  const shape = chartShape(unit, keys.length);
  const at = (label: string | number | undefined): number | undefined =>
    label === undefined ? undefined : Number(label);

  return (
    <figure
      className="metric-chart"
      data-testid="metric-chart"
      data-metric={metric}
      data-points={rows.length}
      data-source={series.data?.source}
      data-legend={keys.length > 1 ? 'true' : undefined}
    >
      <figcaption className="metric-chart-title">
        <span className="metric-chart-name">{t(`monitoring.metric.${metric}`)}</span>
        <span className="mono muted">{metric}</span>
        <span className="muted">· {t(`monitoring.units.${unit}`)}</span>
        {series.loading && <span className="spinner" aria-hidden="true" />}
      </figcaption>
      <p className="sr-only">{METRICS[metric].description}</p>
      {series.error ? (
        <p className="muted text-danger" role="note">
          {series.error.message}
        </p>
      ) : !hasValue && !series.loading ? (
        <p className="muted metric-chart-empty">{t('monitoring.noData')}</p>
      ) : (
        <div className="metric-chart-plot">
          <ResponsiveContainer width="100%" height={180}>
            <LineChart
              data={rows}
              margin={{ top: 6, right: 12, bottom: 0, left: 0 }}
              onMouseDown={(s) => {
                const a = at(s.activeLabel);
                if (a !== undefined) setDrag({ a, b: a });
              }}
              onMouseMove={(s) => {
                const b = at(s.activeLabel);
                if (drag && b !== undefined) setDrag({ ...drag, b });
              }}
              onMouseUp={() => {
                const z = drag && zoomRange(drag.a, drag.b, 2 * stepSec * 1000);
                setDrag(undefined);
                if (z) onZoom(z);
              }}
              onMouseLeave={() => setDrag(undefined)}
            >
              <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
              <XAxis
                dataKey="at"
                type="number"
                scale="time"
                domain={[range.from, range.to]}
                allowDataOverflow
                tickFormatter={tickOf(range.to - range.from)}
                stroke="var(--text-muted)"
                fontSize={11}
              />
              <YAxis
                width={64}
                tickFormatter={fmt}
                stroke="var(--text-muted)"
                fontSize={11}
                domain={shape.domain}
                ticks={shape.ticks}
                allowDecimals={unit !== 'bool'}
              />
              <Tooltip
                isAnimationActive={false}
                formatter={(v) => fmt(v)}
                labelFormatter={(l) => isoLocal(new Date(Number(l)))}
                contentStyle={{
                  background: 'var(--surface)',
                  border: '1px solid var(--border)',
                  color: 'var(--text)',
                }}
              />
              {shape.legend && (
                <Legend
                  verticalAlign="bottom"
                  height={24}
                  iconSize={10}
                  wrapperStyle={{ fontSize: 11 }}
                />
              )}
              {keys.map((k, i) => (
                <Line
                  key={k}
                  dataKey={k}
                  name={k}
                  type={shape.line}
                  stroke={`var(--chart-${(i % COLORS) + 1})`}
                  // Sparse series (a new store, a wide range) would be invisible as lines.
                  dot={filled < 40 ? { r: 2 } : false}
                  strokeWidth={1.5}
                  isAnimationActive={false}
                  connectNulls={false}
                />
              ))}
              {drag && drag.a !== drag.b && (
                <ReferenceArea
                  x1={Math.min(drag.a, drag.b)}
                  x2={Math.max(drag.a, drag.b)}
                  fill="var(--accent)"
                  fillOpacity={0.15}
                />
              )}
            </LineChart>
          </ResponsiveContainer>
        </div>
      )}
      {series.data?.note && <p className="muted metric-chart-note">{series.data.note}</p>}
    </figure>
  );
});
