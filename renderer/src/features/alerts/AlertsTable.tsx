import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import type { Alert } from '@shared/alerts';
import { useVirtualRows } from '../../components/table/useVirtualRows';
import { useFormat } from '../../lib/useFormat';
import { AlertStateBadge, SeverityBadge, SilencedMarker } from './alertBadges';
import { labelsInline } from './alertModel';

/** Fixed by `.alerts-table` row and header heights in alerts.css. */
const ROW_HEIGHT = 36;
const HEADER_HEIGHT = 32;
const COLUMNS = ['severity', 'state', 'rule', 'labels', 'value', 'started'] as const;
const WIDTHS = ['11%', '14%', '25%', '28%', '9%', '13%'];

/** The alerts, virtualized (only rows in view are in the DOM); Enter or a click opens one. */
export function AlertsTable({
  rows,
  onOpen,
}: {
  rows: readonly Alert[];
  onOpen: (a: Alert) => void;
}) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { scrollRef, items, before, after } = useVirtualRows({
    count: rows.length,
    rowHeight: ROW_HEIGHT,
    headerHeight: HEADER_HEIGHT,
    columns: COLUMNS.length,
    keyOf: (i) => rows[i]?.id ?? i,
  });

  return (
    <div className="table-wrap alerts-scroll" ref={scrollRef}>
      <table
        className="table table-hover alerts-table"
        data-testid="alerts-table"
        aria-rowcount={rows.length + 1}
      >
        <caption className="sr-only">{t('alerts.tableCaption')}</caption>
        <colgroup>
          {WIDTHS.map((w, i) => (
            <col key={i} style={{ width: w }} />
          ))}
        </colgroup>
        <thead>
          <tr>
            {COLUMNS.map((c) => (
              <th key={c} scope="col" className={c === 'value' ? 'num' : undefined}>
                {t(`alerts.col.${c}`)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {before}
          {items.map((vi) => {
            const a = rows[vi.index];
            return a ? (
              <AlertRow key={vi.key} alert={a} index={vi.index} fmt={fmt} onOpen={onOpen} />
            ) : null;
          })}
          {after}
        </tbody>
      </table>
    </div>
  );
}

const AlertRow = memo(function AlertRow({
  alert: a,
  index,
  fmt,
  onOpen,
}: {
  alert: Alert;
  index: number;
  fmt: ReturnType<typeof useFormat>;
  onOpen: (a: Alert) => void;
}) {
  const labels = labelsInline(a.labels);
  return (
    <tr
      data-index={index}
      aria-rowindex={index + 2}
      tabIndex={0}
      className="alert-row"
      data-testid="alert-row"
      data-alert-id={a.id}
      data-state={a.state}
      data-severity={a.severity}
      data-silenced={a.silenced ? 'true' : undefined}
      onClick={() => onOpen(a)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') {
          e.preventDefault();
          onOpen(a);
        }
      }}
    >
      <td>
        <SeverityBadge severity={a.severity} />
      </td>
      <td>
        <AlertStateBadge state={a.state} />
        {a.silenced && <SilencedMarker />}
      </td>
      <th scope="row" title={a.summary}>
        {a.ruleName}
      </th>
      <td className="mono" title={labels}>
        {labels}
      </td>
      <td className="num mono">{a.value === null ? '—' : fmt.number(a.value)}</td>
      <td>
        <time dateTime={a.startsAt} title={fmt.dateTime(a.startsAt)}>
          {fmt.ago(a.startsAt)}
        </time>
      </td>
    </tr>
  );
});
