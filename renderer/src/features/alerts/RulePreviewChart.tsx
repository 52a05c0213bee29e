import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceArea,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { AlertRule } from '@shared/alerts';
import { ErrorCallout } from '../../components/ErrorText';
import { timeLocal } from '../../lib/format';
import { useFormat } from '../../lib/useFormat';
import { firingSpans, previewRows } from './alertModel';
import type { PreviewState } from './usePreview';

const COLORS = ['var(--accent)', 'var(--text-muted)', 'var(--warn)', 'var(--success, #2f855a)'];
const MAX_LINES = 8;

/** The rule's metric over the last 24 h, its threshold, and where it would have fired. */
export function RulePreviewChart({
  rule,
  state,
}: {
  rule: AlertRule | undefined;
  state: PreviewState;
}) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { preview, error, loading } = state;
  const data = useMemo(() => (preview ? previewRows(preview) : undefined), [preview]);
  const fired = useMemo(() => (preview ? firingSpans(preview) : undefined), [preview]);

  return (
    <section
      className="rule-preview"
      aria-label={t('alerts.preview')}
      aria-busy={loading}
      data-testid="rule-preview"
      data-count={fired?.count}
      data-loading={loading ? 'true' : undefined}
    >
      <h3>{t('alerts.preview')}</h3>
      {!rule ? (
        <p className="muted">{t('alerts.previewInvalid')}</p>
      ) : error ? (
        <ErrorCallout error={error} title={t('alerts.previewFailed')} quiet />
      ) : !preview || !data || !fired ? (
        <p className="muted">{t('common.loading')}</p>
      ) : (
        <>
          <p data-testid="rule-preview-count" aria-live="polite">
            {preview.source === 'none'
              ? t('alerts.previewNoData')
              : t('alerts.wouldHaveFired', { count: fired.count })}
            {preview.note && <span className="muted"> · {preview.note}</span>}
          </p>
          {data.rows.length > 0 && (
            <ResponsiveContainer width="100%" height={180}>
              <LineChart data={data.rows} margin={{ top: 8, right: 12, bottom: 4, left: 4 }}>
                <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
                <XAxis
                  dataKey="at"
                  type="number"
                  scale="time"
                  domain={['dataMin', 'dataMax']}
                  tickFormatter={(v: number) => timeLocal(new Date(v)).slice(0, 5)}
                  stroke="var(--text-muted)"
                  fontSize={11}
                />
                <YAxis stroke="var(--text-muted)" fontSize={11} width={56} />
                <Tooltip
                  labelFormatter={(v) => fmt.dateTime(new Date(Number(v)).toISOString())}
                  contentStyle={{ background: 'var(--surface)', borderColor: 'var(--border)' }}
                />
                {fired.spans.map((s, i) => (
                  <ReferenceArea
                    key={`${s.series}-${s.start}-${i}`}
                    x1={s.start}
                    x2={s.end}
                    fill="var(--danger)"
                    fillOpacity={0.15}
                    ifOverflow="hidden"
                  />
                ))}
                {/* The axis stretches to the threshold: a line outside the data's range was dropped. */}
                {rule.type === 'threshold' && (
                  <ReferenceLine
                    y={rule.threshold}
                    stroke="var(--danger)"
                    strokeDasharray="4 3"
                    ifOverflow="extendDomain"
                    label={{
                      value: `${rule.op} ${fmt.number(rule.threshold)}`,
                      position: 'insideTopRight',
                      fill: 'var(--danger)',
                      fontSize: 11,
                    }}
                  />
                )}
                {rule.clearThreshold !== undefined && rule.clearThreshold !== rule.threshold && (
                  <ReferenceLine
                    y={rule.clearThreshold}
                    stroke="var(--text-muted)"
                    strokeDasharray="2 4"
                    ifOverflow="extendDomain"
                  />
                )}
                {data.series.length > 1 && (
                  <Legend
                    verticalAlign="bottom"
                    height={24}
                    iconSize={10}
                    wrapperStyle={{ fontSize: 11 }}
                  />
                )}
                {data.series.slice(0, MAX_LINES).map((s, i) => (
                  <Line
                    key={s}
                    type="monotone"
                    dataKey={s}
                    name={s}
                    stroke={COLORS[i % COLORS.length]}
                    strokeWidth={1.5}
                    dot={false}
                    connectNulls
                    isAnimationActive={false}
                  />
                ))}
              </LineChart>
            </ResponsiveContainer>
          )}
        </>
      )}
    </section>
  );
}
