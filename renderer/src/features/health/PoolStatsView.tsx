import { useTranslation } from 'react-i18next';
import type { PoolStats } from '@shared/models/health';

const KEYS = ['inUse', 'idle', 'waiting', 'created', 'errors'] as const;

/** Pool counters in one row; waiting and errors stand out when non-zero. */
export function PoolStatsView({ pool }: { pool: PoolStats }) {
  const { t } = useTranslation();
  return (
    <div className="pool" data-testid="pool-stats">
      <span className="pool-title">{t('health.pool.title')}</span>
      <dl className="pool-stats">
        {KEYS.map((k) => (
          <div
            key={k}
            className={(k === 'waiting' || k === 'errors') && pool[k] > 0 ? 'warn' : undefined}
          >
            <dt>{t(`health.pool.${k}`)}</dt>
            <dd>{pool[k]}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
