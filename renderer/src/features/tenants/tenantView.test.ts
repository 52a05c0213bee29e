import { describe, expect, it } from 'vitest';
import { paramsOfHash, withParams } from '../../app/hashParams';
import { DEFAULT_SORT, NO_TENANT_FILTER } from './filterTenants';
import { paramsOfView, tenantHref, viewOfParams } from './tenantView';

const view = (hash: string) => viewOfParams(paramsOfHash(hash));

describe('the Tenants view in the address', () => {
  it('round-trips search, filters, sort and the open tenant', () => {
    const v = {
      filter: {
        query: 'acme ltd',
        plan: 'pro',
        status: 'active',
        tier: 'shared',
        connection: 'core',
      },
      sort: { key: 'createdAt', dir: 'desc' },
      open: 't060_northwind',
    } as const;
    const hash = withParams('#/tenants', paramsOfView(v));
    expect(hash).toBe(
      '#/tenants?search=acme+ltd&plan=pro&status=active&tier=shared&conn=core&sort=-createdAt&open=t060_northwind',
    );
    expect(view(hash)).toEqual(v);
  });

  it('leaves defaults out of the address and removes what was cleared', () => {
    const hash = withParams(
      '#/tenants?search=a&open=x',
      paramsOfView({ filter: NO_TENANT_FILTER, sort: DEFAULT_SORT }),
    );
    expect(hash).toBe('#/tenants?open=x');
    expect(withParams(hash, paramsOfView({ open: undefined }))).toBe('#/tenants');
  });

  it('ignores values that are not valid (a hand-edited link opens the page, never an error)', () => {
    const v = view('#/tenants?status=gone&tier=huge&sort=-nope&open=');
    expect(v).toEqual({ filter: NO_TENANT_FILTER, sort: DEFAULT_SORT, open: undefined });
    expect(view(`#/tenants?search=${'x'.repeat(500)}`).filter.query).toHaveLength(200);
  });

  it('a ranking link opens that tenant and filters nothing', () => {
    const v = view(tenantHref('t060_northwind'));
    expect(v.open).toBe('t060_northwind');
    expect(v.filter).toEqual(NO_TENANT_FILTER);
  });
});
