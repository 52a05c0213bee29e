import { describe, expect, it } from 'vitest';
import type { TenantSummary } from '@shared/tenants';
import { checkBulk, rowsForPreview } from './bulkCheck';

const plans = [
  { id: 'basic', tiers: ['shared'] },
  { id: 'enterprise', tiers: ['shared', 'dedicated_schema', 'dedicated_instance'] },
] as never;
const tenants = [{ id: 'acme', subdomain: 'acme' }] as unknown as TenantSummary[];
const ctx = { plans, tenants };

describe('checkBulk', () => {
  it('finds every problem of every row in one pass: format, plan / tier rule, repeats, subdomains', () => {
    const csv = [
      'id,name,plan,tier,subdomain',
      'good_one,Good One,basic,shared,good',
      'Bad-Id,Bad,basic,shared,', // id format
      'wide,Wide,basic,dedicated_schema,', // plan / tier rule (the server's second round today)
      'good_one,Again,basic,shared,', // repeated id
      'other,Other,gold,shared,acme', // unknown plan and another tenant's subdomain
    ].join('\n');
    const r = checkBulk('csv', csv, ctx);
    if (r.kind !== 'rows') throw new Error(r.kind);
    expect(r.bad).toBe(4);
    const codes = r.rows.map((row) =>
      Object.values(row.issues)
        .map((i) => `${i.field}:${i.code}`)
        .sort(),
    );
    expect(codes).toEqual([
      [],
      ['id:idPattern'],
      ['tier:tierNotAllowed'],
      ['id:idRepeated'],
      ['plan:planUnknown', 'subdomain:subdomainTaken'],
    ]);
    expect(r.rows[3]!.issues.id!.message).toBe('1'); // rows count from the first tenant, as the server's do
  });

  it('lets a tenant of the catalog be listed again with its own subdomain', () => {
    const r = checkBulk(
      'yaml',
      '- {id: acme, name: Acme, plan: basic, tier: shared, subdomain: acme}',
      ctx,
    );
    expect(r).toMatchObject({ kind: 'rows', bad: 0 });
  });

  it('says why a text is not a list at all', () => {
    expect(checkBulk('csv', 'id,name\nx,y', ctx)).toMatchObject({
      kind: 'unreadable',
      reason: 'csvHeader',
      detail: 'plan',
    });
    expect(checkBulk('csv', 'id,name,plan\n"x,y', ctx)).toMatchObject({
      kind: 'unreadable',
      reason: 'csvSyntax',
    });
    expect(checkBulk('yaml', 'a: [', ctx)).toMatchObject({
      kind: 'unreadable',
      reason: 'yamlSyntax',
    });
    expect(checkBulk('yaml', 'just text', ctx)).toMatchObject({
      kind: 'unreadable',
      reason: 'yamlShape',
    });
    expect(checkBulk('csv', '  ', ctx)).toEqual({ kind: 'empty' });
  });

  it('previews rows with problems first, then in list order', () => {
    const csv = 'id,name,plan,tier\naa,A,basic,shared\nBB,B,basic,shared\ncc,C,basic,shared\n';
    const r = checkBulk('csv', csv, ctx);
    if (r.kind !== 'rows') throw new Error(r.kind);
    expect(rowsForPreview(r.rows, 2).map((x) => x.row)).toEqual([2, 1]);
  });
});
