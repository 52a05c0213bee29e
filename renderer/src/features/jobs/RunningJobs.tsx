import { useTranslation } from 'react-i18next';
import type { JobRecord } from '@shared/jobs';
import { JobStateBadge } from '../../components/badges';
import { ProgressBar } from '../../components/ProgressBar';
import { useFormat } from '../../lib/useFormat';
import { jobDurationMs } from './jobModel';
import { estimatedFinish, type ProgressSample } from './progressRate';

/** Queued and running jobs with their progress, elapsed time, ETA and a Cancel button. */
export function RunningJobs({
  jobs,
  samples,
  now,
  describeActor,
  onCancel,
  onOpen,
}: {
  jobs: JobRecord[];
  samples: Readonly<Record<string, ProgressSample[]>>;
  now: number;
  describeActor: (j: JobRecord) => string;
  /** Asks first (the page's confirmation). */
  onCancel: (job: JobRecord) => void;
  onOpen: (id: string) => void;
}) {
  const { t } = useTranslation();
  const fmt = useFormat();

  return (
    <section className="panel" aria-labelledby="running-heading">
      <h2 id="running-heading" className="section-title">
        {t('jobs.running', { count: jobs.length })}
      </h2>
      {jobs.length === 0 ? (
        <p className="muted">{t('jobs.noneRunning')}</p>
      ) : (
        <ul className="running-list">
          {jobs.map((j) => {
            const elapsed = jobDurationMs(j, now);
            const finish = estimatedFinish(samples[j.id], j.progress);
            const kind = t(`jobs.kinds.${j.kind}`);
            return (
              <li
                key={j.id}
                className="running-job"
                data-testid="running-job"
                data-job-id={j.id}
                data-state={j.state}
              >
                <div className="running-head">
                  <strong>{kind}</strong>
                  {j.envId && <span className="mono muted">{j.envId}</span>}
                  <JobStateBadge state={j.state} />
                  <span className="muted small">{describeActor(j)}</span>
                  <span className="spacer" />
                  <button type="button" className="btn btn-small" onClick={() => onOpen(j.id)}>
                    {t('jobs.details')}
                  </button>
                  <button
                    type="button"
                    className="btn btn-small btn-danger-quiet"
                    data-testid="cancel-job"
                    aria-label={t('jobs.cancelNamed', { kind })}
                    onClick={() => onCancel(j)}
                  >
                    {t('common.cancel')}
                  </button>
                </div>
                <ProgressBar
                  done={j.progress.done}
                  total={j.progress.total}
                  label={t('jobs.progressLabel', { kind })}
                  testId="progress-bar"
                />
                <div className="running-meta small">
                  <span>
                    {elapsed !== undefined
                      ? t('jobs.elapsed', { time: fmt.durationMs(elapsed) })
                      : t('jobs.waiting')}
                  </span>
                  <span data-testid="job-eta" data-eta-ms={finish && Math.max(0, finish - now)}>
                    {t('jobs.eta', {
                      time: etaText(finish, now, fmt.durationMs, t('jobs.etaSoon')),
                    })}
                  </span>
                  {j.attempts > 1 && (
                    <span className="muted">{t('jobs.attempt', { n: j.attempts })}</span>
                  )}
                  {j.progress.message && (
                    <span className="muted running-message">{j.progress.message}</span>
                  )}
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

/** "—" without an estimate; "any moment" once it is due; else the time left, to the second. */
function etaText(
  finish: number | undefined,
  now: number,
  duration: (ms: number) => string,
  soon: string,
): string {
  if (finish === undefined) return '—';
  const left = finish - now;
  return left < 1000 ? soon : duration(Math.ceil(left / 1000) * 1000);
}
