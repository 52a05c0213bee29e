import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AlertState } from '@shared/alerts';
import type { MethodOutput } from '@shared/contract/index';
import { api } from '../../api/client';
import { CsvButton } from '../../components/CsvButton';
import { EmptyState } from '../../components/EmptyState';
import { ErrorCallout } from '../../components/ErrorText';
import { useDebounced } from '../../lib/useDebounced';
import { useFormat } from '../../lib/useFormat';
import { useLoader } from '../../lib/useLoader';

type Entry = MethodOutput<'alerts.history'>[number];

const labelText = (labels: Record<string, string>): string =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');

/**
 * Every state change of every alert of the environment, newest first, searchable by rule,
 * labels, who and note (on the server: the history can be far longer than what is loaded).
 */
export function HistoryTab({ envId }: { envId: string }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [search, setSearch] = useState('');
  const query = useDebounced(search.trim(), 300);
  const history = useLoader(
    () => api().call('alerts.history', { envId, limit: 500, ...(query && { search: query }) }),
    `alerts-history:${envId}:${query}`,
  );
  const rows = history.data ?? [];
  const state = (s: AlertState | null): string => (s ? t(`alerts.state.${s}`) : '—');
  const csvRows = () =>
    rows.map((e: Entry) => [
      e.at,
      e.ruleName,
      labelText(e.labels),
      e.from ?? '',
      e.to,
      e.by,
      e.note ?? '',
      e.value ?? '',
    ]);
  return (
    <div className="alert-history-tab" data-testid="alerts-history">
      <div className="toolbar">
        <input
          type="search"
          className="input"
          value={search}
          placeholder={t('alerts.historySearch')}
          aria-label={t('alerts.historySearch')}
          data-testid="alerts-history-search"
          onChange={(e) => setSearch(e.target.value)}
        />
        <span className="muted">{t('alerts.historyCount', { count: rows.length })}</span>
        <CsvButton
          name="alert-history"
          header={['at', 'rule', 'labels', 'from', 'to', 'by', 'note', 'value']}
          rows={csvRows}
          disabled={rows.length === 0}
        />
      </div>
      {history.error ? (
        <ErrorCallout error={history.error} onRetry={() => void history.reload()} />
      ) : rows.length === 0 && history.data ? (
        <EmptyState title={t('alerts.historyEmpty')} />
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>{t('alerts.historyCol.at')}</th>
              <th>{t('alerts.historyCol.rule')}</th>
              <th>{t('alerts.historyCol.labels')}</th>
              <th>{t('alerts.historyCol.change')}</th>
              <th>{t('alerts.historyCol.by')}</th>
              <th>{t('alerts.historyCol.note')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((e, i) => (
              <tr key={`${e.alertId}-${e.at}-${i}`} data-testid="alerts-history-row" data-to={e.to}>
                <td className="nowrap">{fmt.dateTime(e.at)}</td>
                <td>{e.ruleName}</td>
                <td className="mono small">{labelText(e.labels)}</td>
                <td className="nowrap">
                  {state(e.from)} → {state(e.to)}
                </td>
                <td>{e.by === 'evaluator' ? t('alerts.evaluator') : e.by}</td>
                <td>{e.note ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
