import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { ProbeStatus } from '@shared/models/health';
import { useAppState } from '../../app/AppState';
import { useRefreshShortcut } from '../../app/shortcuts';
import { ProductionBadge } from '../../components/badges';
import { EmptyState, Loading } from '../../components/EmptyState';
import { ErrorCallout } from '../../components/ErrorText';
import { PageHeader } from '../../components/PageHeader';
import { useHealth } from '../health/useHealth';
import { AlertsPanel } from './AlertsPanel';
import { StoreCard } from './StoreCard';
import { StorePage } from './StorePage';
import { worstFirst } from './readings';
import { readingKey, useLatestReadings, useStoreHash } from './useMonitoring';
import './monitoring.css';

/** `#/overview`: every environment's stores; `#/overview/<env>/<connection>`: one store. */
export function OverviewPage() {
  const store = useStoreHash();
  return store ? <StorePage envId={store.envId} connectionId={store.connectionId} /> : <Overview />;
}

function Overview() {
  const { t } = useTranslation();
  const { envs, envsError, reloadEnvs } = useAppState();
  const health = useHealth(undefined, true);
  const envIds = useMemo(() => (envs ?? []).map((e) => e.id), [envs]);
  const readings = useLatestReadings(envIds);
  useRefreshShortcut(() => {
    void readings.reload();
    void health.reload();
  });

  const status = useMemo(() => {
    const m = new Map<string, ProbeStatus>();
    for (const e of health.data?.entries ?? []) {
      if (e.latest.endpoint !== 'primary') continue;
      m.set(readingKey(e.latest.envId, e.latest.connectionId), e.latest.status);
    }
    return m;
  }, [health.data]);

  return (
    <div className="page overview-page" data-testid="overview-page">
      <PageHeader title={t('monitoring.title')} subtitle={t('monitoring.subtitle')} />
      {envsError && <ErrorCallout error={envsError} onRetry={() => void reloadEnvs()} />}
      <div className="overview-layout">
        <div className="overview-envs">
          {envs === undefined ? (
            <Loading label={t('common.loading')} />
          ) : envs.length === 0 ? (
            <EmptyState title={t('monitoring.noEnvironments')} />
          ) : (
            envs.map((env) => (
              <section
                key={env.id}
                className="overview-env"
                aria-labelledby={`ov-env-${env.id}`}
                data-testid="overview-env"
                data-env-id={env.id}
              >
                <h2 id={`ov-env-${env.id}`} className="overview-env-title">
                  {env.name} <span className="muted mono">{env.id}</span>
                  {env.production && <ProductionBadge />}
                </h2>
                {env.connections.length === 0 ? (
                  <p className="muted">{t('monitoring.noStores')}</p>
                ) : (
                  <div className="card-grid">
                    {worstFirst(
                      env.connections,
                      (c) => status.get(readingKey(env.id, c.id)) ?? 'unknown',
                      (c) => readings.data?.[readingKey(env.id, c.id)]?.error !== undefined,
                    ).map((c) => (
                      <StoreCard
                        key={c.id}
                        envId={env.id}
                        connection={c}
                        status={status.get(readingKey(env.id, c.id)) ?? 'unknown'}
                        reading={readings.data?.[readingKey(env.id, c.id)]}
                      />
                    ))}
                  </div>
                )}
              </section>
            ))
          )}
        </div>
        <AlertsPanel />
      </div>
    </div>
  );
}
