import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { JOB_KIND_NAMES, JOB_STATES, type JobKind, type JobState } from '@shared/jobs';
import { useAppState } from '../../app/AppState';
import { useRefreshShortcut } from '../../app/shortcuts';
import { useToast } from '../../app/toasts';
import { CsvButton } from '../../components/CsvButton';
import { EmptyState, Loading } from '../../components/EmptyState';
import { ErrorCallout, useErrorText } from '../../components/ErrorText';
import { PageHeader } from '../../components/PageHeader';
import { useNow } from '../../lib/useNow';
import { JobDrawer } from './JobDrawer';
import { JobHistory } from './JobHistory';
import { isActive, jobDurationMs, matches, newestFirst, resultSummary } from './jobModel';
import { JobFilters } from './JobFilters';
import { RunningJobs } from './RunningJobs';
import { useJobs } from './useJobs';

const PAGE = 200;
const MAX = 1000;

export function JobsPage() {
  const { t } = useTranslation();
  const toast = useToast();
  const errText = useErrorText();
  const { activeEnv } = useAppState();
  const [state, setState] = useState<JobState | undefined>();
  const [kind, setKind] = useState<JobKind | undefined>();
  const [onlyEnv, setOnlyEnv] = useState(false);
  const [limit, setLimit] = useState(PAGE);
  const [openId, setOpenId] = useState<string | undefined>();
  const [starting, setStarting] = useState(false);
  const filter = { state, kind, envId: onlyEnv ? activeEnv?.id : undefined };
  const jobs = useJobs(filter, limit);
  const list = jobs.data;
  const running = useMemo(() => (list ?? []).filter(isActive).sort(newestFirst).reverse(), [list]);
  const now = useNow(1000, running.length > 0);
  const history = (list ?? []).filter((j) => matches(j, filter)).sort(newestFirst);

  useRefreshShortcut(() => void jobs.reload());

  const sweep = async (): Promise<void> => {
    if (!activeEnv) return;
    setStarting(true);
    try {
      await jobs.startHealthSweep(activeEnv.id);
      toast.success(t('jobs.sweepStarted', { env: activeEnv.name }));
    } catch (e) {
      toast.error(e, t('jobs.startFailed'));
    } finally {
      setStarting(false);
    }
  };
  const cancel = async (id: string): Promise<void> => {
    try {
      await jobs.cancel(id);
    } catch (e) {
      toast.error(e, t('jobs.cancelFailed'));
    }
  };

  const csvHeader = [
    t('jobs.id'),
    t('jobs.col.kind'),
    t('jobs.col.state'),
    t('jobs.col.env'),
    t('jobs.col.actor'),
    t('jobs.col.started'),
    t('jobs.finished'),
    t('jobs.col.durationSec'),
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
        t(`jobs.actor.${j.actor.type}`, { name: j.actor.name }),
        j.startedAt ?? j.createdAt,
        j.finishedAt,
        d !== undefined ? Math.round(d / 100) / 10 : undefined,
        j.error
          ? `${j.error.code}: ${errText.title(j.error.code, j.error.message)} — ${j.error.message}`
          : resultSummary(j.result),
      ];
    });

  const noSweep = !activeEnv || activeEnv.connections.length === 0;
  return (
    <div className="page">
      <PageHeader
        title={t('jobs.title')}
        actions={
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
        }
      />
      {jobs.error && !list ? (
        <ErrorCallout error={jobs.error} onRetry={() => void jobs.reload()} />
      ) : !list ? (
        <Loading label={t('common.loading')} />
      ) : (
        <>
          <RunningJobs jobs={running} now={now} onCancel={cancel} onOpen={setOpenId} />
          <section className="panel" aria-labelledby="history-heading">
            <div className="section-header">
              <h2 id="history-heading" className="section-title">
                {t('jobs.history')}
              </h2>
              <JobFilters
                state={state}
                kind={kind}
                onlyEnv={onlyEnv}
                envName={activeEnv?.name}
                states={JOB_STATES}
                kinds={JOB_KIND_NAMES}
                onState={setState}
                onKind={setKind}
                onOnlyEnv={setOnlyEnv}
              />
              <span className="spacer" />
              <CsvButton
                name="jobs"
                header={csvHeader}
                rows={csvRows}
                disabled={history.length === 0}
              />
            </div>
            {jobs.error && <ErrorCallout error={jobs.error} onRetry={() => void jobs.reload()} />}
            {history.length === 0 ? (
              <EmptyState title={t('jobs.emptyTitle')} testId="jobs-empty">
                {state || kind || onlyEnv ? t('jobs.emptyFiltered') : t('jobs.emptyBody')}
              </EmptyState>
            ) : (
              <JobHistory jobs={history} now={now} onOpen={setOpenId} />
            )}
            {history.length >= limit && limit < MAX && (
              <button
                type="button"
                className="btn"
                onClick={() => setLimit((l) => Math.min(MAX, l + PAGE))}
              >
                {t('jobs.loadMore')}
              </button>
            )}
            <p className="muted small">{t('jobs.showing', { count: history.length })}</p>
          </section>
        </>
      )}
      <JobDrawer
        jobId={openId}
        job={list?.find((j) => j.id === openId)}
        now={now}
        onClose={() => setOpenId(undefined)}
        onGet={jobs.get}
        onCancel={cancel}
      />
    </div>
  );
}
