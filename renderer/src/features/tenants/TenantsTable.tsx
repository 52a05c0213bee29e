import { memo, useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { TenantSummary } from '@shared/tenants';
import { useVirtualRows } from '../../components/table/useVirtualRows';
import { useFormat } from '../../lib/useFormat';
import type { SortKey, TenantSort } from './filterTenants';
import { TenantStatusBadge, useTenantText } from './tenantText';

/** Fixed by `.tenants-table` row and header heights in tenants.css. */
const ROW_HEIGHT = 34;
const HEADER_HEIGHT = 32;

const COLUMNS: ReadonlyArray<{ key: SortKey; width: string; num?: boolean }> = [
  { key: 'id', width: '11%' },
  { key: 'name', width: '14%' },
  { key: 'plan', width: '8%' },
  { key: 'tier', width: '11%' },
  { key: 'status', width: '14%' },
  { key: 'placement', width: '12%' },
  { key: 'apiCalls', width: '9%', num: true },
  { key: 'storageMb', width: '11%', num: true },
  { key: 'createdAt', width: '10%' },
];

/**
 * The catalog, virtualized: only the rows in view (plus a margin) are in the DOM, between two
 * spacer rows, so 10,000+ tenants scroll smoothly. One tab stop for the body (roving tabindex):
 * arrows, Page Up/Down, Home and End move between rows, Enter opens the tenant.
 */
export function TenantsTable({
  rows,
  total,
  sort,
  onSort,
  onOpen,
}: {
  rows: readonly TenantSummary[];
  /** All rows before filtering (`data-total`, for tests and benchmarks). */
  total: number;
  sort: TenantSort;
  onSort: (key: SortKey) => void;
  onOpen: (id: string) => void;
}) {
  const { t } = useTranslation();
  // Built once here, not per row: rows mount and unmount all the time while scrolling.
  const text = useTenantText();
  const fmt = useFormat();
  const [activeRaw, setActive] = useState(0);
  const active = Math.min(activeRaw, Math.max(0, rows.length - 1));
  const focusWanted = useRef<number | undefined>(undefined);
  const { scrollRef, items, before, after } = useVirtualRows({
    count: rows.length,
    rowHeight: ROW_HEIGHT,
    headerHeight: HEADER_HEIGHT,
    columns: COLUMNS.length,
    keyOf: (i) => rows[i]?.id ?? i,
  });
  const first = items[0];
  // The active row may have scrolled out of the DOM: then the first one shown takes the tab stop.
  const tabIndexRow = items.some((i) => i.index === active) ? active : (first?.index ?? 0);

  // Mark the first paint with rows, for the render benchmark.
  const hasRows = items.length > 0;
  const marked = useRef(false);
  useEffect(() => {
    if (hasRows && !marked.current) {
      marked.current = true;
      performance.mark('keel:tenants-table-painted');
    }
  }, [hasRows]);

  // After a keyboard move, focus the row once it is rendered.
  useEffect(() => {
    const i = focusWanted.current;
    if (i === undefined) return;
    const row = scrollRef.current?.querySelector<HTMLElement>(`tr[data-index="${i}"]`);
    if (row) {
      focusWanted.current = undefined;
      row.focus({ preventScroll: true });
    }
  });

  const count = rows.length;
  const onRowKey = useCallback(
    (e: KeyboardEvent<HTMLTableRowElement>, index: number, id: string) => {
      const page = Math.max(
        1,
        Math.floor(((scrollRef.current?.clientHeight ?? 0) - HEADER_HEIGHT) / ROW_HEIGHT) - 1,
      );
      const to: Record<string, number> = {
        ArrowDown: index + 1,
        ArrowUp: index - 1,
        PageDown: index + page,
        PageUp: index - page,
        Home: 0,
        End: count - 1,
      };
      if (e.key === 'Enter') {
        e.preventDefault();
        onOpen(id);
        return;
      }
      const next = to[e.key];
      if (next === undefined) return;
      e.preventDefault();
      const i = Math.max(0, Math.min(count - 1, next));
      setActive(i);
      focusWanted.current = i;
      reveal(scrollRef.current, i);
    },
    [count, onOpen, scrollRef],
  );
  const onRowClick = useCallback(
    (index: number, id: string) => {
      setActive(index);
      onOpen(id);
    },
    [onOpen],
  );

  return (
    <div className="table-wrap tenants-scroll" ref={scrollRef}>
      <table
        className="table table-hover tenants-table"
        data-testid="tenants-table"
        aria-rowcount={count + 1}
        data-total={total}
      >
        <caption className="sr-only">{t('tenants.tableCaption')}</caption>
        <colgroup>
          {COLUMNS.map((c) => (
            <col key={c.key} style={{ width: c.width }} />
          ))}
        </colgroup>
        <thead>
          <tr aria-rowindex={1}>
            {COLUMNS.map((c) => {
              const sorted = sort.key === c.key;
              return (
                <th
                  key={c.key}
                  scope="col"
                  className={c.num ? 'num' : undefined}
                  aria-sort={sorted ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}
                >
                  <button
                    type="button"
                    className="sort-button"
                    data-testid={`sort-${c.key}`}
                    onClick={() => onSort(c.key)}
                  >
                    <span className="sort-label">{t(`tenants.col.${c.key}`)}</span>
                    <span className="sort-arrow" aria-hidden="true">
                      {sorted ? (sort.dir === 'asc' ? '▲' : '▼') : '↕'}
                    </span>
                  </button>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {before}
          {items.map((vi) => {
            const tenant = rows[vi.index];
            return tenant ? (
              <TenantRow
                key={vi.key}
                tenant={tenant}
                index={vi.index}
                tabbable={vi.index === tabIndexRow}
                text={text}
                fmt={fmt}
                onKey={onRowKey}
                onClick={onRowClick}
              />
            ) : null;
          })}
          {after}
        </tbody>
      </table>
    </div>
  );
}

/**
 * Scroll the least that shows all of row `i` below the sticky header. Rows have a fixed height
 * (CSS), so this is exact; the virtualizer renders the rows once the scroll event reaches it.
 */
function reveal(el: HTMLElement | null, i: number): void {
  if (!el) return;
  const top = i * ROW_HEIGHT;
  const bottom = HEADER_HEIGHT + top + ROW_HEIGHT;
  if (top < el.scrollTop) el.scrollTop = top;
  else if (bottom > el.scrollTop + el.clientHeight) el.scrollTop = bottom - el.clientHeight;
}

const TenantRow = memo(function TenantRow({
  tenant: x,
  index,
  tabbable,
  text,
  fmt,
  onKey,
  onClick,
}: {
  tenant: TenantSummary;
  index: number;
  tabbable: boolean;
  text: ReturnType<typeof useTenantText>;
  fmt: ReturnType<typeof useFormat>;
  onKey: (e: KeyboardEvent<HTMLTableRowElement>, index: number, id: string) => void;
  onClick: (index: number, id: string) => void;
}) {
  const { connectionId, database } = x.placement;
  return (
    <tr
      data-index={index}
      aria-rowindex={index + 2}
      tabIndex={tabbable ? 0 : -1}
      className="tenant-row"
      data-testid="tenant-row"
      data-tenant-id={x.id}
      data-status={x.status}
      onClick={() => onClick(index, x.id)}
      onKeyDown={(e) => onKey(e, index, x.id)}
    >
      <th scope="row" className="mono" title={x.id}>
        {x.id}
      </th>
      <td title={x.subdomain ? `${x.name} · ${x.subdomain}` : x.name}>{x.name}</td>
      <td className="mono">{x.plan}</td>
      <td>{text.tier(x.tier)}</td>
      <td data-testid="tenant-status" data-status={x.status}>
        <TenantStatusBadge status={x.status} />
      </td>
      <td className="mono" title={database ? `${connectionId} / ${database}` : connectionId}>
        {connectionId}
        {database && <span className="muted"> / {database}</span>}
      </td>
      <td className="num">{text.quota(x.quotas.apiCalls)}</td>
      <td className="num">{text.quota(x.quotas.storageMb)}</td>
      <td>
        <time dateTime={x.createdAt} title={fmt.dateTime(x.createdAt)}>
          {fmt.dateTime(x.createdAt).slice(0, 10)}
        </time>
      </td>
    </tr>
  );
});
