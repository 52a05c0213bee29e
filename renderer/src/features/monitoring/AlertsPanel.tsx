import { useTranslation } from 'react-i18next';
import { EmptyState, Loading } from '../../components/EmptyState';
import { useFormat } from '../../lib/useFormat';
import { SeverityBadge } from '../alerts/alertBadges';
import { useActiveAlerts } from './useMonitoring';

/** Firing and acknowledged alerts; a quiet note when the alerts backend is not there. */
export function AlertsPanel() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const alerts = useActiveAlerts();
  const list = alerts.data ?? [];
  return (
    <section
      className="overview-alerts"
      aria-labelledby="overview-alerts-title"
      data-testid="active-alerts"
    >
      <h2 id="overview-alerts-title">{t('monitoring.activeAlerts')}</h2>
      {alerts.error ? (
        <p className="muted" data-testid="alerts-unavailable">
          {t('monitoring.alertsUnavailable')}
        </p>
      ) : alerts.loading && !alerts.data ? (
        <Loading label={t('common.loading')} />
      ) : list.length === 0 ? (
        <EmptyState title={t('monitoring.noAlerts')} testId="alerts-empty" />
      ) : (
        <ul className="alert-list">
          {list.map((a) => (
            <li
              key={a.id}
              className={`alert-item sev-${a.severity}`}
              data-testid="active-alert"
              data-state={a.state}
            >
              <SeverityBadge severity={a.severity} />
              <span className="alert-name">{a.ruleName}</span>
              <span className="muted">
                {a.envId} · {t(`monitoring.alertState.${a.state}`, { defaultValue: a.state })} ·{' '}
                {fmt.ago(a.firingAt ?? a.startsAt)}
              </span>
              <span className="alert-summary">{a.summary}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
