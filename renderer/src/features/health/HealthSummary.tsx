import { useTranslation } from 'react-i18next';
import type { ProbeStatus } from '@shared/models/health';
import { PROBE_STATUSES } from './grouping';

/** "3 up · 1 down …"; each count filters the cards to that status (click again to clear). */
export function HealthSummary({
  counts,
  total,
  filter,
  onFilter,
}: {
  counts: Record<ProbeStatus, number>;
  total: number;
  filter: ProbeStatus | undefined;
  onFilter: (s: ProbeStatus | undefined) => void;
}) {
  const { t } = useTranslation();
  return (
    <div
      className="summary"
      role="group"
      aria-label={t('health.summary')}
      data-testid="health-summary"
    >
      <span className="summary-total">{t('health.endpoints', { count: total })}</span>
      {PROBE_STATUSES.map((s) => (
        <button
          key={s}
          type="button"
          className={`summary-chip status-${s}`}
          aria-pressed={filter === s}
          disabled={counts[s] === 0 && filter !== s}
          data-testid={`summary-${s}`}
          data-count={counts[s]}
          onClick={() => onFilter(filter === s ? undefined : s)}
        >
          <strong>{counts[s]}</strong> {t(`health.status.${s}`)}
        </button>
      ))}
      {filter !== undefined && (
        <button type="button" className="btn-link" onClick={() => onFilter(undefined)}>
          {t('health.showAll')}
        </button>
      )}
    </div>
  );
}
