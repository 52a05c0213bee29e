import { useEffect, useLayoutEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { KeelError } from '@shared/errors';
import type { JobRecord } from '@shared/jobs';
import { JobStateBadge } from '../../components/badges';
import { ErrorCallout } from '../../components/ErrorText';
import { ProgressBar } from '../../components/ProgressBar';
import { useFormat } from '../../lib/useFormat';
import { isActive } from '../jobs/jobModel';
import { useFollowJob, type FollowedJob } from './useFollowJob';

/**
 * Follow `initial` (mount with `key={initial.id}`) and show it; `onFinished` runs once when it
 * reaches a final state, `children` render what its record holds (a result table…).
 */
export function FollowedJobRun({
  initial,
  onFinished,
  failedTitle,
  showLog,
  children,
}: {
  initial: JobRecord;
  onFinished?: (job: JobRecord) => void;
  failedTitle?: string;
  showLog?: boolean;
  children?: (job: JobRecord) => ReactNode;
}) {
  const followed = useFollowJob(initial);
  const latest = useRef({ onFinished, job: followed.job });
  useLayoutEffect(() => {
    latest.current = { onFinished, job: followed.job };
  });
  const final = !isActive(followed.job);
  useEffect(() => {
    if (final) latest.current.onFinished?.(latest.current.job);
  }, [final]);
  return (
    <>
      <JobRun followed={followed} failedTitle={failedTitle} showLog={showLog} />
      {children?.(followed.job)}
    </>
  );
}

/**
 * A tenants job as it runs: state, progress bar, the last log lines, and the error if it failed.
 * `failedTitle` words a failure for the action (e.g. "provisioning failed and was rolled back").
 */
export function JobRun({
  followed,
  failedTitle,
  showLog = true,
}: {
  followed: FollowedJob;
  failedTitle?: string;
  showLog?: boolean;
}) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { job, error } = followed;
  const kind = t(`jobs.kinds.${job.kind}`);
  const active = isActive(job);
  const { done, total } = job.progress;
  return (
    <div
      className="job-run"
      data-testid="tenant-job"
      data-job-id={job.id}
      data-state={job.state}
      aria-busy={active}
    >
      <div className="running-head">
        <strong>{kind}</strong>
        <JobStateBadge state={job.state} />
        {job.tenantId && <span className="mono muted">{job.tenantId}</span>}
      </div>
      {(active || job.state === 'completed') && (
        <ProgressBar
          done={job.state === 'completed' && total === undefined ? 1 : done}
          total={job.state === 'completed' && total === undefined ? 1 : total}
          label={t('jobs.progressLabel', { kind })}
          testId="tenant-job-progress"
        />
      )}
      {job.progress.message && (
        <p className="muted small" aria-live="polite">
          {job.progress.message}
        </p>
      )}
      {job.error && (
        <ErrorCallout
          error={KeelError.fromShape(job.error)}
          title={
            job.state === 'cancelled'
              ? t('jobs.cancelledWith')
              : (failedTitle ?? t('jobs.failedWith'))
          }
          quiet={job.state === 'cancelled'}
        />
      )}
      {showLog && job.log.length > 0 && (
        <details className="collapsible" open={active || job.state !== 'completed'}>
          <summary className="collapsible-title">
            {t('jobs.log', { count: job.log.length })}
          </summary>
          <ol className="log" data-testid="tenant-job-log">
            {job.log.map((l, i) => (
              <li key={i} className={`log-${l.level}`}>
                <time dateTime={l.at}>{fmt.time(l.at)}</time>
                <span className="log-level">{t(`jobs.level.${l.level}`)}</span>
                <span className="log-msg">{l.msg}</span>
              </li>
            ))}
          </ol>
        </details>
      )}
      {error && <ErrorCallout error={error} title={t('tenants.job.readFailed')} quiet />}
    </div>
  );
}
