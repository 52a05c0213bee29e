import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { TenantActivityRow } from '@shared/monitoring';
import { CsvButton } from '../../components/CsvButton';
import { Loading } from '../../components/EmptyState';
import { useFormat } from '../../lib/useFormat';
import { tenantHref } from '../tenants/tenantView';
import { compact } from './metricMath';
import { useTenantActivity } from './useMonitoring';

const CHART_TENANTS = 10;

/** The Tenants page with that tenant's detail open (not a list filtered to it). */
const openTenant = (id: string): void => {
  location.hash = tenantHref(id);
};

/** Tenants of a MySQL shard by rows this month and API calls today: chart, table, CSV. */
export function TenantActivityPanel({
  envId,
  connectionId,
}: {
  envId: string;
  connectionId: string;
}) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [refresh, setRefresh] = useState(0);
  const activity = useTenantActivity(envId, connectionId, refresh);
  const a = activity.data;
  const shard = a?.shards.find((s) => s.connectionId === connectionId);
  const ranking: TenantActivityRow[] = shard?.ranking ?? [];
  const notShard = activity.error?.code === 'NOT_FOUND';

  return (
    <section
      className="tenant-activity"
      aria-labelledby="tenant-activity-title"
      data-testid="tenant-activity"
    >
      <header className="section-header">
        <h2 id="tenant-activity-title">{t('monitoring.tenantActivity')}</h2>
        {a && (
          <span className="muted">
            {t('monitoring.activityBasis', { partition: a.partition, day: a.day })} ·{' '}
            {fmt.ago(new Date(a.at).toISOString())}
          </span>
        )}
        <div className="toolbar">
          <button
            type="button"
            className="btn btn-small"
            disabled={activity.loading}
            data-testid="tenant-activity-refresh"
            onClick={() => setRefresh((n) => n + 1)}
          >
            {t('monitoring.refresh')}
          </button>
          <CsvButton
            name={`tenant-activity-${envId}-${connectionId}`}
            header={['tenant_id', 'rows', 'api_calls', ...(shard?.tables ?? [])]}
            rows={() =>
              ranking.map((r) => [
                r.tenantId,
                r.rows,
                r.apiCalls,
                ...(shard?.tables ?? []).map((x) => r.byTable[x] ?? 0),
              ])
            }
            disabled={ranking.length === 0}
          />
        </div>
      </header>
      {notShard ? (
        <p className="muted">{t('monitoring.notShard')}</p>
      ) : activity.error ? (
        <p className="text-danger" role="note">
          {activity.error.message}
        </p>
      ) : !a ? (
        <Loading label={t('common.loading')} />
      ) : ranking.length === 0 ? (
        <p className="muted" data-testid="tenant-activity-empty">
          {t('monitoring.noActivity')}
        </p>
      ) : (
        <>
          <p className="muted small" data-testid="tenant-activity-count">
            {t('monitoring.activityShown', {
              shown: fmt.number(ranking.length),
              count: shard?.tenants ?? ranking.length,
            })}
          </p>
          {shard?.partial && (
            <p className="text-warn" role="note" data-testid="tenant-activity-partial">
              {t('monitoring.activityPartial')}
            </p>
          )}
          <div className="tenant-activity-body">
            <div className="tenant-activity-chart" data-testid="tenant-activity-chart">
              <ResponsiveContainer
                width="100%"
                height={Math.max(120, 26 * Math.min(CHART_TENANTS, ranking.length) + 40)}
              >
                <BarChart
                  data={ranking.slice(0, CHART_TENANTS)}
                  layout="vertical"
                  margin={{ left: 8, right: 16 }}
                >
                  <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" horizontal={false} />
                  <XAxis
                    type="number"
                    tickFormatter={compact}
                    stroke="var(--text-muted)"
                    fontSize={11}
                  />
                  <YAxis
                    type="category"
                    dataKey="tenantId"
                    width={110}
                    stroke="var(--text-muted)"
                    fontSize={11}
                  />
                  <Tooltip
                    isAnimationActive={false}
                    formatter={(v) => fmt.number(Number(v))}
                    contentStyle={{
                      background: 'var(--surface)',
                      border: '1px solid var(--border)',
                      color: 'var(--text)',
                    }}
                  />
                  <Bar
                    dataKey="rows"
                    name={t('monitoring.rows')}
                    fill="var(--chart-1)"
                    isAnimationActive={false}
                    cursor="pointer"
                    onClick={(d: { payload?: TenantActivityRow }) =>
                      d.payload && openTenant(d.payload.tenantId)
                    }
                  />
                </BarChart>
              </ResponsiveContainer>
            </div>
            <div className="table-wrap">
              <table className="table table-hover">
                <caption className="sr-only">{t('monitoring.tenantActivity')}</caption>
                <thead>
                  <tr>
                    <th scope="col">#</th>
                    <th scope="col">{t('monitoring.tenant')}</th>
                    <th scope="col" className="num">
                      {t('monitoring.rows')}
                    </th>
                    <th scope="col" className="num">
                      {t('monitoring.apiCalls')}
                    </th>
                    <th scope="col">{t('monitoring.topTable')}</th>
                  </tr>
                </thead>
                <tbody>
                  {ranking.map((r, i) => {
                    const top = Object.entries(r.byTable).sort((x, y) => y[1] - x[1])[0];
                    return (
                      <tr
                        key={r.tenantId}
                        data-testid="tenant-activity-row"
                        data-tenant-id={r.tenantId}
                      >
                        <td className="muted">{i + 1}</td>
                        <th scope="row" className="mono">
                          <button
                            type="button"
                            className="btn-link"
                            onClick={() => openTenant(r.tenantId)}
                          >
                            {r.tenantId}
                          </button>
                        </th>
                        <td className="num" data-testid="tenant-rows">
                          {fmt.number(r.rows)}
                        </td>
                        <td className="num" data-testid="tenant-api-calls">
                          {fmt.number(r.apiCalls)}
                        </td>
                        <td className="mono muted" title={top?.[0]}>
                          {top ? `${top[0].split('.').pop()} (${fmt.number(top[1])})` : '—'}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </div>
        </>
      )}
      {a && a.skipped.length > 0 && (
        <details className="muted">
          <summary>{t('monitoring.skipped', { count: a.skipped.length })}</summary>
          <ul>
            {a.skipped.map((s) => (
              <li key={s.what}>
                <span className="mono">{s.what}</span>: {s.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
