import { describe, expect, it } from 'vitest';
import type { TenantSummary } from '@shared/tenants';
import {
  DEFAULT_SORT,
  filterTenants,
  searchOfHash,
  isTenantFiltered,
  NO_TENANT_FILTER,
  nextSort,
  sortTenants,
  TENANT_CSV_COLUMNS,
  tenantCsvRows,
  tenantFacets,
  type TenantFilter,
} from './filterTenants';

const tenant = (o: Partial<TenantSummary> & { id: string }): TenantSummary => ({
  name: o.id,
  plan: 'basic',
  tier: 'shared',
  status: 'active',
  subdomain: null,
  placement: { tier: 'shared', connectionId: 'core' },
  quotas: { apiCalls: 1000, storageMb: 512, users: 10, services: 3 },
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-01T00:00:00.000Z',
  purgeAfter: null,
  statusReason: null,
  ...o,
});

const acme = tenant({ id: 'acme', name: 'Acme Ltd', subdomain: 'acme-shop' });
const beta = tenant({
  id: 'beta',
  name: '北京贝塔科技',
  plan: 'enterprise',
  tier: 'dedicated_instance',
  status: 'suspended',
  placement: { tier: 'dedicated_instance', connectionId: 'tenant-beta', database: 'tenant_beta' },
  quotas: { apiCalls: null, storageMb: null, users: null, services: null },
  createdAt: '2025-03-01T00:00:00.000Z',
});
const gamma = tenant({
  id: 'gamma10',
  name: 'Gamma 10',
  plan: 'pro',
  tier: 'dedicated_schema',
  status: 'pending_deletion',
  placement: { tier: 'dedicated_schema', connectionId: 'core', database: 'tenant_gamma10' },
  quotas: { apiCalls: 50_000, storageMb: 2048, users: 50, services: 10 },
  createdAt: '2024-06-01T08:00:00.000+08:00',
});
const gamma2 = tenant({
  id: 'gamma2',
  name: 'Gamma 2',
  plan: 'pro',
  createdAt: '2025-02-01T00:00:00Z',
});
const all = [gamma, beta, acme, gamma2];
const f = (o: Partial<TenantFilter>): TenantFilter => ({ ...NO_TENANT_FILTER, ...o });
const ids = (rows: readonly TenantSummary[]): string[] => rows.map((t) => t.id);

describe('tenant search and filters', () => {
  it('returns the same array when nothing filters (memo-friendly)', () => {
    expect(filterTenants(all, NO_TENANT_FILTER)).toBe(all);
    expect(filterTenants(all, f({ query: '   ' }))).toBe(all);
    expect(isTenantFiltered(f({ query: ' x ' }))).toBe(true);
    expect(isTenantFiltered(NO_TENANT_FILTER)).toBe(false);
  });

  it('searches id, name and subdomain, case-insensitively, every word', () => {
    expect(ids(filterTenants(all, f({ query: 'ACME' })))).toEqual(['acme']);
    expect(ids(filterTenants(all, f({ query: 'shop' })))).toEqual(['acme']);
    expect(ids(filterTenants(all, f({ query: '贝塔' })))).toEqual(['beta']);
    expect(ids(filterTenants(all, f({ query: 'gamma 10' })))).toEqual(['gamma10']);
    expect(ids(filterTenants(all, f({ query: 'gamma' })))).toEqual(['gamma10', 'gamma2']);
    expect(filterTenants(all, f({ query: 'nobody' }))).toEqual([]);
  });

  it('filters by plan, status, tier and placement connection, combined with the search', () => {
    expect(ids(filterTenants(all, f({ plan: 'pro' })))).toEqual(['gamma10', 'gamma2']);
    expect(ids(filterTenants(all, f({ status: 'suspended' })))).toEqual(['beta']);
    expect(ids(filterTenants(all, f({ tier: 'dedicated_schema' })))).toEqual(['gamma10']);
    expect(ids(filterTenants(all, f({ connection: 'core' })))).toEqual([
      'gamma10',
      'acme',
      'gamma2',
    ]);
    expect(ids(filterTenants(all, f({ connection: 'core', query: '2' })))).toEqual(['gamma2']);
    expect(filterTenants(all, f({ plan: 'pro', status: 'suspended' }))).toEqual([]);
  });

  it('offers the plans and connections present', () => {
    expect(tenantFacets(all)).toEqual({
      plans: ['basic', 'enterprise', 'pro'],
      connections: ['core', 'tenant-beta'],
    });
  });
});

