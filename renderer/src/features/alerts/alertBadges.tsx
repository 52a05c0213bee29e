import { useTranslation } from 'react-i18next';
import type { AlertState, Severity } from '@shared/alerts';

const SEVERITY_SHAPE: Record<Severity, string> = { critical: '■', warning: '▲', info: '●' };

/** Colour plus shape plus word, so severity never depends on colour alone. */
export function SeverityBadge({ severity }: { severity: Severity }) {
  const { t } = useTranslation();
  return (
    <span className={`pill sev sev-${severity}`} data-severity={severity}>
      <span aria-hidden="true">{SEVERITY_SHAPE[severity]}</span> {t(`alerts.severity.${severity}`)}
    </span>
  );
}

export function AlertStateBadge({ state }: { state: AlertState }) {
  const { t } = useTranslation();
  return (
    <span className={`pill alert-state alert-state-${state}`} data-state={state}>
      {t(`alerts.state.${state}`)}
    </span>
  );
}

export function SilencedMarker() {
  const { t } = useTranslation();
  return (
    <span
      className="pill alert-silenced"
      title={t('alerts.silencedHint')}
      data-testid="alert-silenced"
    >
      <span aria-hidden="true">⊘</span> {t('alerts.silenced')}
    </span>
  );
}
