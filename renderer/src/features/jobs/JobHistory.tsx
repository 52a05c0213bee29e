import { useTranslation } from 'react-i18next';
import type { JobRecord } from '@shared/jobs';
import { JobStateBadge } from '../../components/badges';
import { useErrorText } from '../../components/ErrorText';
import { useFormat } from '../../lib/useFormat';
import { jobDurationMs, resultSummary } from './jobModel';

/** One line per job; Enter or click opens the detail drawer. */
export function JobHistory({
  jobs,
  now,
  onOpen,
}: {
  jobs: JobRecord[];
  now: number;
  onOpen: (id: string) => void;
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
            <th scope="col">{t('jobs.col.duration')}</th>
            <th scope="col">{t('jobs.col.outcome')}</th>
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
                <td className="mono">{j.envId ?? '—'}</td>
                <td>{t(`jobs.actor.${j.actor.type}`, { name: j.actor.name })}</td>
                <td>
                  <time dateTime={when} title={fmt.dateTime(when)}>
                    {fmt.dateTime(when)}
                  </time>
                </td>
                <td className="num">{d !== undefined ? fmt.durationMs(d) : '—'}</td>
                <td className="outcome wrap">
                  {j.error ? (
                    <span className={j.state === 'cancelled' ? 'muted' : 'text-danger'}>
                      {errText.title(j.error.code, j.error.message)}{' '}
                      <code className="error-code">{j.error.code}</code>
                    </span>
                  ) : (
                    <span className="muted">
                      {resultSummary(j.result) || j.progress.message || ''}
                    </span>
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
