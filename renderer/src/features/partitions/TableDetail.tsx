import { useTranslation } from 'react-i18next';
import type { TableLayout } from '@shared/partitions';
import { useFormat } from '../../lib/useFormat';
import { formatMetric } from '../monitoring/metricMath';
import { RunwayBadge } from './PartitionsTable';

/** One table's partitions: bounds, estimated rows as bars (text beside them), sizes. */
export function TableDetail({ layout, onClose }: { layout: TableLayout; onClose: () => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const most = Math.max(1, ...layout.partitions.map((p) => p.rows));
  return (
    <section
      className="panel"
      aria-label={`${layout.schema}.${layout.table}`}
      data-testid="partition-detail"
    >
      <div className="toolbar-row">
        <h2 className="panel-title mono">
          {layout.schema}.{layout.table}
        </h2>
        <RunwayBadge days={layout.runwayDays} />
        <button type="button" className="btn btn-small" onClick={onClose}>
          {t('common.close')}
        </button>
      </div>
      <p className="muted small">
        {t('partitions.detailNote', { method: layout.method, expression: layout.expression })}
      </p>
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('partitions.col.partition')}</th>
              <th scope="col">{t('partitions.col.lessThan')}</th>
              <th scope="col">{t('partitions.col.rows')}</th>
              <th scope="col">{t('partitions.col.data')}</th>
              <th scope="col">{t('partitions.col.index')}</th>
            </tr>
          </thead>
          <tbody>
            {layout.partitions.map((p) => (
              <tr key={p.name}>
                <td className="mono">{p.name}</td>
                <td className="mono small">{p.lessThan ? p.lessThan.slice(0, 10) : 'MAXVALUE'}</td>
                <td>
                  <div className="bar-cell">
                    <span
                      className="bar"
                      aria-hidden="true"
                      style={{ width: `${Math.max(1, Math.round((p.rows / most) * 120))}px` }}
                    />
                    <span>{f.number(p.exactRows ?? p.rows)}</span>
                  </div>
                </td>
                <td>{formatMetric(p.dataBytes, 'bytes')}</td>
                <td>{formatMetric(p.indexBytes, 'bytes')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted small">{t('partitions.estimateNote')}</p>
    </section>
  );
}
