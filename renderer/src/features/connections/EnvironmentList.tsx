import { useTranslation } from 'react-i18next';
import type { EnvironmentView } from '@shared/models/environment';
import { ProductionBadge } from '../../components/badges';

export function EnvironmentList({
  envs,
  selectedId,
  onSelect,
}: {
  envs: EnvironmentView[];
  selectedId: string | undefined;
  onSelect: (id: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <nav className="env-list" aria-label={t('connections.environments')}>
      <ul>
        {envs.map((env) => (
          <li key={env.id}>
            <button
              type="button"
              className={env.production ? 'env-item prod' : 'env-item'}
              aria-current={env.id === selectedId ? 'true' : undefined}
              data-testid="env-item"
              data-env-id={env.id}
              onClick={() => onSelect(env.id)}
            >
              <span className="env-item-name">{env.name}</span>
              <span className="env-item-meta">
                <span className="mono">{env.id}</span>
                <span>{t('connections.count', { count: env.connections.length })}</span>
              </span>
              <span className="env-item-badges">
                {env.production && <ProductionBadge />}
                {env.source === 'env-vars' && (
                  <span className="pill">{t('connections.fromEnvVars')}</span>
                )}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
