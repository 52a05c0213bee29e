import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { KeelError } from '@shared/errors';
import { FINAL_STATES, type JobRecord } from '@shared/jobs';
import { JobStateBadge } from '../../components/badges';
import { Dialog } from '../../components/Dialog';
import { ErrorCallout } from '../../components/ErrorText';
import { ProgressBar } from '../../components/ProgressBar';
import { toKeelError } from '../../lib/errors';
import { useFormat } from '../../lib/useFormat';
import { canRetry, jobDurationMs, pickupMs } from './jobModel';

/** Side panel with one job: what it is, where it got to, its log and its result or error. */
export function JobDrawer({
  job,
  jobId,
  now,
  onClose,
  onGet,
  ...actions
}: {
  /** The live record from the page's list, if it holds it. */
  job: JobRecord | undefined;
  jobId: string | undefined;
  now: number;
  onClose: () => void;
  onGet: (id: string) => Promise<JobRecord>;
} & Actions) {
  const { t } = useTranslation();
  return (
    <Dialog
      open={jobId !== undefined}
      onClose={onClose}
      variant="drawer"
      closeOnBackdrop
      testId="job-drawer"
      title={job ? t(`jobs.kinds.${job.kind}`) : t('jobs.details')}
    >
      {jobId !== undefined && (
        <DrawerBody jobId={jobId} job={job} now={now} onGet={onGet} {...actions} />
      )}
    </Dialog>
  );
}

interface Actions {
  describeActor: (j: JobRecord) => string;
  /** Asks first (the page's confirmation). */
  onCancel: (job: JobRecord) => void;
  onRetry: (job: JobRecord) => void;
  retrying: boolean;
}

function DrawerBody({
  jobId,
  job,
  now,
  onGet,
  describeActor,
  onCancel,
  onRetry,
  retrying,
}: {
  jobId: string;
  job: JobRecord | undefined;
  now: number;
  onGet: (id: string) => Promise<JobRecord>;
} & Actions) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [error, setError] = useState<KeelError | undefined>();

  // `jobs.progress` carries no log lines: fetch the record on open and again as the job moves on.
  const done = job?.progress.done;
  const state = job?.state;
  useEffect(() => {
    onGet(jobId).then(
      () => setError(undefined),
      (e: unknown) => setError(toKeelError(e)),
    );
  }, [jobId, onGet, done, state]);

  if (!job)
    return error ? <ErrorCallout error={error} /> : <p className="muted">{t('common.loading')}</p>;
  const d = jobDurationMs(job, now);
  const active = !FINAL_STATES.includes(job.state);

  return (
    <div className="stack job-detail" data-testid="job-detail" data-state={job.state}>
      <dl className="kv">
        <dt>{t('jobs.col.state')}</dt>
        <dd>
          <JobStateBadge state={job.state} />
        </dd>
        <dt>{t('jobs.id')}</dt>
        <dd className="mono">{job.id}</dd>
        <dt>{t('jobs.col.env')}</dt>
        <dd className="mono">{job.envId ?? '—'}</dd>
        {job.tenantId && (
          <>
            <dt>{t('jobs.col.tenant')}</dt>
            <dd className="mono">{job.tenantId}</dd>
          </>
        )}
        <dt>{t('jobs.col.actor')}</dt>
        <dd>{describeActor(job)}</dd>
        <dt>{t('jobs.col.attempts')}</dt>
        <dd>{job.attempts}</dd>
        <dt>{t('jobs.created')}</dt>
        <dd>{fmt.dateTime(job.createdAt)}</dd>
        {job.startedAt && (
          <>
            <dt>{t('jobs.col.started')}</dt>
            <dd>{fmt.dateTime(job.startedAt)}</dd>
          </>
        )}
        {job.finishedAt && (
          <>
            <dt>{t('jobs.finished')}</dt>
            <dd>{fmt.dateTime(job.finishedAt)}</dd>
          </>
        )}
        {job.kind === 'jobs.ping' && pickupMs(job) !== undefined && (
          <>
            <dt>{t('jobs.pickup')}</dt>
            <dd data-testid="job-pickup">{fmt.durationMs(pickupMs(job) as number)}</dd>
          </>
        )}
        <dt>{t('jobs.col.duration')}</dt>
        <dd>{d !== undefined ? fmt.durationMs(d) : '—'}</dd>
      </dl>

      {active && (
        <ProgressBar
          done={job.progress.done}
          total={job.progress.total}
          label={t('jobs.progressLabel', { kind: t(`jobs.kinds.${job.kind}`) })}
        />
      )}
      {job.progress.message && <p className="muted">{job.progress.message}</p>}
      {(active || canRetry(job)) && (
        <div className="toolbar">
          {active && (
            <button type="button" className="btn btn-danger-quiet" onClick={() => onCancel(job)}>
              {t('jobs.cancelJob')}
            </button>
          )}
          {canRetry(job) && (
            <button
              type="button"
              className="btn"
              disabled={retrying}
              data-testid="drawer-retry-job"
              onClick={() => onRetry(job)}
            >
              {retrying ? t('common.working') : t('jobs.retry')}
            </button>
          )}
        </div>
      )}

      {job.error && (
        <ErrorCallout
          error={KeelError.fromShape(job.error)}
          title={job.state === 'cancelled' ? t('jobs.cancelledWith') : t('jobs.failedWith')}
          quiet={job.state === 'cancelled'}
        />
      )}
      <details className="collapsible">
        <summary className="collapsible-title">{t('jobs.payload')}</summary>
        <pre className="code-block">{JSON.stringify(job.payload, null, 2)}</pre>
      </details>
      {job.result !== undefined && (
        <section>
          <h3 className="section-title">{t('jobs.result')}</h3>
          <pre className="code-block" data-testid="job-result">
            {JSON.stringify(job.result, null, 2)}
          </pre>
        </section>
      )}

      <section>
        <h3 className="section-title">{t('jobs.log', { count: job.log.length })}</h3>
        {job.log.length > 0 && <p className="muted small">{t('jobs.logExcerpt')}</p>}
        {job.log.length === 0 ? (
          <p className="muted">{t('jobs.logEmpty')}</p>
        ) : (
          <ol className="log" data-testid="job-log">
            {job.log.map((l, i) => (
              <li key={i} className={`log-${l.level}`}>
                <time dateTime={l.at}>{fmt.time(l.at)}</time>
                <span className="log-level">{t(`jobs.level.${l.level}`)}</span>
                <span className="log-msg">{l.msg}</span>
              </li>
            ))}
          </ol>
        )}
      </section>
      {error && <ErrorCallout error={error} />}
    </div>
  );
}
