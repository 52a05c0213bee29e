import { useRef, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppState } from '../../app/AppState';
import { hashParam, setHashParams, useHashParams } from '../../app/hashParams';
import { hrefOf } from '../../app/router';
import { useRefreshShortcut } from '../../app/shortcuts';
import { EmptyState } from '../../components/EmptyState';
import { PageHeader } from '../../components/PageHeader';
import { AlertsTab } from './AlertsTab';
import { HistoryTab } from './HistoryTab';
import { RulesTab } from './RulesTab';
import { SilencesTab } from './SilencesTab';
import { useAlerts } from './useAlerts';
import './alerts.css';

const TABS = ['alerts', 'rules', 'silences', 'history'] as const;
type Tab = (typeof TABS)[number];

/** The active environment's alerts, their rules (and webhooks), and silences. */
export function AlertsPage() {
  const { t } = useTranslation();
  const { activeEnv, envs } = useAppState();
  // The tab is in the address (`#/alerts?tab=rules`): a refresh or a link opens the same one.
  const rawTab = hashParam(useHashParams(), 'tab');
  const tab: Tab = (TABS as readonly string[]).includes(rawTab) ? (rawTab as Tab) : 'alerts';
  const setTab = (next: Tab): void => setHashParams({ tab: next === 'alerts' ? undefined : next });
  const alerts = useAlerts(activeEnv?.id);
  const tabRefs = useRef<Array<HTMLButtonElement | null>>([]);
  const firing = alerts.data?.filter((a) => a.state === 'firing' && !a.silenced).length;
  useRefreshShortcut(() => void alerts.reload());

  const header = (
    <PageHeader
      title={t('alerts.title')}
      subtitle={activeEnv ? t('alerts.subtitle', { env: activeEnv.name }) : undefined}
    />
  );
  if (envs && !activeEnv)
    return (
      <div className="page">
        {header}
        <EmptyState
          title={t('alerts.noEnvTitle')}
          action={
            <a className="btn" href={hrefOf('connections')}>
              {t('env.addFirst')}
            </a>
          }
        />
      </div>
    );

  const onTabKey = (e: KeyboardEvent, i: number): void => {
    const to = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : undefined;
    if (to === undefined) return;
    e.preventDefault();
    const n = (to + TABS.length) % TABS.length;
    setTab(TABS[n] ?? 'alerts');
    tabRefs.current[n]?.focus();
  };

  return (
    <div className={tab === 'alerts' ? 'page alerts-page alerts-page-fill' : 'page alerts-page'}>
      {header}
      <div role="tablist" className="tabs" aria-label={t('alerts.title')}>
        {TABS.map((id, i) => (
          <button
            key={id}
            ref={(el) => {
              tabRefs.current[i] = el;
            }}
            type="button"
            role="tab"
            id={`alerts-tab-${id}`}
            aria-selected={tab === id}
            aria-controls={`alerts-panel-${id}`}
            tabIndex={tab === id ? 0 : -1}
            className="tab"
            data-testid={`alerts-tab-${id}`}
            onClick={() => setTab(id)}
            onKeyDown={(e) => onTabKey(e, i)}
          >
            {t(`alerts.tabs.${id}`)}
            {id === 'alerts' && firing !== undefined && firing > 0 && (
              <span className="nav-badge" aria-label={t('alerts.firingCount', { count: firing })}>
                {firing}
              </span>
            )}
          </button>
        ))}
      </div>
      <div
        role="tabpanel"
        id={`alerts-panel-${tab}`}
        aria-labelledby={`alerts-tab-${tab}`}
        className="tab-panel"
      >
        {activeEnv &&
          (tab === 'alerts' ? (
            <AlertsTab alerts={alerts} />
          ) : tab === 'rules' ? (
            <RulesTab envId={activeEnv.id} />
          ) : tab === 'silences' ? (
            <SilencesTab envId={activeEnv.id} />
          ) : (
            <HistoryTab envId={activeEnv.id} />
          ))}
      </div>
    </div>
  );
}
