import { useTranslation } from 'react-i18next';
import { useConnection } from '../features/system/useConnection';

/** Server mode only: the WebSocket to Keel dropped, or Keel said it is shutting down. */
export function ConnectionBanner() {
  const { t } = useTranslation();
  const { shell, status, everOpen, shutdownReason } = useConnection();
  if (shell !== 'server') return null;
  const lost = everOpen && status !== 'open';
  if (!lost && shutdownReason === undefined) return null;
  return (
    <div className="banner banner-warn" role="alert" data-testid="connection-banner">
      {lost ? t('banner.lost') : t('banner.shuttingDown', { reason: shutdownReason })}
    </div>
  );
}
