import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { CsvButton } from '../../components/CsvButton';
import { useFormat } from '../../lib/useFormat';
import { BULK_CSV_COLUMNS, bulkCsvRows, bulkRowsForDisplay, type BulkResult } from './bulkModel';

/** Rows shown in the dialog; the CSV export has all of them. */
const SHOWN = 500;

/** Each row of a bulk provisioning: failed ones first, with their error. */
export function BulkResultView({ result }: { result: BulkResult }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const rows = useMemo(() => bulkRowsForDisplay(result.rows), [result.rows]);
  const labels = { ok: t('tenants.bulk.rowOk'), failed: t('tenants.bulk.rowFailed') };
  return (
    <section
      className="stack"
      data-testid="bulk-result"
      data-ok={result.ok}
      data-failed={result.failed}
    >
      <div className="section-header">
        <h3 className="section-title">
          {t('tenants.bulk.summary', {
            ok: fmt.number(result.ok),
            failed: fmt.number(result.failed),
          })}
        </h3>
        <span className="spacer" />
        <CsvButton
          name="bulk-provisioning"
          header={BULK_CSV_COLUMNS.map((c) => t(`tenants.bulk.col.${c}`))}
          rows={() => bulkCsvRows(result.rows, labels)}
          disabled={result.rows.length === 0}
        />
      </div>
      <div className="table-wrap bulk-result-wrap">
        <table className="table">
          <caption className="sr-only">{t('tenants.bulk.resultCaption')}</caption>
          <thead>
            <tr>
              <th scope="col" className="num">
                {t('tenants.bulk.col.row')}
              </th>
              <th scope="col">{t('tenants.bulk.col.id')}</th>
              <th scope="col">{t('tenants.bulk.col.outcome')}</th>
              <th scope="col">{t('tenants.bulk.col.error')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.slice(0, SHOWN).map((r) => (
              <tr key={`${r.row}:${r.id}`} data-testid="bulk-row" data-ok={r.ok}>
                <td className="num">{r.row}</td>
                <th scope="row" className="mono">
                  {r.id}
                </th>
                <td>
                  <span className={r.ok ? 'pill pill-ok' : 'pill job-failed'}>
                    {r.ok ? labels.ok : labels.failed}
                  </span>
                </td>
                <td className="wrap">{r.error ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length > SHOWN && (
        <p className="muted small">
          {t('tenants.bulk.truncated', { shown: SHOWN, total: fmt.number(rows.length) })}
        </p>
      )}
    </section>
  );
}
