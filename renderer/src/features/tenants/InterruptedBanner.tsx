import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { JobRecord } from '@shared/jobs';
import type { Interrupted } from '@shared/tenants';
import { useToast } from '../../app/toasts';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { useFormat } from '../../lib/useFormat';
import { FollowedJobRun } from './JobRun';
import type { TenantActions } from './useTenants';

/**
 * Provisionings that stopped half-way (Keel was killed, the machine crashed): each can be finished
 * (Resume) or undone (Roll back), both as jobs followed here.
 */
export function InterruptedBanner({
  items,
  actions,
  onChanged,
}: {
  items: readonly Interrupted[];
  actions: TenantActions;
  /** A resume or roll-back finished: the list and this banner are read again. */
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const fmt = useFormat();
  const headingId = useId();
  /** Jobs started here; a completed one leaves (its toast says so), a failed one stays shown. */
  const [jobs, setJobs] = useState<Readonly<Record<string, { job: JobRecord; final: boolean }>>>(
    {},
  );
  const [starting, setStarting] = useState<string | undefined>();
  const [confirmRollback, setConfirmRollback] = useState<string | undefined>();

  const start = async (tenantId: string, run: () => Promise<JobRecord>): Promise<void> => {
    setStarting(tenantId);
    try {
      const job = await run();
      setJobs((j) => ({ ...j, [tenantId]: { job, final: false } }));
    } finally {
      setStarting(undefined);
    }
  };
  const resume = (tenantId: string): void => {
    start(tenantId, () => actions.resumeProvisioning(tenantId)).catch((e: unknown) =>
      toast.error(e, t('tenants.interrupted.startFailed')),
    );
  };

  const finished = (tenantId: string, job: JobRecord): void => {
    setJobs((all) => {
      const { [tenantId]: entry, ...rest } = all;
      if (entry?.job.id !== job.id) return all;
      return job.state === 'completed' ? rest : { ...rest, [tenantId]: { job, final: true } };
    });
    if (job.state === 'completed')
      toast.success(
        job.kind === 'tenants.rollback'
          ? t('tenants.interrupted.rolledBack', { id: tenantId })
          : t('tenants.interrupted.resumed', { id: tenantId }),
      );
    onChanged();
  };

  const shown = items.length > 0 || Object.keys(jobs).length > 0;
  if (!shown) return null;
  const ids = [...new Set([...items.map((i) => i.tenantId), ...Object.keys(jobs)])];

  return (
    <section
      className="callout callout-warn interrupted"
      aria-labelledby={headingId}
      data-testid="interrupted-banner"
    >
      <h2 id={headingId} className="section-title">
        {t('tenants.interrupted.title', { count: items.length })}
      </h2>
      <p className="small">{t('tenants.interrupted.body')}</p>
      <ul className="interrupted-list">
        {ids.map((id) => {
          const item = items.find((i) => i.tenantId === id);
          const entry = jobs[id];
          return (
            <li key={id} data-testid="interrupted-item" data-tenant-id={id}>
              <div className="running-head">
                <strong className="mono">{id}</strong>
                {item && (
                  <span className="muted small">
                    {t(`tenants.interrupted.state.${item.state}`, {
                      steps: item.stepsDone,
                      when: fmt.ago(item.updatedAt),
                    })}
                  </span>
                )}
                <span className="spacer" />
                {item && (!entry || entry.final) && (
                  <>
                    <button
                      type="button"
                      className="btn btn-small"
                      disabled={starting !== undefined}
                      data-testid="interrupted-resume"
                      aria-label={t('tenants.interrupted.resumeNamed', { id })}
                      onClick={() => resume(id)}
                    >
                      {t('tenants.interrupted.resume')}
                    </button>
                    <button
                      type="button"
                      className="btn btn-small btn-danger-quiet"
                      disabled={starting !== undefined}
                      data-testid="interrupted-rollback"
                      aria-label={t('tenants.interrupted.rollbackNamed', { id })}
                      onClick={() => setConfirmRollback(id)}
                    >
                      {t('tenants.interrupted.rollback')}
                    </button>
                  </>
                )}
              </div>
              {item?.error && <div className="error-message small">{item.error}</div>}
              {entry && (
                <FollowedJobRun
                  key={entry.job.id}
                  initial={entry.job}
                  showLog={false}
                  onFinished={(j) => finished(id, j)}
                />
              )}
            </li>
          );
        })}
      </ul>
      <ConfirmDialog
        open={confirmRollback !== undefined}
        onClose={() => setConfirmRollback(undefined)}
        title={t('tenants.interrupted.rollbackTitle', { id: confirmRollback ?? '' })}
        confirmLabel={t('tenants.interrupted.rollback')}
        danger
        onConfirm={async () => {
          if (confirmRollback === undefined) return;
          const id = confirmRollback;
          await start(id, () => actions.rollback(id));
        }}
      >
        {t('tenants.interrupted.rollbackBody')}
      </ConfirmDialog>
    </section>
  );
}
