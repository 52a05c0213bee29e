import { TIERS } from '@shared/blueprint';
import { TENANT_STATUSES } from '@shared/tenants';
import { hashParam } from '../../app/hashParams';
import {
  DEFAULT_SORT,
  NO_TENANT_FILTER,
  SORT_KEYS,
  type SortKey,
  type TenantFilter,
  type TenantSort,
} from './filterTenants';

/**
 * The Tenants page's view in its address: `search`, `plan`, `status`, `tier`, `conn`, `sort`
 * (`name`, or `-name` descending) and `open` (the tenant whose drawer is open). Values that are
 * not valid are ignored, so a hand-edited link opens the page, never an error.
 */
export interface TenantView {
  filter: TenantFilter;
  sort: TenantSort;
  open: string | undefined;
}

const isIn = <T extends string>(list: readonly T[], v: string): v is T =>
  (list as readonly string[]).includes(v);

export function viewOfParams(p: URLSearchParams): TenantView {
  const status = hashParam(p, 'status');
  const tier = hashParam(p, 'tier');
  const rawSort = hashParam(p, 'sort');
  const desc = rawSort.startsWith('-');
  const key = desc ? rawSort.slice(1) : rawSort;
  const open = hashParam(p, 'open');
  return {
    filter: {
      ...NO_TENANT_FILTER,
      query: hashParam(p, 'search'),
      plan: hashParam(p, 'plan'),
      status: isIn(TENANT_STATUSES, status) ? status : '',
      tier: isIn(TIERS, tier) ? tier : '',
      connection: hashParam(p, 'conn'),
    },
    sort: isIn<SortKey>(SORT_KEYS, key) ? { key, dir: desc ? 'desc' : 'asc' } : DEFAULT_SORT,
    open: open === '' ? undefined : open,
  };
}

/** The parameters for a view; defaults are left out so addresses stay short. */
export function paramsOfView(v: Partial<TenantView>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  if (v.filter) {
    out['search'] = v.filter.query;
    out['plan'] = v.filter.plan;
    out['status'] = v.filter.status;
    out['tier'] = v.filter.tier;
    out['conn'] = v.filter.connection;
  }
  if (v.sort) {
    const isDefault = v.sort.key === DEFAULT_SORT.key && v.sort.dir === DEFAULT_SORT.dir;
    out['sort'] = isDefault ? undefined : `${v.sort.dir === 'desc' ? '-' : ''}${v.sort.key}`;
  }
  if ('open' in v) out['open'] = v.open;
  return out;
}

/** The address of one tenant's detail (the activity ranking links here). */
export const tenantHref = (id: string): string => `#/tenants?open=${encodeURIComponent(id)}`;
