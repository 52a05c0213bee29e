import './partitions.css';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { KeelError } from '@shared/errors';
import type { PartitionsPlan, TableLayout } from '@shared/partitions';
import { useAppState } from '../../app/AppState';
import { useRefreshShortcut } from '../../app/shortcuts';
import { useToast } from '../../app/toasts';
import { CsvButton } from '../../components/CsvButton';
import { EmptyState, Loading } from '../../components/EmptyState';
import { ErrorCallout } from '../../components/ErrorText';
import { PageHeader } from '../../components/PageHeader';
import { lastBound, runwayLevel, SHOWN_ROWS, tableKey, worstFirst } from './partitionModel';
import { PartitionsTable } from './PartitionsTable';
import { PlanDialog } from './PlanDialog';
import { PoliciesPanel } from './PoliciesPanel';
import { TableDetail } from './TableDetail';
import { usePartitions } from './usePartitions';

/**
 * Every partitioned table of the active environment, worst runway first, with a table's
 * partitions on selection, the plan preview (the exact DDL) and the maintenance run.
 */
export function PartitionsPage() {
  const { t } = useTranslation();
  const toast = useToast();
  const { activeEnv } = useAppState();
  const parts = usePartitions(activeEnv?.id);
  const [selected, setSelected] = useState<string | undefined>();
  const [plan, setPlan] = useState<PartitionsPlan | undefined>();
  const [planning, setPlanning] = useState(false);
  useRefreshShortcut(() => void parts.reload());

  const sorted = useMemo(() => worstFirst(parts.data?.tables ?? []), [parts.data]);
  const counts = useMemo(() => {
    const c = { critical: 0, warning: 0, ok: 0, unknown: 0 };
    for (const l of sorted) c[runwayLevel(l.runwayDays)]++;
    return c;
  }, [sorted]);
  const detail = sorted.find((l) => tableKey(l) === selected);
  const unread = parts.data?.servers.filter((s) => s.error) ?? [];

  const preview = async () => {
    setPlanning(true);
    try {
      setPlan(await parts.plan());
    } catch (e) {
      toast.error(e, t('partitions.planFailed'));
    } finally {
      setPlanning(false);
    }
  };

  const csvRows = () =>
    sorted.map((l: TableLayout) => [
      l.runwayDays,
      l.schema,
      l.table,
      l.connectionId,
      l.tenantId ?? '',
      l.partitions.length,
      lastBound(l)?.slice(0, 10) ?? '',
      l.maxvalueRows,
    ]);

  return (
    <div className="page">
      <PageHeader
        title={t('partitions.title')}
        subtitle={activeEnv ? t('partitions.subtitle', { env: activeEnv.name }) : undefined}
        actions={
          <>
            <CsvButton
              name="partitions"
              header={[
                'runway_days',
                'schema',
                'table',
                'connection',
                'tenant',
                'partitions',
                'last_bound',
                'maxvalue_rows',
              ]}
              rows={csvRows}
              disabled={sorted.length === 0}
            />
            <button
              type="button"
              className="btn btn-primary"
              disabled={!activeEnv || planning}
              data-testid="partition-preview"
              onClick={() => void preview()}
            >
              {t('partitions.preview')}
            </button>
          </>
        }
      />
      {!activeEnv ? (
        <EmptyState title={t('partitions.noEnv')}>{t('partitions.noEnvBody')}</EmptyState>
      ) : parts.error && !parts.data ? (
        <ErrorCallout error={parts.error} onRetry={() => void parts.reload()} />
      ) : !parts.data ? (
        <Loading label={t('common.loading')} />
      ) : (
        <>
          {unread.map((s) => (
            <ErrorCallout
              key={s.server}
              quiet
              title={t('partitions.unread', { server: s.server })}
              error={new KeelError('UNAVAILABLE', s.error ?? '')}
            />
          ))}
          <p data-testid="runway-summary">
            {t('partitions.summary', { total: sorted.length, ...counts })}
          </p>
          {detail && <TableDetail layout={detail} onClose={() => setSelected(undefined)} />}
          {sorted.length === 0 ? (
            <EmptyState title={t('partitions.emptyTitle')}>{t('partitions.emptyBody')}</EmptyState>
          ) : (
            <section className="panel" aria-label={t('partitions.title')}>
              <PartitionsTable
                tables={sorted.slice(0, SHOWN_ROWS)}
                selected={selected}
                onSelect={(l) => setSelected(tableKey(l))}
              />
              {sorted.length > SHOWN_ROWS && (
                <p className="muted small">
                  {t('partitions.shownOf', { shown: SHOWN_ROWS, total: sorted.length })}
                </p>
              )}
            </section>
          )}
          <PoliciesPanel envId={activeEnv.id} />
        </>
      )}
      {activeEnv && (
        <PlanDialog
          envId={activeEnv.id}
          plan={plan}
          onClose={() => setPlan(undefined)}
          onApply={() => parts.apply()}
          onFinished={() => void parts.reload()}
        />
      )}
    </div>
  );
}
