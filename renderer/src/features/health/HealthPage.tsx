import { useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ProbeStatus } from '@shared/models/health';
import { useAppState } from '../../app/AppState';
import { hrefOf } from '../../app/router';
import { useRefreshShortcut } from '../../app/shortcuts';
import { useToast } from '../../app/toasts';
import { ProductionBadge } from '../../components/badges';
import { EmptyState, Loading } from '../../components/EmptyState';
import { ErrorCallout } from '../../components/ErrorText';
import { PageHeader } from '../../components/PageHeader';
import { useFormat } from '../../lib/useFormat';
import { useNow } from '../../lib/useNow';
import { countByStatus, groupEntries } from './grouping';
import { HealthCard } from './HealthCard';
import { HealthSummary } from './HealthSummary';
import { useHealth } from './useHealth';
import './health.css';

export function HealthPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const toast = useToast();
  const { envs, envsError, reloadEnvs, activeEnv } = useAppState();
  const [all, setAll] = useState(false);
  const [filter, setFilter] = useState<ProbeStatus | undefined>();
  const [probing, setProbing] = useState(false);
  const health = useHealth(activeEnv?.id, all);
  const now = useNow(5_000);

  const names = useMemo(() => {
    const m = new Map<string, string>();
    for (const env of envs ?? [])
      for (const c of env.connections) m.set(`${env.id}/${c.id}`, c.name);
    return m;
  }, [envs]);
  const nameOf = useCallback(
    (envId: string, connectionId: string) => names.get(`${envId}/${connectionId}`) ?? connectionId,
    [names],
  );

  // While another environment loads, the previous snapshot is still held: never show its cards.
  const activeId = activeEnv?.id;
  const entries = useMemo(
    () => (health.data?.entries ?? []).filter((e) => all || e.latest.envId === activeId),
    [health.data, all, activeId],
  );
  const counts = useMemo(() => countByStatus(entries), [entries]);
  const groups = useMemo(() => {
    const shown = filter ? entries.filter((e) => e.latest.status === filter) : entries;
    return groupEntries(
      shown,
      (envs ?? []).map((e) => e.id),
      nameOf,
    );
  }, [entries, filter, envs, nameOf]);

  const targets = all
    ? (envs ?? []).filter((e) => e.connections.length > 0).map((e) => e.id)
    : activeEnv && activeEnv.connections.length > 0
      ? [activeEnv.id]
      : [];

  const probeAll = async (): Promise<void> => {
    if (probing || targets.length === 0) return;
    setProbing(true);
    try {
      const results = (await Promise.all(targets.map((envId) => health.probe({ envId })))).flat();
      const c = { up: 0, down: 0 };
      for (const r of results)
        if (r.status === 'up') c.up++;
        else if (r.status === 'down') c.down++;
      toast.success(t('health.probed', { count: results.length, up: c.up, down: c.down }));
    } catch (e) {
      toast.error(e, t('health.probeFailed'));
    } finally {
      setProbing(false);
    }
  };
  useRefreshShortcut(() => void probeAll());

  const { probe } = health;
  const probeOne = useCallback(
    async (envId: string, connectionId: string): Promise<void> => {
      try {
        await probe({ envId, connectionId });
      } catch (e) {
        toast.error(e, t('health.probeFailed'));
      }
    },
    [probe, toast, t],
  );

  const envById = new Map((envs ?? []).map((e) => [e.id, e]));
  const interval = health.data?.intervalMs;

  return (
    <div className="page">
      <PageHeader
        title={t('health.title')}
        subtitle={
          interval !== undefined
            ? t('health.interval', { every: fmt.durationMs(interval) })
            : undefined
        }
        actions={
          <>
            <label className="inline-check">
              <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} />
              {t('health.allEnvironments')}
            </label>
            <button
              type="button"
              className="btn btn-primary"
              aria-keyshortcuts="r"
              disabled={probing || targets.length === 0}
              data-testid="probe-now"
              onClick={() => void probeAll()}
            >
              {probing ? t('health.probing') : t('health.probeNow')}
            </button>
          </>
        }
      />
      {envsError ? (
        <ErrorCallout error={envsError} onRetry={() => void reloadEnvs()} />
      ) : !envs ? (
        <Loading label={t('common.loading')} />
      ) : envs.length === 0 ? (
        <EmptyState
          title={t('health.emptyNoEnv')}
          testId="health-empty"
          action={
            <a className="btn btn-primary" href={hrefOf('connections')}>
              {t('health.goConnections')}
            </a>
          }
        >
          {t('health.emptyNoEnvBody')}
        </EmptyState>
      ) : !all && activeEnv && activeEnv.connections.length === 0 ? (
        <EmptyState
          title={t('health.emptyNoConn', { env: activeEnv.name })}
          testId="health-empty"
          action={
            <a className="btn btn-primary" href={hrefOf('connections')}>
              {t('health.goConnections')}
            </a>
          }
        >
          {t('health.emptyNoConnBody')}
        </EmptyState>
      ) : health.error && !health.data ? (
        <ErrorCallout error={health.error} onRetry={() => void health.reload()} />
      ) : !health.data || (health.loading && entries.length === 0) ? (
        <Loading label={t('common.loading')} />
      ) : (
        <>
          {health.error && (
            <ErrorCallout error={health.error} onRetry={() => void health.reload()} />
          )}
          <HealthSummary
            counts={counts}
            total={entries.length}
            filter={filter}
            onFilter={setFilter}
          />
          {entries.length === 0 && (
            <EmptyState title={t('health.notProbed')} testId="health-empty">
              {t('health.notProbedBody')}
            </EmptyState>
          )}
          {groups.map((g) => {
            const env = envById.get(g.envId);
            return (
              <section key={g.envId} className="env-group" aria-label={env?.name ?? g.envId}>
                {(all || groups.length > 1) && (
                  <h2 className="group-title">
                    {env?.name ?? g.envId} <span className="muted mono">{g.envId}</span>
                    {env?.production && <ProductionBadge />}
                  </h2>
                )}
                <div className="role-groups">
                  {g.roles.map((r) => (
                    <section key={r.role} className="role-group" aria-label={r.role}>
                      <h3 className="role-title mono">{r.role}</h3>
                      <div className="card-grid">
                        {r.entries.map((e) => (
                          <HealthCard
                            key={`${e.latest.connectionId}/${e.latest.endpoint}`}
                            entry={e}
                            name={nameOf(g.envId, e.latest.connectionId)}
                            now={now}
                            onProbe={probeOne}
                          />
                        ))}
                      </div>
                    </section>
                  ))}
                </div>
              </section>
            );
          })}
        </>
      )}
    </div>
  );
}
