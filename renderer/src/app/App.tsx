import { useEffect, useRef, type ComponentType } from 'react';
import { useTranslation } from 'react-i18next';
import { AlertsPage } from '../features/alerts/AlertsPage';
import { ConnectionsPage } from '../features/connections/ConnectionsPage';
import { HealthPage } from '../features/health/HealthPage';
import { JobsPage } from '../features/jobs/JobsPage';
import { PartitionsPage } from '../features/partitions/PartitionsPage';
import { OverviewPage } from '../features/monitoring/OverviewPage';
import { SchedulesPage } from '../features/schedules/SchedulesPage';
import { SettingsPage } from '../features/settings/SettingsPage';
import { TenantsPage } from '../features/tenants/TenantsPage';
import { AppStateProvider, useAppState } from './AppState';
import { LocalAlertsBanner } from '../features/alerts/LocalAlertsBanner';
import { ConnectionBanner } from './ConnectionBanner';
import { PageErrorBoundary } from './ErrorBoundary';
import { NavBar } from './NavBar';
import { useRoute, type RouteId } from './router';
import { ShortcutsProvider } from './shortcuts';
import { ToastProvider } from './toasts';
import { TopBar } from './TopBar';
import './shell.css';

const PAGES: Record<RouteId, ComponentType> = {
  overview: OverviewPage,
  health: HealthPage,
  connections: ConnectionsPage,
  tenants: TenantsPage,
  partitions: PartitionsPage,
  alerts: AlertsPage,
  jobs: JobsPage,
  schedules: SchedulesPage,
  settings: SettingsPage,
};

export function App() {
  return (
    <ToastProvider>
      <AppStateProvider>
        <ShortcutsProvider>
          <Shell />
        </ShortcutsProvider>
      </AppStateProvider>
    </ToastProvider>
  );
}

function Shell() {
  const { t } = useTranslation();
  const route = useRoute();
  const { activeEnv } = useAppState();
  const main = useRef<HTMLElement>(null);
  const Page = PAGES[route];

  useEffect(() => {
    document.title = `${t(`nav.${route}`)} · ${t('app.name')}`;
  }, [route, t]);

  // After navigating, move focus to the new page so keyboard and screen-reader users land there.
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [route]);

  return (
    <div className="shell" data-production={activeEnv?.production ? 'true' : undefined}>
      <a
        className="skip-link"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          main.current?.focus();
        }}
      >
        {t('app.skipToContent')}
      </a>
      <NavBar route={route} />
      <div className="shell-main">
        <TopBar />
        <ConnectionBanner />
        <LocalAlertsBanner />
        <main id="main" ref={main} tabIndex={-1} className="content">
          <PageErrorBoundary resetKey={route}>
            <Page />
          </PageErrorBoundary>
        </main>
      </div>
    </div>
  );
}
