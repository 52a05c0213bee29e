import { describe, expect, it } from 'vitest';
import {
  idFromName,
  newSpecDraft,
  specInputOf,
  tierForPlan,
  tiersForPlan,
  validateSpec,
  type PlanSummary,
  type SpecContext,
  type SpecDraft,
} from './specModel';

const quotas = { apiCalls: 1000, storageMb: 512, users: 5, services: 2 };
const plans: PlanSummary[] = [
  { id: 'basic', price: 99, quotas, tiers: ['shared'] },
  { id: 'pro', price: 499, quotas, tiers: ['dedicated_schema', 'shared'] },
  { id: 'enterprise', price: null, quotas, tiers: ['dedicated_instance', 'dedicated_schema'] },
];
const ctx: SpecContext = {
  plans,
  existingIds: new Set(['acme']),
  existingSubdomains: new Set(['acme']),
};
const draft = (o: Partial<SpecDraft>): SpecDraft => ({
  id: 'globex',
  name: 'Globex',
  plan: 'basic',
  tier: 'shared',
  subdomain: '',
  instanceConnectionId: '',
  ...o,
});
const codes = (d: SpecDraft) =>
  Object.fromEntries(Object.entries(validateSpec(d, ctx).issues).map(([k, v]) => [k, v.code]));

describe('tiers of a plan', () => {
  it('lists the tiers a plan allows in canonical order; none for an unknown plan', () => {
    expect(tiersForPlan(plans, 'pro')).toEqual(['shared', 'dedicated_schema']);
    expect(tiersForPlan(plans, 'enterprise')).toEqual(['dedicated_schema', 'dedicated_instance']);
    expect(tiersForPlan(plans, 'nope')).toEqual([]);
  });

  it('keeps the current tier when allowed, else takes the first allowed', () => {
    expect(tierForPlan('shared', ['shared', 'dedicated_schema'])).toBe('shared');
    expect(tierForPlan('shared', ['dedicated_schema', 'dedicated_instance'])).toBe(
      'dedicated_schema',
    );
    expect(tierForPlan('shared', [])).toBe('shared');
  });

  it('starts a new draft on the first plan with a tier it allows', () => {
    expect(newSpecDraft(plans)).toMatchObject({ plan: 'basic', tier: 'shared' });
    expect(newSpecDraft([plans[2] as PlanSummary])).toMatchObject({
      plan: 'enterprise',
      tier: 'dedicated_schema',
    });
  });
});

describe('spec validation', () => {
  it('accepts a good spec and leaves out empty optional fields', () => {
    const r = validateSpec(draft({}), ctx);
    expect(r.issues).toEqual({});
    expect(r.value).toEqual({ id: 'globex', name: 'Globex', plan: 'basic', tier: 'shared' });
    expect(specInputOf(draft({ subdomain: ' gx ', instanceConnectionId: 'x' }))).toEqual({
      id: 'globex',
      name: 'Globex',
      plan: 'basic',
      tier: 'shared',
      subdomain: 'gx',
    });
  });

  it('says what is wrong with an id', () => {
    expect(codes(draft({ id: '' })).id).toBe('idRequired');
    expect(codes(draft({ id: 'Acme' })).id).toBe('idPattern');
    expect(codes(draft({ id: '1abc' })).id).toBe('idPattern');
    expect(codes(draft({ id: 'a'.repeat(33) })).id).toBe('idTooLong');
    expect(codes(draft({ id: 'a__b' })).id).toBe('idDoubleUnderscore');
    expect(codes(draft({ id: 'ab_' })).id).toBe('idDoubleUnderscore');
    expect(codes(draft({ id: 'select' })).id).toBe('idReserved');
    expect(codes(draft({ id: 'acme' })).id).toBe('idTaken');
  });

  it('checks name, subdomain, plan and tier', () => {
    expect(codes(draft({ name: '  ' })).name).toBe('nameRequired');
    expect(codes(draft({ name: 'x'.repeat(101) })).name).toBe('nameTooLong');
    expect(codes(draft({ subdomain: '-bad' })).subdomain).toBe('subdomainPattern');
    expect(codes(draft({ subdomain: 'acme' })).subdomain).toBe('subdomainTaken');
    expect(codes(draft({ plan: 'gold' })).plan).toBe('planUnknown');
    expect(codes(draft({ plan: 'basic', tier: 'dedicated_schema' })).tier).toBe('tierNotAllowed');
    expect(validateSpec(draft({ name: '' }), ctx).value).toBeUndefined();
  });

  it('needs the reserved connection for a dedicated instance', () => {
    const d = draft({ plan: 'enterprise', tier: 'dedicated_instance' });
    expect(codes(d)).toEqual({ instanceConnectionId: 'instanceRequired' });
    const ok = validateSpec({ ...d, instanceConnectionId: 'tenant-globex' }, ctx);
    expect(ok.value?.instanceConnectionId).toBe('tenant-globex');
  });
});

describe('id suggested from the name', () => {
  it('makes a valid id of Latin names and suggests nothing for others', () => {
    expect(idFromName('Acme Ltd.')).toBe('acme_ltd');
    expect(idFromName('  42 Café & Co ')).toBe('cafe_co');
    expect(idFromName('北京贝塔科技')).toBe('');
    expect(idFromName('X')).toBe('');
    expect(idFromName('a'.repeat(40))).toHaveLength(32);
    expect(validateSpec(draft({ id: idFromName('Initech Holdings Inc') }), ctx).issues).toEqual({});
  });
});
