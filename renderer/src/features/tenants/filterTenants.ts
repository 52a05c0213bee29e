import { TIERS, type Tier } from '@shared/blueprint';
import { TENANT_STATUSES, type TenantStatus, type TenantSummary } from '@shared/tenants';
import type { CsvCell } from '../../lib/csv';

/**
 * The tenants table works on the whole catalog in memory (10,000+ rows): these are the pure
 * functions behind its search, filters, sort and CSV export. The page memoizes them so a keystroke
 * in the search box only filters, and a click on a header only sorts.
 */

/** '' in a select means "all". */
export interface TenantFilter {
  /** As typed: words matched against id, name and subdomain (all must match). */
  query: string;
  plan: string;
  status: TenantStatus | '';
  tier: Tier | '';
  /** The MySQL connection of the placement. */
  connection: string;
}

export const NO_TENANT_FILTER: TenantFilter = {
  query: '',
  plan: '',
  status: '',
  tier: '',
  connection: '',
};

/** The `search` parameter of a `#/tenants?search=…` address ('' when none). */
export function searchOfHash(hash: string): string {
  const q = hash.indexOf('?');
  return q < 0 ? '' : (new URLSearchParams(hash.slice(q + 1)).get('search') ?? '').slice(0, 200);
}

export const isTenantFiltered = (f: TenantFilter): boolean =>
  f.query.trim() !== '' || f.plan !== '' || f.status !== '' || f.tier !== '' || f.connection !== '';

/** The search words, lower-cased; none matches everything. */
export const searchTerms = (query: string): string[] =>
  query.trim().toLowerCase().split(/\s+/).filter(Boolean);

export function matchesTenant(
  t: TenantSummary,
  f: TenantFilter,
  terms: readonly string[] = searchTerms(f.query),
): boolean {
  if (f.plan !== '' && t.plan !== f.plan) return false;
  if (f.status !== '' && t.status !== f.status) return false;
  if (f.tier !== '' && t.tier !== f.tier) return false;
  if (f.connection !== '' && t.placement.connectionId !== f.connection) return false;
  if (terms.length === 0) return true;
  const id = t.id.toLowerCase();
  const name = t.name.toLowerCase();
  const sub = t.subdomain?.toLowerCase() ?? '';
  return terms.every((w) => id.includes(w) || name.includes(w) || sub.includes(w));
}

/** The rows matching `f`, in their order; the same array when nothing filters. */
export function filterTenants(
  rows: readonly TenantSummary[],
  f: TenantFilter,
): readonly TenantSummary[] {
  if (!isTenantFiltered(f)) return rows;
  const terms = searchTerms(f.query);
  return rows.filter((t) => matchesTenant(t, f, terms));
}

export const SORT_KEYS = [
  'id',
  'name',
  'plan',
  'tier',
  'status',
  'placement',
  'apiCalls',
  'storageMb',
  'createdAt',
] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export type SortDir = 'asc' | 'desc';
export interface TenantSort {
  key: SortKey;
  dir: SortDir;
}

export const DEFAULT_SORT: TenantSort = { key: 'id', dir: 'asc' };

/** Newest first is what one wants from a date column; everything else starts ascending. */
const FIRST_DIR: Partial<Record<SortKey, SortDir>> = { createdAt: 'desc' };

/** Clicking a header: the same column flips its direction, another starts at its first one. */
export function nextSort(current: TenantSort, key: SortKey): TenantSort {
  if (current.key === key) return { key, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  return { key, dir: FIRST_DIR[key] ?? 'asc' };
}

/** Lifecycle order, not alphabetical. */
const STATUS_RANK = Object.fromEntries(TENANT_STATUSES.map((s, i) => [s, i])) as Record<
  TenantStatus,
  number
>;
const TIER_RANK = Object.fromEntries(TIERS.map((s, i) => [s, i])) as Record<Tier, number>;

/** Names are people's words (Chinese, digits): compared like a person would. Ids are identifiers. */
const names = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

type Key = { s: string; collate: boolean } | number;

function keyOf(t: TenantSummary, key: SortKey): Key {
  switch (key) {
    case 'id':
      return { s: t.id, collate: false };
    case 'name':
      return { s: t.name, collate: true };
    case 'plan':
      return { s: t.plan, collate: false };
    case 'tier':
      return TIER_RANK[t.tier];
    case 'status':
      return STATUS_RANK[t.status];
    case 'placement':
      return {
        s: `${t.placement.connectionId}\u0000${t.placement.database ?? ''}`,
        collate: false,
      };
    // Unlimited is more than any number.
    case 'apiCalls':
      return t.quotas.apiCalls ?? Number.POSITIVE_INFINITY;
    case 'storageMb':
      return t.quotas.storageMb ?? Number.POSITIVE_INFINITY;
    case 'createdAt':
      return Date.parse(t.createdAt);
  }
}

const cmp = (a: string | number, b: string | number): number => (a < b ? -1 : a > b ? 1 : 0);

function compareKeys(a: Key, b: Key): number {
  if (typeof a === 'number' || typeof b === 'number')
    return cmp(typeof a === 'number' ? a : 0, typeof b === 'number' ? b : 0);
  return a.collate ? names.compare(a.s, b.s) : cmp(a.s, b.s);
}

/**
 * A sorted copy. Keys are computed once per row (not per comparison); ties fall back to the id,
 * ascending, so the order is total and stable across reloads.
 */
export function sortTenants(rows: readonly TenantSummary[], sort: TenantSort): TenantSummary[] {
  const sign = sort.dir === 'asc' ? 1 : -1;
  const keyed = rows.map((t) => ({ t, k: keyOf(t, sort.key) }));
  keyed.sort((a, b) => compareKeys(a.k, b.k) * sign || cmp(a.t.id, b.t.id));
  return keyed.map((x) => x.t);
}

/** The values the plan and connection filters offer: those present, sorted. */
export function tenantFacets(rows: readonly TenantSummary[]): {
  plans: string[];
  connections: string[];
} {
  const plans = new Set<string>();
  const connections = new Set<string>();
  for (const t of rows) {
    plans.add(t.plan);
    connections.add(t.placement.connectionId);
  }
  return { plans: [...plans].sort(cmp), connections: [...connections].sort(cmp) };
}

/** Columns of the CSV export, in order; the page translates their titles. */
export const TENANT_CSV_COLUMNS = [
  'id',
  'name',
  'plan',
  'tier',
  'status',
  'subdomain',
  'connection',
  'database',
  'apiCalls',
  'storageMb',
  'createdAt',
] as const;
export type TenantCsvColumn = (typeof TENANT_CSV_COLUMNS)[number];

export interface TenantCsvLabels {
  tier: (t: Tier) => string;
  status: (s: TenantStatus) => string;
  /** Written for a null quota. */
  unlimited: string;
}

/** One CSV row per tenant, the columns of TENANT_CSV_COLUMNS. */
export function tenantCsvRows(
  rows: readonly TenantSummary[],
  labels: TenantCsvLabels,
): CsvCell[][] {
  return rows.map((t) => [
    t.id,
    t.name,
    t.plan,
    labels.tier(t.tier),
    labels.status(t.status),
    t.subdomain,
    t.placement.connectionId,
    t.placement.database,
    t.quotas.apiCalls ?? labels.unlimited,
    t.quotas.storageMb ?? labels.unlimited,
    t.createdAt,
  ]);
}
