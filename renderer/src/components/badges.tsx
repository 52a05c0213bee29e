import { useTranslation } from 'react-i18next';
import type { StoreKind } from '@shared/models/environment';
import type { ProbeStatus } from '@shared/models/health';
import type { JobState } from '@shared/jobs';

const STATUS_SHAPE: Record<ProbeStatus, string> = {
  up: '●',
  degraded: '▲',
  down: '■',
  unknown: '○',
};

/** Colour plus shape plus word, so status never depends on colour alone. */
export function StatusBadge({ status }: { status: ProbeStatus }) {
  const { t } = useTranslation();
  return (
    <span className={`status status-${status}`}>
      <span aria-hidden="true">{STATUS_SHAPE[status]}</span> {t(`health.status.${status}`)}
    </span>
  );
}

const KIND_MONOGRAM: Record<StoreKind, string> = {
  mysql: 'My',
  mongodb: 'Mg',
  redis: 'Rd',
  influxdb: 'Ix',
};

export function KindBadge({ kind, withLabel = true }: { kind: StoreKind; withLabel?: boolean }) {
  const { t } = useTranslation();
  return (
    <span className="kind" title={t(`kinds.${kind}`)}>
      <span className={`kind-icon kind-${kind}`} aria-hidden="true">
        {KIND_MONOGRAM[kind]}
      </span>
      {withLabel ? (
        <span>{t(`kinds.${kind}`)}</span>
      ) : (
        <span className="sr-only">{t(`kinds.${kind}`)}</span>
      )}
    </span>
  );
}

export function JobStateBadge({ state }: { state: JobState }) {
  const { t } = useTranslation();
  return <span className={`pill job-${state}`}>{t(`jobs.state.${state}`)}</span>;
}

export function ProductionBadge() {
  const { t } = useTranslation();
  return <span className="pill pill-prod">{t('env.production')}</span>;
}
