import { useTranslation } from 'react-i18next';
import type { JobRecord } from '@shared/jobs';
import { JobStateBadge } from '../../components/badges';
import { useErrorText } from '../../components/ErrorText';
import { useFormat } from '../../lib/useFormat';
import { canRetry, jobDurationMs, pickupMs, resultSummary } from './jobModel';

/** One line per job; Enter or click opens the detail drawer. Failed and cancelled ones can be retried. */
export function JobHistory({
  jobs,
  now,
  describeActor,
  retrying,
  onOpen,
  onRetry,
}: {
  jobs: JobRecord[];
  now: number;
  describeActor: (j: JobRecord) => string;
  /** Ids whose retry is in flight. */
  retrying: ReadonlySet<string>;
  onOpen: (id: string) => void;
  onRetry: (job: JobRecord) => void;
}) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const errText = useErrorText();
  return (
    <div className="table-wrap">
      <table className="table table-hover" data-testid="job-history">
        <caption className="sr-only">{t('jobs.history')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('jobs.col.kind')}</th>
            <th scope="col">{t('jobs.col.state')}</th>
            <th scope="col">{t('jobs.col.env')}</th>
            <th scope="col">{t('jobs.col.actor')}</th>
            <th scope="col">{t('jobs.col.started')}</th>
            <th scope="col" className="num">
              {t('jobs.col.duration')}
            </th>
            <th scope="col" className="num">
              {t('jobs.col.attempts')}
            </th>
            <th scope="col">{t('jobs.col.outcome')}</th>
            <th scope="col">
              <span className="sr-only">{t('common.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {jobs.map((j) => {
            const d = jobDurationMs(j, now);
            const when = j.startedAt ?? j.createdAt;
            return (
              <tr
                key={j.id}
                data-testid="job-row"
                data-job-id={j.id}
                data-state={j.state}
                onClick={() => onOpen(j.id)}
              >
                <th scope="row">
                  <button
                    type="button"
                    className="btn-link"
                    onClick={(e) => {
                      e.stopPropagation();
                      onOpen(j.id);
                    }}
                  >
                    {t(`jobs.kinds.${j.kind}`)}
                  </button>
                </th>
                <td>
                  <JobStateBadge state={j.state} />
                </td>
                <td className="mono">
                  {j.envId ?? '—'}
                  {j.tenantId && <div className="muted small">{j.tenantId}</div>}
                </td>
                <td data-testid="job-actor">{describeActor(j)}</td>
                <td>
                  <time dateTime={when} title={fmt.dateTime(when)}>
                    {fmt.dateTime(when)}
                  </time>
                </td>
                <td className="num">{d !== undefined ? fmt.durationMs(d) : '—'}</td>
                <td className="num" data-testid="job-attempts">
                  {j.attempts}
                </td>
                <td className="outcome wrap">
                  {j.error ? (
                    <span
                      className={j.state === 'cancelled' ? 'muted' : 'text-danger'}
                      title={j.error.message}
                    >
                      {errText.title(j.error.code, j.error.message)}{' '}
                      <code className="error-code">{j.error.code}</code>
                    </span>
                  ) : (
                    <span className="muted">
                      {j.kind === 'jobs.ping' && pickupMs(j) !== undefined
                        ? t('jobs.pickedUp', { time: fmt.durationMs(pickupMs(j) as number) })
                        : resultSummary(j.result) || j.progress.message || ''}
                    </span>
                  )}
                </td>
                <td className="row-actions">
                  {canRetry(j) && (
                    <button
                      type="button"
                      className="btn btn-small"
                      data-testid="retry-job"
                      disabled={retrying.has(j.id)}
                      aria-label={t('jobs.retryNamed', { kind: t(`jobs.kinds.${j.kind}`) })}
                      onClick={(e) => {
                        e.stopPropagation();
                        onRetry(j);
                      }}
                    >
                      {retrying.has(j.id) ? t('common.working') : t('jobs.retry')}
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
