import { useTranslation } from 'react-i18next';
import { useFormat } from '../../lib/useFormat';
import { useAlertSummary } from './useAlerts';

/**
 * An environment whose core database (where the team's alert state lives) does not answer:
 * this console evaluates its alerts alone meanwhile, and says so, with since when.
 */
export function LocalAlertsBanner() {
  const { t } = useTranslation();
  const f = useFormat();
  const local = (useAlertSummary().data ?? []).filter((s) => s.localSince !== undefined);
  if (local.length === 0) return null;
  return (
    <div className="banner banner-warn" role="alert" data-testid="local-alerts-banner">
      {local.map((s) => (
        <p key={s.envId}>
          {t('banner.localAlerts', { env: s.envId, time: f.time(s.localSince ?? '') })}
        </p>
      ))}
    </div>
  );
}
