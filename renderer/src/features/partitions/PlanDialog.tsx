import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { JobRecord } from '@shared/jobs';
import type { PartitionsApplyResult, PartitionsPlan } from '@shared/partitions';
import { Dialog } from '../../components/Dialog';
import { ErrorCallout } from '../../components/ErrorText';
import { toKeelError } from '../../lib/errors';
import { useFormat } from '../../lib/useFormat';
import { FollowedJobRun } from '../tenants/JobRun';

/**
 * The plan preview: the exact DDL per table, refused tables with the reason and cost, drops
 * retention would make; then the run with confirmation (the environment's id typed when it drops
 * partitions) and its progress.
 */
export function PlanDialog({
  envId,
  plan,
  onClose,
  onApply,
  onFinished,
}: {
  envId: string;
  plan: PartitionsPlan | undefined;
  onClose: () => void;
  onApply: () => Promise<JobRecord>;
  onFinished: () => void;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const [job, setJob] = useState<JobRecord | undefined>();
  const [error, setError] = useState<unknown>();
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const changes = plan?.plans.filter((p) => p.status !== 'ok' || p.drops.length) ?? [];
  const planned = changes.filter((p) => p.status === 'planned');
  const drops = changes.reduce((n, p) => n + p.drops.length, 0);
  const needsType = drops > 0;
  const canRun = !job && (planned.length > 0 || drops > 0) && (!needsType || typed === envId);

  const run = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setJob(await onApply());
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open={plan !== undefined}
      onClose={onClose}
      title={t('partitions.planTitle')}
      size="lg"
      busy={busy}
      testId="partition-plan"
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            {job ? t('common.close') : t('common.cancel')}
          </button>
          <button
            type="button"
            className={`btn ${needsType ? 'btn-danger' : 'btn-primary'}`}
            disabled={!canRun || busy}
            data-testid="partition-apply"
            onClick={() => void run()}
          >
            {t('partitions.run')}
          </button>
        </>
      }
    >
      <p data-testid="plan-summary">
        {t('partitions.planSummary', {
          planned: planned.length,
          refused: changes.filter((p) => p.status === 'refused').length,
          drops,
        })}
      </p>
      {changes.length === 0 && <p className="muted">{t('partitions.nothingToDo')}</p>}
      <ul className="plan-list">
        {changes.map((p) => (
          <li key={`${p.connectionId}/${p.schema}.${p.table}`} data-testid="plan-item">
            <div className="mono">
              {p.schema}.{p.table}{' '}
              <span className="muted small">({t(`partitions.planStatus.${p.status}`)})</span>
            </div>
            {p.statement && <pre className="mono small plan-sql">{p.statement.sql}</pre>}
            {p.status === 'refused' && (
              <p className="small">
                {p.reason}
                {p.costRows !== undefined &&
                  ` ${t('partitions.splitCost', { rows: f.number(p.costRows), bytes: p.costBytes ?? 0 })}`}
              </p>
            )}
            {p.dropStatement && <pre className="mono small plan-sql">{p.dropStatement}</pre>}
          </li>
        ))}
      </ul>
      {needsType && !job && (
        <label className="field">
          <span>{t('partitions.typeToDrop', { count: drops, env: envId })}</span>
          <input
            className="input mono"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            data-testid="partition-confirm"
          />
        </label>
      )}
      {error !== undefined && <ErrorCallout error={toKeelError(error)} />}
      {job && (
        <FollowedJobRun key={job.id} initial={job} onFinished={onFinished} showLog>
          {(j) => {
            const r = j.result as PartitionsApplyResult | undefined;
            return r ? (
              <p data-testid="apply-result">
                {t('partitions.applyResult', {
                  applied: r.applied,
                  dropped: r.dropped,
                  failed: r.failed,
                  refused: r.refused,
                })}
              </p>
            ) : null;
          }}
        </FollowedJobRun>
      )}
    </Dialog>
  );
}
