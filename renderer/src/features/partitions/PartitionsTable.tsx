import { useTranslation } from 'react-i18next';
import type { TableLayout } from '@shared/partitions';
import { useFormat } from '../../lib/useFormat';
import { lastBound, runwayLevel, tableKey, type RunwayLevel } from './partitionModel';

const SHAPE: Record<RunwayLevel, string> = { critical: '■', warning: '▲', ok: '●', unknown: '○' };
const CLASS: Record<RunwayLevel, string> = {
  critical: 'status-down',
  warning: 'status-degraded',
  ok: 'status-up',
  unknown: 'status-unknown',
};

/** Colour, shape and words: the runway's level never depends on colour alone. */
export function RunwayBadge({ days }: { days: number | null }) {
  const { t } = useTranslation();
  const level = runwayLevel(days);
  return (
    <span className={`status ${CLASS[level]}`} data-testid="runway" data-level={level}>
      <span aria-hidden="true">{SHAPE[level]}</span>{' '}
      {days === null ? t('partitions.runwayUnknown') : t('partitions.days', { count: days })}
    </span>
  );
}

/** Partitioned tables, worst runway first; a row opens the table's partitions. */
export function PartitionsTable({
  tables,
  selected,
  onSelect,
}: {
  tables: readonly TableLayout[];
  selected: string | undefined;
  onSelect: (t: TableLayout) => void;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <div className="table-wrap">
      <table className="table" data-testid="partitions-table">
        <caption className="sr-only">{t('partitions.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('partitions.col.runway')}</th>
            <th scope="col">{t('partitions.col.schema')}</th>
            <th scope="col">{t('partitions.col.table')}</th>
            <th scope="col">{t('partitions.col.connection')}</th>
            <th scope="col">{t('partitions.col.partitions')}</th>
            <th scope="col">{t('partitions.col.lastBound')}</th>
            <th scope="col">{t('partitions.col.maxvalueRows')}</th>
          </tr>
        </thead>
        <tbody>
          {tables.map((l) => {
            const key = tableKey(l);
            const end = lastBound(l);
            return (
              <tr
                key={key}
                aria-selected={selected === key}
                data-testid="partitions-row"
                data-key={key}
              >
                <td>
                  <RunwayBadge days={l.runwayDays} />
                </td>
                <td className="mono">
                  <button type="button" className="btn-link" onClick={() => onSelect(l)}>
                    {l.schema}
                  </button>
                  {l.tenantId && (
                    <div className="muted small">{t('partitions.tenant', { id: l.tenantId })}</div>
                  )}
                </td>
                <td className="mono">{l.table}</td>
                <td className="mono small">{l.connectionId}</td>
                <td>{f.number(l.partitions.length)}</td>
                <td className="mono small">{end ? end.slice(0, 10) : '—'}</td>
                <td>
                  {l.maxvalueRows === null ? (
                    <span className="muted">{t('partitions.noMaxvalue')}</span>
                  ) : l.maxvalueRows > 0 ? (
                    <span className="status status-degraded">
                      <span aria-hidden="true">▲</span> {f.number(l.maxvalueRows)}
                    </span>
                  ) : (
                    f.number(0)
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