describe('tenant sort', () => {
  it('sorts by id as identifiers by default, without touching the input', () => {
    const copy = [...all];
    expect(ids(sortTenants(all, DEFAULT_SORT))).toEqual(['acme', 'beta', 'gamma10', 'gamma2']);
    expect(all).toEqual(copy);
    expect(ids(sortTenants(all, { key: 'id', dir: 'desc' }))).toEqual([
      'gamma2',
      'gamma10',
      'beta',
      'acme',
    ]);
  });

  it('sorts names like a person (digits as numbers)', () => {
    expect(ids(sortTenants([gamma, gamma2], { key: 'name', dir: 'asc' }))).toEqual([
      'gamma2',
      'gamma10',
    ]);
  });

  it('puts unlimited quotas above any number and breaks ties by id', () => {
    expect(ids(sortTenants(all, { key: 'apiCalls', dir: 'asc' }))).toEqual([
      'acme',
      'gamma2',
      'gamma10',
      'beta',
    ]);
    expect(ids(sortTenants(all, { key: 'storageMb', dir: 'desc' }))[0]).toBe('beta');
  });

  it('sorts status by lifecycle, tier by isolation, dates by instant', () => {
    expect(ids(sortTenants(all, { key: 'status', dir: 'asc' }))).toEqual([
      'acme',
      'gamma2',
      'beta',
      'gamma10',
    ]);
    expect(ids(sortTenants(all, { key: 'tier', dir: 'desc' }))).toEqual([
      'beta',
      'gamma10',
      'acme',
      'gamma2',
    ]);
    expect(ids(sortTenants(all, { key: 'createdAt', dir: 'asc' }))).toEqual([
      'gamma10',
      'acme',
      'gamma2',
      'beta',
    ]);
    expect(ids(sortTenants(all, { key: 'placement', dir: 'asc' }))).toEqual([
      'acme',
      'gamma2',
      'gamma10',
      'beta',
    ]);
  });

  it('flips the same column and starts a new one at its first direction', () => {
    expect(nextSort(DEFAULT_SORT, 'id')).toEqual({ key: 'id', dir: 'desc' });
    expect(nextSort({ key: 'id', dir: 'desc' }, 'id')).toEqual({ key: 'id', dir: 'asc' });
    expect(nextSort(DEFAULT_SORT, 'name')).toEqual({ key: 'name', dir: 'asc' });
    expect(nextSort(DEFAULT_SORT, 'createdAt')).toEqual({ key: 'createdAt', dir: 'desc' });
  });

  it('sorts and filters 10,000 rows quickly', () => {
    const many = Array.from({ length: 10_000 }, (_, i) =>
      tenant({ id: `t${(i * 7919) % 10_000}`, name: `Tenant ${i}` }),
    );
    const start = performance.now();
    const sorted = sortTenants(many, { key: 'name', dir: 'asc' });
    const found = filterTenants(sorted, f({ query: 'tenant 99' }));
    expect(sorted).toHaveLength(10_000);
    expect(found.length).toBeGreaterThan(0);
    expect(performance.now() - start).toBeLessThan(1000);
  });
});

describe('tenant CSV rows', () => {
  it('writes one row per tenant in the column order, unlimited for null quotas', () => {
    const rows = tenantCsvRows([acme, beta], {
      tier: (t) => `tier:${t}`,
      status: (s) => `status:${s}`,
      unlimited: 'unlimited',
    });
    expect(rows[0]).toHaveLength(TENANT_CSV_COLUMNS.length);
    expect(rows[0]).toEqual([
      'acme',
      'Acme Ltd',
      'basic',
      'tier:shared',
      'status:active',
      'acme-shop',
      'core',
      undefined,
      1000,
      512,
      '2025-01-01T00:00:00.000Z',
    ]);
    expect(rows[1]?.slice(6, 10)).toEqual(['tenant-beta', 'tenant_beta', 'unlimited', 'unlimited']);
  });
});

describe('searchOfHash', () => {
  it('reads the search of a #/tenants?search= link, and nothing otherwise', () => {
    expect(searchOfHash('#/tenants?search=acme')).toBe('acme');
    expect(searchOfHash('#/tenants?search=%E6%9D%AD%E5%B7%9E')).toBe('杭州');
    expect(searchOfHash('#/tenants')).toBe('');
    expect(searchOfHash('')).toBe('');
  });
});
