import { useTranslation } from 'react-i18next';
import { useFiringCount } from '../features/alerts/useAlerts';
import { GO_KEYS } from './shortcuts';
import { hrefOf, ROUTE_IDS, type RouteId } from './router';

const KEY_OF = Object.fromEntries(Object.entries(GO_KEYS).map(([k, r]) => [r, k])) as Record<
  RouteId,
  string
>;

const ICONS: Record<RouteId, string> = {
  overview: 'M2.5 2.5h4.5v5h-4.5zM9 2.5h4.5v3H9zM9 7.5h4.5v6H9zM2.5 9.5h4.5v4h-4.5z',
  health: 'M2 9h3l2-5 3 10 2-5h4',
  connections: 'M5 3v4M11 3v4M3 7h10v2a5 5 0 0 1-10 0zM8 14v2',
  tenants: 'M2.5 14V5.5L8 2.5l5.5 3V14M6 14v-3h4v3M6 7h1M9 7h1',
  partitions: 'M2.5 3h11v10h-11zM6 3v10M9.5 3v10M2.5 7h11',
  alerts: 'M4 11V7a4 4 0 0 1 8 0v4l1.5 1.5h-11zM6.5 14h3',
  jobs: 'M3 4h10M3 8h10M3 12h6',
  schedules: 'M8 2.5a5.5 5.5 0 1 0 0 11 5.5 5.5 0 0 0 0-11zM8 5v3l2 1.5',
  settings:
    'M8 5a3 3 0 1 0 0 6 3 3 0 0 0 0-6zM8 1v2M8 13v2M1 8h2M13 8h2M3 3l1.5 1.5M11.5 11.5 13 13M3 13l1.5-1.5M11.5 4.5 13 3',
};

export function NavBar({ route }: { route: RouteId }) {
  const { t } = useTranslation();
  const items: readonly RouteId[] = ROUTE_IDS;
  const firing = useFiringCount();
  return (
    <nav className="nav" aria-label={t('nav.label')}>
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          K
        </span>
        <span>{t('app.name')}</span>
      </div>
      <ul>
        {items.map((id) => (
          <li key={id}>
            <a
              href={hrefOf(id)}
              className="nav-link"
              aria-current={route === id ? 'page' : undefined}
              aria-keyshortcuts={`g ${KEY_OF[id]}`}
              data-testid={`nav-${id}`}
            >
              <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
                <path
                  d={ICONS[id]}
                  fill="none"
                  stroke="currentColor"
                  strokeWidth="1.5"
                  strokeLinecap="round"
                />
              </svg>
              <span>{t(`nav.${id}`)}</span>
              {id === 'alerts' && firing !== undefined && firing > 0 && (
                <span
                  className="nav-badge"
                  data-testid="nav-alerts-badge"
                  aria-label={t('alerts.firingCount', { count: firing })}
                >
                  {firing}
                </span>
              )}
              <kbd className="nav-kbd" aria-hidden="true">
                g {KEY_OF[id]}
              </kbd>
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
