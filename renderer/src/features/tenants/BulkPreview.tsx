import { useTranslation } from 'react-i18next';
import { cx } from '../../lib/cx';
import { rowsForPreview, type BulkCheck, type BulkRowCheck } from './bulkCheck';
import type { SpecField, SpecIssue } from './specModel';

/** Rows shown; the count says how many there are. */
const SHOWN = 200;
const COLUMNS = ['id', 'name', 'plan', 'tier', 'subdomain'] as const satisfies readonly SpecField[];

/**
 * The list as Keel read it, before anything is sent: each row's fields, the ones with a problem
 * highlighted, and every problem of the row in words — all rows and rules at once.
 */
export function BulkPreview({ check }: { check: BulkCheck }) {
  const { t } = useTranslation();
  if (check.kind === 'empty') return null;
  if (check.kind === 'unreadable')
    return (
      <p className="callout callout-error" role="alert" data-testid="bulk-unreadable">
        {t(`tenants.bulk.unreadable.${check.reason}`, { detail: check.detail ?? '' })}
      </p>
    );
  const shown = rowsForPreview(check.rows, SHOWN);
  const total = check.rows.length;
  return (
    <section className="stack" data-testid="bulk-preview" data-bad={check.bad} data-rows={total}>
      <p
        className={cx('small', check.bad > 0 && 'field-error')}
        role={check.bad > 0 ? 'alert' : 'status'}
        data-testid="bulk-check-summary"
      >
        {check.bad > 0
          ? t('tenants.bulk.checkedBad', { count: total, bad: check.bad })
          : t('tenants.bulk.checkedOk', { count: total })}
      </p>
      <div className="table-wrap bulk-preview-wrap">
        <table className="table bulk-preview">
          <caption className="sr-only">{t('tenants.bulk.previewCaption')}</caption>
          <thead>
            <tr>
              <th scope="col" className="num">
                {t('tenants.bulk.col.row')}
              </th>
              {COLUMNS.map((c) => (
                <th key={c} scope="col">
                  {t(`tenants.csv.${c}`)}
                </th>
              ))}
              <th scope="col">{t('tenants.bulk.problems')}</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((r) => (
              <PreviewRow key={r.row} row={r} />
            ))}
          </tbody>
        </table>
      </div>
      {shown.length < total && (
        <p className="muted small">
          {t('tenants.bulk.previewMore', { shown: shown.length, total })}
        </p>
      )}
    </section>
  );
}

function PreviewRow({ row }: { row: BulkRowCheck }) {
  const text = useIssueText();
  const problems = Object.values(row.issues);
  return (
    <tr
      data-testid="bulk-preview-row"
      data-row={row.row}
      data-bad={problems.length > 0 || undefined}
    >
      <td className="num">{row.row}</td>
      {COLUMNS.map((c) => (
        <td
          key={c}
          className={cx('mono', row.issues[c] && 'cell-invalid')}
          data-field={c}
          aria-invalid={row.issues[c] ? true : undefined}
        >
          {row.draft[c]}
        </td>
      ))}
      <td>
        {problems.length > 0 && (
          <ul className="plain-list">
            {problems.map((i) => (
              <li key={i.field}>
                <code>{i.field}</code> {text(i)}
              </li>
            ))}
          </ul>
        )}
      </td>
    </tr>
  );
}

function useIssueText(): (i: SpecIssue) => string {
  const { t } = useTranslation();
  return (i) =>
    i.code === 'idRepeated'
      ? t('tenants.spec.idRepeated', { row: i.message })
      : i.code === 'other'
        ? i.message
        : t(`tenants.spec.${i.code}`);
}
