import { useTranslation } from 'react-i18next';
import type { ConnectionView, EnvironmentView } from '@shared/models/environment';
import { KindBadge } from '../../components/badges';
import { addressOf, extraEndpoints, tlsLabel } from './connectionText';

export interface RowActions {
  onEdit: (c: ConnectionView) => void;
  onTest: (c: ConnectionView) => void;
  onRemove: (c: ConnectionView) => void;
}

export function ConnectionsTable({
  env,
  readOnly,
  actions,
}: {
  env: EnvironmentView;
  readOnly: boolean;
  actions: RowActions;
}) {
  const { t } = useTranslation();
  const sorted = [...env.connections].sort((a, b) => a.name.localeCompare(b.name));
  return (
    <div className="table-wrap">
      <table className="table" data-testid="connections-table">
        <caption className="sr-only">{t('connections.tableCaption', { env: env.name })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('connections.col.name')}</th>
            <th scope="col">{t('connections.col.kind')}</th>
            <th scope="col">{t('connections.col.role')}</th>
            <th scope="col">{t('connections.col.address')}</th>
            <th scope="col">{t('connections.col.tls')}</th>
            <th scope="col">{t('connections.col.secret')}</th>
            <th scope="col">
              <span className="sr-only">{t('common.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((c) => {
            const extra = extraEndpoints(c);
            const tls = tlsLabel(c);
            return (
              <tr key={c.id} data-testid="connection-row" data-connection-id={c.id}>
                <th scope="row">
                  <div>{c.name}</div>
                  <div className="muted mono small">{c.id}</div>
                </th>
                <td>
                  <KindBadge kind={c.kind} />
                </td>
                <td className="mono">{c.role}</td>
                <td className="mono">
                  <div>{addressOf(c)}</div>
                  {extra.length > 0 && (
                    <div className="muted small" title={extra.join('\n')}>
                      {c.replica
                        ? t('connections.replicaAt', { address: extra[0] })
                        : t('connections.moreEndpoints', {
                            count: extra.length,
                            mode: c.redis?.mode ?? '',
                          })}
                    </div>
                  )}
                </td>
                <td className={tls === 'noVerify' ? 'text-warn' : undefined}>
                  {t(`connections.tls.${tls}`)}
                </td>
                <td>{c.hasSecret ? t('common.yes') : t('common.no')}</td>
                <td className="row-actions">
                  <button
                    type="button"
                    className="btn btn-small"
                    disabled={readOnly}
                    aria-label={t('connections.editOne', { name: c.name })}
                    onClick={() => actions.onEdit(c)}
                  >
                    {t('common.edit')}
                  </button>
                  <button
                    type="button"
                    className="btn btn-small"
                    aria-label={t('connections.testOne', { name: c.name })}
                    onClick={() => actions.onTest(c)}
                  >
                    {t('connections.test')}
                  </button>
                  <button
                    type="button"
                    className="btn btn-small btn-danger-quiet"
                    disabled={readOnly}
                    aria-label={t('connections.removeOne', { name: c.name })}
                    onClick={() => actions.onRemove(c)}
                  >
                    {t('common.remove')}
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
