import { memo, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { HealthEntry } from '@shared/models/health';
import { Sparkline } from '../../charts/Sparkline';
import { KindBadge, StatusBadge } from '../../components/badges';
import { PlainErrorView, useErrorText } from '../../components/ErrorText';
import { useFormat } from '../../lib/useFormat';
import { PoolStatsView } from './PoolStatsView';

export interface HealthCardProps {
  entry: HealthEntry;
  name: string;
  now: number;
  onProbe: (envId: string, connectionId: string) => Promise<void>;
}

export const HealthCard = memo(function HealthCard({ entry, name, now, onProbe }: HealthCardProps) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const errText = useErrorText();
  const titleId = useId();
  const [probing, setProbing] = useState(false);
  const { latest, history, pool, breaker, lastError } = entry;
  const isReplica = latest.endpoint === 'replica' || latest.serverRole === 'replica';
  const failing = latest.status === 'down' || latest.status === 'degraded';
  const shownError = latest.error ?? (failing ? lastError : undefined);
  const shownErrorAt = latest.error ? latest.at : lastError?.at;
  const pastError = !shownError ? lastError : undefined;

  const values = history.flatMap((h) => (h.latencyMs === null ? [] : [h.latencyMs]));
  const sparkLabel =
    values.length > 0
      ? t('health.sparkLabel', {
          count: history.length,
          min: fmt.latency(Math.min(...values)),
          max: fmt.latency(Math.max(...values)),
        })
      : t('health.sparkEmpty');

  const probe = async (): Promise<void> => {
    setProbing(true);
    try {
      await onProbe(latest.envId, latest.connectionId);
    } finally {
      setProbing(false);
    }
  };

  return (
    <article
      className={`card health-card card-${latest.status}`}
      aria-labelledby={titleId}
      data-testid="health-card"
      data-connection-id={latest.connectionId}
      data-endpoint={latest.endpoint}
      data-status={latest.status}
    >
      <header className="card-header">
        <KindBadge kind={latest.kind} withLabel={false} />
        <h3 id={titleId} className="card-title">
          {name}
          {latest.endpoint === 'replica' && (
            <span className="pill">{t('health.replicaEndpoint')}</span>
          )}
        </h3>
        <StatusBadge status={latest.status} />
      </header>
      <div className="card-sub">
        <span className="mono">{latest.role}</span>
        <span aria-hidden="true"> · </span>
        <span className="mono" title={t('health.address')}>
          {latest.address}
        </span>
        <span aria-hidden="true"> · </span>
        <span>{t(`kinds.${latest.kind}`)}</span>
      </div>

      <div className="card-metrics">
        <div className="metric">
          <span className="metric-label">{t('health.latency')}</span>
          <span className="metric-value" data-testid="latency">
            {latest.latencyMs !== undefined ? fmt.latency(latest.latencyMs) : '—'}
          </span>
        </div>
        <Sparkline points={history} label={sparkLabel} />
      </div>

      <dl className="kv">
        <dt>{t('health.version')}</dt>
        <dd data-testid="version" className="mono">
          {latest.version ?? '—'}
        </dd>
        <dt>{t('health.serverRole')}</dt>
        <dd>{latest.serverRole ? t(`health.serverRoles.${latest.serverRole}`) : '—'}</dd>
        {isReplica && (
          <>
            <dt>{t('health.lag')}</dt>
            <dd
              data-testid="replication-lag"
              className={latest.replicationLagSec === null ? 'text-danger' : undefined}
            >
              {latest.replicationLagSec === null
                ? t('health.lagUnknown')
                : latest.replicationLagSec === undefined
                  ? '—'
                  : fmt.duration(latest.replicationLagSec)}
            </dd>
          </>
        )}
        <dt>{t('health.uptime')}</dt>
        <dd>{latest.uptimeSec !== undefined ? fmt.duration(latest.uptimeSec) : '—'}</dd>
      </dl>

      {pool && <PoolStatsView pool={pool} />}

      {breaker !== 'closed' && (
        <div className={`breaker breaker-${breaker}`} role="note" data-testid="breaker">
          {t(`health.breaker.${breaker}`)}
        </div>
      )}

      {shownError && <PlainErrorView error={shownError} at={shownErrorAt} compact />}
      {pastError && (
        <details className="past-error">
          <summary>
            {t('health.lastError', {
              title: errText.title(pastError.code, pastError.message),
              when: fmt.ago(pastError.at, now),
            })}
          </summary>
          <PlainErrorView error={pastError} at={pastError.at} compact />
        </details>
      )}

      <footer className="card-footer">
        <time className="muted" dateTime={latest.at} title={fmt.dateTime(latest.at)}>
          {t('health.probedAt', { when: fmt.ago(latest.at, now) })}
        </time>
        <button
          type="button"
          className="btn btn-small"
          disabled={probing}
          aria-label={t('health.probeOne', { name })}
          onClick={() => void probe()}
        >
          {probing ? t('health.probing') : t('health.probe')}
        </button>
      </footer>
    </article>
  );
});
