import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { JobRecord } from '@shared/jobs';
import { useAppState } from '../../app/AppState';
import { useRefreshShortcut } from '../../app/shortcuts';
import { useToast } from '../../app/toasts';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { CsvButton } from '../../components/CsvButton';
import { EmptyState, Loading } from '../../components/EmptyState';
import { ErrorCallout, useErrorText } from '../../components/ErrorText';
import { PageHeader } from '../../components/PageHeader';
import { useDebounced } from '../../lib/useDebounced';
import { useFormat } from '../../lib/useFormat';
import { useNow } from '../../lib/useNow';
import { EngineStatus } from './EngineStatus';
import { JobDrawer } from './JobDrawer';
import { isFiltered, JobFilters, NO_FILTER, type HistoryFilter } from './JobFilters';
import { JobHistory } from './JobHistory';
import { isActive, jobDurationMs, matches, newestFirst, pickupMs, resultSummary } from './jobModel';
import { RunningJobs } from './RunningJobs';
import { StartJobDialog } from './StartJobDialog';
import { useActorText } from './useActorText';
import { useJobs } from './useJobs';
import './jobs.css';

export function JobsPage() {
  const { t } = useTranslation();
  const toast = useToast();
  const errText = useErrorText();
  const fmt = useFormat();
  const { activeEnv, envs } = useAppState();
  const [filters, setFilters] = useState<HistoryFilter>(NO_FILTER);
  const tenant = useDebounced(filters.tenant.trim(), 300);
  const filter = { ...filters, tenantId: tenant || undefined };
  const jobs = useJobs(filter);
  const list = jobs.jobs;
  const describeActor = useActorText();
  const [openId, setOpenId] = useState<string | undefined>();
  const [starting, setStarting] = useState(false);
  const [startOpen, setStartOpen] = useState(false);
  const [cancelling, setCancelling] = useState<JobRecord | undefined>();
  const [retrying, setRetrying] = useState<ReadonlySet<string>>(new Set());
  const running = useMemo(() => (list ?? []).filter(isActive).sort(newestFirst).reverse(), [list]);
  const now = useNow(1000, running.length > 0);
  const history = (list ?? []).filter((j) => matches(j, filter)).sort(newestFirst);

  useRefreshShortcut(() => void jobs.reload());

  const sweep = async (): Promise<void> => {
    if (!activeEnv) return;
    setStarting(true);
    try {
      await jobs.start({ kind: 'health.sweep', payload: { envId: activeEnv.id } });
      toast.success(t('jobs.sweepStarted', { env: activeEnv.name }));
    } catch (e) {
      toast.error(e, t('jobs.startFailed'));
    } finally {
      setStarting(false);
    }
  };
  const retry = async (job: JobRecord): Promise<void> => {
    setRetrying((s) => new Set(s).add(job.id));
    try {
      const rec = await jobs.retry(job.id);
      toast.success(t('jobs.retried', { kind: t(`jobs.kinds.${rec.kind}`) }));
    } catch (e) {
      toast.error(e, t('jobs.retryFailed'));
    } finally {
      setRetrying((s) => {
        const n = new Set(s);
        n.delete(job.id);
        return n;
      });
    }
  };

  const csvHeader = [
    t('jobs.id'),
    t('jobs.col.kind'),
    t('jobs.col.state'),
    t('jobs.col.env'),
    t('jobs.col.tenant'),
    t('jobs.col.actor'),
    t('jobs.col.started'),
    t('jobs.finished'),
    t('jobs.col.durationSec'),
    t('jobs.col.attempts'),
    t('jobs.col.outcome'),
  ];
  const csvRows = () =>
    history.map((j) => {
      const d = jobDurationMs(j, Date.now());
      return [
        j.id,
        t(`jobs.kinds.${j.kind}`),
        t(`jobs.state.${j.state}`),
        j.envId,
        j.tenantId,
        describeActor(j),
        j.startedAt ?? j.createdAt,
        j.finishedAt,
        d !== undefined ? Math.round(d / 100) / 10 : undefined,
        j.attempts,
        j.error
          ? `${j.error.code}: ${errText.title(j.error.code, j.error.message)} — ${j.error.message}`
          : j.kind === 'jobs.ping' && pickupMs(j) !== undefined
            ? t('jobs.pickedUp', { time: fmt.durationMs(pickupMs(j) as number) })
            : resultSummary(j.result),
      ];
    });

  const noSweep = !activeEnv || activeEnv.connections.length === 0;
  const filtered = isFiltered(filters);
  return (
    <div className="page">
      <PageHeader
        title={t('jobs.title')}
        actions={
          <>
            <button
              type="button"
              className="btn"
              disabled={!envs || envs.length === 0}
              data-testid="start-job"
              onClick={() => setStartOpen(true)}
            >
              {t('jobs.start.open')}
            </button>
            <button
              type="button"
              className="btn btn-primary"
              disabled={starting || noSweep}
              title={noSweep ? t('jobs.sweepNeedsConnections') : undefined}
              data-testid="run-health-sweep"
              onClick={() => void sweep()}
            >
              {starting ? t('common.working') : t('jobs.runSweep', { env: activeEnv?.name ?? '' })}
            </button>
          </>
        }
      />
      <EngineStatus env={activeEnv} />
      {jobs.error && !list ? (
        <ErrorCallout error={jobs.error} onRetry={() => void jobs.reload()} />
      ) : !list ? (
        <Loading label={t('common.loading')} />
      ) : (
        <>
          <RunningJobs
            jobs={running}
            samples={jobs.samples}
            now={now}
            describeActor={describeActor}
            onCancel={setCancelling}
            onOpen={setOpenId}
          />
          <section className="panel" aria-labelledby="history-heading">
            <div className="section-header">
              <h2 id="history-heading" className="section-title">
                {t('jobs.history')}
              </h2>
              <span className="spacer" />
              <CsvButton
                name="jobs"
                header={csvHeader}
                rows={csvRows}
                disabled={history.length === 0}
              />
            </div>
            <JobFilters
              value={filters}
              envs={envs ?? []}
              onChange={(patch) => setFilters((f) => ({ ...f, ...patch }))}
            />
            {jobs.error && <ErrorCallout error={jobs.error} onRetry={() => void jobs.reload()} />}
            {history.length === 0 ? (
              <EmptyState title={t('jobs.emptyTitle')} testId="jobs-empty">
                {filtered ? t('jobs.emptyFiltered') : t('jobs.emptyBody')}
              </EmptyState>
            ) : (
              <JobHistory
                jobs={history}
                now={now}
                describeActor={describeActor}
                retrying={retrying}
                onOpen={setOpenId}
                onRetry={(j) => void retry(j)}
              />
            )}
            <div className="toolbar">
              {jobs.more && (
                <button
                  type="button"
                  className="btn"
                  disabled={jobs.loadingMore}
                  data-testid="load-more-jobs"
                  onClick={() => void jobs.loadMore()}
                >
                  {jobs.loadingMore ? t('common.loading') : t('jobs.loadMore')}
                </button>
              )}
              <span className="muted small" aria-live="polite">
                {t('jobs.showing', { count: history.length })}
              </span>
            </div>
          </section>
        </>
      )}
      <JobDrawer
        jobId={openId}
        job={list?.find((j) => j.id === openId)}
        now={now}
        onClose={() => setOpenId(undefined)}
        onGet={jobs.get}
        describeActor={describeActor}
        onCancel={setCancelling}
        onRetry={(j) => void retry(j)}
        retrying={openId !== undefined && retrying.has(openId)}
      />
      <StartJobDialog
        open={startOpen}
        envs={envs ?? []}
        envId={activeEnv?.id}
        onClose={() => setStartOpen(false)}
        onStart={jobs.start}
      />
      <ConfirmDialog
        open={cancelling !== undefined}
        onClose={() => setCancelling(undefined)}
        title={t('jobs.cancelConfirm.title')}
        confirmLabel={t('jobs.cancelJob')}
        danger
        onConfirm={async () => {
          if (cancelling) await jobs.cancel(cancelling.id);
        }}
      >
        {cancelling &&
          t('jobs.cancelConfirm.body', {
            kind: t(`jobs.kinds.${cancelling.kind}`),
            env: cancelling.envId ?? '—',
            actor: describeActor(cancelling),
          })}
      </ConfirmDialog>
    </div>
  );
}
