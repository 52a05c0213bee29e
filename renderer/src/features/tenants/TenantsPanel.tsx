import { useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TenantSummary } from '@shared/tenants';
import { paramsOfHash, setHashParams } from '../../app/hashParams';
import { usePageKey } from '../../app/shortcuts';
import { CsvButton } from '../../components/CsvButton';
import { EmptyState } from '../../components/EmptyState';
import { useFormat } from '../../lib/useFormat';
import {
  filterTenants,
  isTenantFiltered,
  nextSort,
  sortTenants,
  TENANT_CSV_COLUMNS,
  tenantCsvRows,
  tenantFacets,
  type SortKey,
  type TenantFilter,
} from './filterTenants';
import { paramsOfView, viewOfParams } from './tenantView';
import { TenantFilters } from './TenantFilters';
import { TenantsTable } from './TenantsTable';
import { useTenantText } from './tenantText';

/** Search, filters, "n of m", CSV export and the virtualized table of the whole catalog. */
export function TenantsPanel({
  rows,
  envId,
  blueprintPlans,
  onOpen,
}: {
  rows: readonly TenantSummary[];
  envId: string;
  /** The blueprint's plans, offered by the plan filter with those present in the rows. */
  blueprintPlans: readonly string[];
  onOpen: (id: string) => void;
}) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const text = useTenantText();
  // Search, filters and sort start from the address and are written back to it, so a refresh,
  // a bookmark or a pasted link shows the same rows.
  const [initial] = useState(() => viewOfParams(paramsOfHash(location.hash)));
  const [filter, setFilter] = useState<TenantFilter>(initial.filter);
  const [sort, setSort] = useState(initial.sort);
  const searchRef = useRef<HTMLInputElement>(null);

  // Sorting happens when the rows or the sort change; a keystroke in the search only filters,
  // and a deferred one, so typing stays responsive over 10,000 rows.
  const sorted = useMemo(() => sortTenants(rows, sort), [rows, sort]);
  const deferredFilter = useDeferredValue(filter);
  const shown = useMemo(() => filterTenants(sorted, deferredFilter), [sorted, deferredFilter]);
  useEffect(
    () => setHashParams(paramsOfView({ filter: deferredFilter, sort })),
    [deferredFilter, sort],
  );
  const facets = useMemo(() => tenantFacets(rows), [rows]);
  const plans = useMemo(
    () => [...new Set([...blueprintPlans, ...facets.plans])],
    [blueprintPlans, facets.plans],
  );

  usePageKey('/', () => {
    searchRef.current?.focus();
    searchRef.current?.select();
  });
  const onSort = useCallback((key: SortKey) => setSort((s) => nextSort(s, key)), []);

  return (
    <section className="panel tenants-panel" aria-label={t('tenants.tableCaption')}>
      <TenantFilters
        value={filter}
        plans={plans}
        connections={facets.connections}
        searchRef={searchRef}
        onChange={(patch) => setFilter((f) => ({ ...f, ...patch }))}
      />
      <div className="toolbar">
        <span className="muted small" aria-live="polite" data-testid="tenant-count">
          {t('tenants.countOf', {
            count: rows.length,
            shown: fmt.number(shown.length),
            total: fmt.number(rows.length),
          })}
        </span>
        <span className="spacer" />
        <CsvButton
          name={`tenants-${envId}`}
          header={TENANT_CSV_COLUMNS.map((c) => t(`tenants.csv.${c}`))}
          rows={() => tenantCsvRows(shown, text)}
          disabled={shown.length === 0}
        />
      </div>
      {shown.length === 0 ? (
        <EmptyState title={t('tenants.emptyTitle')} testId="tenants-empty">
          {isTenantFiltered(filter) ? t('tenants.emptyFiltered') : t('tenants.emptyBody')}
        </EmptyState>
      ) : (
        <TenantsTable
          rows={shown}
          total={rows.length}
          sort={sort}
          onSort={onSort}
          onOpen={onOpen}
        />
      )}
    </section>
  );
}
