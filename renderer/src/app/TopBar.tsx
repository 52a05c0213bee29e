import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { ProductionBadge } from '../components/badges';
import { useAppState } from './AppState';
import { LanguageSelect, ThemeSelect } from './PrefControls';
import { hrefOf } from './router';
import { useShowShortcutsHelp } from './shortcuts';

export function TopBar() {
  const { t } = useTranslation();
  const { envs, activeEnv, setActiveEnv } = useAppState();
  const showHelp = useShowShortcutsHelp();
  const id = useId();

  return (
    <header className="topbar">
      <div className="env-picker">
        <label htmlFor={id}>{t('env.label')}</label>
        {envs && envs.length === 0 ? (
          <a href={hrefOf('connections')} className="btn btn-small">
            {t('env.addFirst')}
          </a>
        ) : (
          <select
            id={id}
            className={activeEnv?.production ? 'input env-select prod' : 'input env-select'}
            value={activeEnv?.id ?? ''}
            disabled={!envs}
            data-testid="env-select"
            onChange={(e) => void setActiveEnv(e.target.value)}
          >
            {!envs && <option value="">{t('common.loading')}</option>}
            {envs?.map((env) => (
              <option key={env.id} value={env.id}>
                {env.production
                  ? t('env.optionProd', { name: env.name, id: env.id })
                  : t('env.option', { name: env.name, id: env.id })}
              </option>
            ))}
          </select>
        )}
        {activeEnv?.production && <ProductionBadge />}
      </div>
      <div className="topbar-tools">
        <LanguageSelect compact />
        <ThemeSelect compact />
        <button
          type="button"
          className="btn-icon"
          aria-label={t('shortcuts.title')}
          aria-keyshortcuts="?"
          title={t('shortcuts.title')}
          onClick={showHelp}
        >
          ?
        </button>
      </div>
    </header>
  );
}
