import { useId, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { TIERS, type Tier } from '@shared/blueprint';
import { TENANT_STATUSES, type TenantStatus } from '@shared/tenants';
import { isTenantFiltered, NO_TENANT_FILTER, type TenantFilter } from './filterTenants';
import { useTenantText } from './tenantText';

/** Search (`/` focuses it) and the plan / status / tier / connection filters; '' means all. */
export function TenantFilters({
  value,
  plans,
  connections,
  searchRef,
  onChange,
}: {
  value: TenantFilter;
  plans: readonly string[];
  connections: readonly string[];
  searchRef: RefObject<HTMLInputElement | null>;
  onChange: (patch: Partial<TenantFilter>) => void;
}) {
  const { t } = useTranslation();
  const text = useTenantText();
  const id = useId();
  return (
    <div className="filters" role="search" aria-label={t('tenants.filters')}>
      <label htmlFor={`${id}-q`} className="sr-only">
        {t('tenants.search')}
      </label>
      <input
        id={`${id}-q`}
        ref={searchRef}
        type="search"
        className="input tenant-search"
        value={value.query}
        placeholder={t('tenants.searchPlaceholder')}
        maxLength={100}
        spellCheck={false}
        autoComplete="off"
        aria-keyshortcuts="/"
        data-testid="tenant-search"
        onChange={(e) => onChange({ query: e.target.value })}
        onKeyDown={(e) => {
          if (e.key === 'Escape' && value.query !== '') {
            e.preventDefault();
            onChange({ query: '' });
          }
        }}
      />
      <label htmlFor={`${id}-plan`}>{t('tenants.col.plan')}</label>
      <select
        id={`${id}-plan`}
        className="input"
        value={value.plan}
        data-testid="filter-plan"
        onChange={(e) => onChange({ plan: e.target.value })}
      >
        <option value="">{t('tenants.all')}</option>
        {plans.map((p) => (
          <option key={p} value={p}>
            {p}
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-status`}>{t('tenants.col.status')}</label>
      <select
        id={`${id}-status`}
        className="input"
        value={value.status}
        data-testid="filter-status"
        onChange={(e) => onChange({ status: e.target.value as TenantStatus | '' })}
      >
        <option value="">{t('tenants.all')}</option>
        {TENANT_STATUSES.map((s) => (
          <option key={s} value={s}>
            {text.status(s)}
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-tier`}>{t('tenants.col.tier')}</label>
      <select
        id={`${id}-tier`}
        className="input"
        value={value.tier}
        data-testid="filter-tier"
        onChange={(e) => onChange({ tier: e.target.value as Tier | '' })}
      >
        <option value="">{t('tenants.all')}</option>
        {TIERS.map((x) => (
          <option key={x} value={x}>
            {text.tier(x)}
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-conn`}>{t('tenants.connection')}</label>
      <select
        id={`${id}-conn`}
        className="input"
        value={value.connection}
        data-testid="filter-connection"
        onChange={(e) => onChange({ connection: e.target.value })}
      >
        <option value="">{t('tenants.all')}</option>
        {connections.map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </select>
      {isTenantFiltered(value) && (
        <button
          type="button"
          className="btn btn-small"
          data-testid="clear-tenant-filters"
          onClick={() => onChange(NO_TENANT_FILTER)}
        >
          {t('tenants.clearFilters')}
        </button>
      )}
    </div>
  );
}
