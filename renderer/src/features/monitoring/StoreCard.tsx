import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import type { Connection } from '@shared/models/environment';
import type { ProbeStatus } from '@shared/models/health';
import { KindBadge, StatusBadge } from '../../components/badges';
import { formatMetric, keyNumbers } from './metricMath';
import { storeHref } from './storeHash';
import { useFormat } from '../../lib/useFormat';
import { staleSince, type StoreReading } from './readings';

/** One store on the Overview: status, its key numbers, a link to its charts. */
export const StoreCard = memo(function StoreCard({
  envId,
  connection,
  status,
  reading,
}: {
  envId: string;
  connection: Pick<Connection, 'id' | 'name' | 'kind' | 'role'>;
  status: ProbeStatus;
  reading: StoreReading | undefined;
}) {
  const { t } = useTranslation();
  const numbers = keyNumbers(connection.kind, reading?.points ?? []);
  const fmt = useFormat();
  const words = { bool: [t('monitoring.down'), t('monitoring.up')] as const };
  const stale = staleSince(reading);
  return (
    <article
      className={`card store-card card-${status}`}
      data-testid="store-card"
      data-connection-id={connection.id}
      data-env-id={envId}
      data-status={status}
    >
      <header className="card-header">
        <KindBadge kind={connection.kind} withLabel={false} />
        <h3 className="card-title">
          <a href={storeHref(envId, connection.id)} data-testid="store-link">
            {connection.name}
          </a>
        </h3>
        <StatusBadge status={status} />
      </header>
      <div className="card-sub">
        <span className="mono">{connection.role}</span>
        <span aria-hidden="true"> · </span>
        <span>{t(`kinds.${connection.kind}`)}</span>
      </div>
      {stale !== undefined && (
        <div className="card-sub store-stale" data-testid="store-stale">
          {t('monitoring.staleSince', { time: fmt.time(new Date(stale).toISOString()) })}
        </div>
      )}
      <dl
        className={stale === undefined ? 'store-numbers' : 'store-numbers store-numbers-stale'}
        data-stale={stale !== undefined}
      >
        {numbers.map((n) => (
          <div key={n.metric} className="metric" data-testid="key-number" data-metric={n.metric}>
            <dt className="metric-label">{t(`monitoring.metric.${n.metric}`)}</dt>
            <dd className="metric-value">{formatMetric(n.value, n.unit, words)}</dd>
          </div>
        ))}
      </dl>
      {reading?.error && (
        <div className="card-sub text-danger" role="note">
          {reading.error.code}: {reading.error.message}
        </div>
      )}
    </article>
  );
});
