import { useTranslation } from 'react-i18next';
import type { SystemInfo } from '../system/useSystemInfo';

export function SystemInfoView({ info }: { info: SystemInfo }) {
  const { t } = useTranslation();
  return (
    <dl className="kv kv-wide" data-testid="system-info">
      <dt>{t('settings.info.version')}</dt>
      <dd className="mono">
        {info.name} {info.version}
      </dd>
      <dt>{t('settings.info.shell')}</dt>
      <dd>{t(`settings.shells.${info.shell}`)}</dd>
      <dt>{t('settings.info.platform')}</dt>
      <dd className="mono">{info.platform}</dd>
      <dt>{t('settings.info.node')}</dt>
      <dd className="mono">{info.node}</dd>
      {info.electron !== undefined && (
        <>
          <dt>{t('settings.info.electron')}</dt>
          <dd className="mono">{info.electron}</dd>
        </>
      )}
      <dt>{t('settings.info.dataDir')}</dt>
      <dd className="mono break">{info.userDataDir}</dd>
      <dt>{t('settings.info.secretStorage')}</dt>
      <dd>
        <span className="mono">{info.secretStorage.backend}</span>{' '}
        <span
          className={info.secretStorage.safe ? 'pill pill-ok' : 'pill pill-warn'}
          data-testid="secret-storage-safe"
        >
          {info.secretStorage.safe ? t('settings.info.safe') : t('settings.info.unsafe')}
        </span>
      </dd>
    </dl>
  );
}
