import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Alert } from '@shared/alerts';
import { CsvButton } from '../../components/CsvButton';
import { EmptyState, Loading } from '../../components/EmptyState';
import { ErrorCallout } from '../../components/ErrorText';
import { AlertDrawer } from './AlertDrawer';
import { AlertFilters } from './AlertFilters';
import { DEFAULT_FILTER, filterAlerts, labelsInline, type AlertListFilter } from './alertModel';
import { AlertsTable } from './AlertsTable';
import type { AlertsState } from './useAlerts';

const CSV_HEADER = [
  'id',
  'severity',
  'state',
  'silenced',
  'rule',
  'labels',
  'value',
  'summary',
  'startsAt',
  'firingAt',
  'acknowledgedBy',
  'resolvedAt',
];

export function AlertsTab({ alerts }: { alerts: AlertsState }) {
  const { t } = useTranslation();
  const [filter, setFilter] = useState<AlertListFilter>(DEFAULT_FILTER);
  const [openId, setOpenId] = useState<string | undefined>();
  const rows = useMemo(() => filterAlerts(alerts.data ?? [], filter), [alerts.data, filter]);
  const open: Alert | undefined = alerts.data?.find((a) => a.id === openId);

  if (alerts.error && !alerts.data)
    return <ErrorCallout error={alerts.error} onRetry={() => void alerts.reload()} />;
  if (!alerts.data) return <Loading label={t('common.loading')} />;

  return (
    <section className="panel alerts-panel" aria-label={t('alerts.title')}>
      {alerts.error && <ErrorCallout error={alerts.error} onRetry={() => void alerts.reload()} />}
      <div className="toolbar-row">
        <AlertFilters value={filter} onChange={setFilter} />
        <span className="muted" data-testid="alerts-count">
          {t('alerts.shown', { n: rows.length, total: alerts.data.length })}
        </span>
        <CsvButton
          name="alerts"
          header={CSV_HEADER}
          disabled={rows.length === 0}
          rows={() =>
            rows.map((a) => [
              a.id,
              a.severity,
              a.state,
              a.silenced,
              a.ruleName,
              labelsInline(a.labels),
              a.value,
              a.summary,
              a.startsAt,
              a.firingAt,
              a.acknowledgedBy,
              a.resolvedAt,
            ])
          }
        />
      </div>
      {rows.length === 0 ? (
        <EmptyState title={t('alerts.emptyTitle')} testId="alerts-empty">
          {alerts.data.length === 0 ? t('alerts.emptyBody') : t('alerts.noMatch')}
        </EmptyState>
      ) : (
        <AlertsTable rows={rows} onOpen={(a) => setOpenId(a.id)} />
      )}
      <AlertDrawer alert={open} alerts={alerts} onClose={() => setOpenId(undefined)} />
    </section>
  );
}
