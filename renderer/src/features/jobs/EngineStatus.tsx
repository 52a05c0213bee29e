import { useTranslation } from 'react-i18next';
import type { EnvironmentView } from '@shared/models/environment';
import { useJobEngine } from './useJobEngine';

/**
 * Whether the environment's runs and schedules are shared by the whole team (BullMQ on its Redis)
 * or live only in this Keel. The second is a warning: schedules stop when this process stops.
 */
export function EngineStatus({ env }: { env: EnvironmentView | undefined }) {
  const { t } = useTranslation();
  const engine = useJobEngine(env?.id);
  const s = engine.data?.envId === env?.id ? engine.data : undefined;
  if (!env) return null;
  if (!s) {
    if (!engine.error) return null;
    return (
      <p className="muted small" role="note" data-testid="engine-status-unknown">
        {t('jobs.engine.unknown', { env: env.name, message: engine.error.message })}
      </p>
    );
  }
  const where = t(`jobs.engine.records.${s.records}`);
  if (s.coordinated)
    return (
      <p
        className="engine-note"
        role="note"
        data-testid="engine-status"
        data-coordinated="true"
        data-engine={s.engine}
      >
        <span className="engine-dot" aria-hidden="true" />
        <span>
          {t('jobs.engine.coordinated', { count: s.workers })}{' '}
          <span className="muted">{t('jobs.engine.detail', { env: env.name, where })}</span>
        </span>
      </p>
    );
  return (
    <div
      className="callout callout-warn"
      role="note"
      data-testid="engine-status"
      data-coordinated="false"
      data-engine={s.engine}
    >
      <strong>
        {s.reason
          ? t('jobs.engine.notCoordinated', { reason: s.reason })
          : t('jobs.engine.notCoordinatedNoReason')}
      </strong>
      <span className="muted">{t('jobs.engine.notCoordinatedHint', { env: env.name, where })}</span>
    </div>
  );
}
