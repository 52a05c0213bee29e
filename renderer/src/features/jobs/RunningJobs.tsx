import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { JobRecord } from '@shared/jobs';
import { JobStateBadge } from '../../components/badges';
import { ProgressBar } from '../../components/ProgressBar';
import { useFormat } from '../../lib/useFormat';
import { jobDurationMs } from './jobModel';

export function RunningJobs({
  jobs,
  now,
  onCancel,
  onOpen,
}: {
  jobs: JobRecord[];
  now: number;
  onCancel: (id: string) => Promise<void>;
  onOpen: (id: string) => void;
}) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [cancelling, setCancelling] = useState<ReadonlySet<string>>(new Set());

  const cancel = async (id: string): Promise<void> => {
    setCancelling((s) => new Set(s).add(id));
    try {
      await onCancel(id);
    } finally {
      setCancelling((s) => {
        const n = new Set(s);
        n.delete(id);
        return n;
      });
    }
  };

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
            return (
              <li
                key={j.id}
                className="running-job"
                data-testid="running-job"
                data-job-id={j.id}
                data-state={j.state}
              >
                <div className="running-head">
                  <strong>{t(`jobs.kinds.${j.kind}`)}</strong>
                  {j.envId && <span className="mono muted">{j.envId}</span>}
                  <JobStateBadge state={j.state} />
                  <span className="muted">
                    {elapsed !== undefined
                      ? t('jobs.elapsed', { time: fmt.durationMs(elapsed) })
                      : t('jobs.waiting')}
                  </span>
                  <span className="spacer" />
                  <button type="button" className="btn btn-small" onClick={() => onOpen(j.id)}>
                    {t('jobs.details')}
                  </button>
                  <button
                    type="button"
                    className="btn btn-small btn-danger-quiet"
                    disabled={cancelling.has(j.id)}
                    data-testid="cancel-job"
                    onClick={() => void cancel(j.id)}
                  >
                    {cancelling.has(j.id) ? t('jobs.cancelling') : t('common.cancel')}
                  </button>
                </div>
                <ProgressBar
                  done={j.progress.done}
                  total={j.progress.total}
                  label={t('jobs.progressLabel', { kind: t(`jobs.kinds.${j.kind}`) })}
                />
                {j.progress.message && <div className="muted small">{j.progress.message}</div>}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
