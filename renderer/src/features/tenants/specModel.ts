import { TIERS, type Tier } from '@shared/blueprint';
import {
  tenantSpecSchema,
  type BlueprintSummary,
  type TenantSpec,
  type TenantSpecInput,
} from '@shared/tenants';

/**
 * The provision form: a draft of strings, checked with the contract's own `tenantSpecSchema` as
 * it is typed, plus what only the catalog knows (ids and subdomains taken, the plan's tiers).
 */

export type PlanSummary = BlueprintSummary['plans'][number];

export interface SpecDraft {
  id: string;
  name: string;
  plan: string;
  tier: Tier;
  /** '' = none. */
  subdomain: string;
  /** dedicated_instance only; '' = not chosen. */
  instanceConnectionId: string;
}
export type SpecField = keyof SpecDraft;

/** The tiers a plan may use, in the blueprint's canonical order; none for an unknown plan. */
export function tiersForPlan(plans: readonly PlanSummary[], planId: string): Tier[] {
  const plan = plans.find((p) => p.id === planId);
  return plan ? TIERS.filter((t) => plan.tiers.includes(t)) : [];
}

/** The tier to keep when the plan changes: the current one if still allowed, else the first. */
export function tierForPlan(current: Tier, allowed: readonly Tier[]): Tier {
  return allowed.includes(current) ? current : (allowed[0] ?? current);
}

export function newSpecDraft(plans: readonly PlanSummary[]): SpecDraft {
  const plan = plans[0]?.id ?? '';
  return {
    id: '',
    name: '',
    plan,
    tier: tierForPlan('shared', tiersForPlan(plans, plan)),
    subdomain: '',
    instanceConnectionId: '',
  };
}

/**
 * A tenant id suggested from the name while the id has not been typed: "Acme Ltd." → "acme_ltd".
 * Names without Latin letters or digits suggest nothing.
 */
export function idFromName(name: string): string {
  const words = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^[^a-z]+/, '')
    .slice(0, 32)
    .replace(/_+$/, '');
  return words.length >= 2 ? words : '';
}

/** What `tenants.preview` / `tenants.provision` get: empty optional fields left out. */
export function specInputOf(d: SpecDraft): TenantSpecInput {
  const subdomain = d.subdomain.trim();
  return {
    id: d.id.trim(),
    name: d.name,
    plan: d.plan,
    tier: d.tier,
    ...(subdomain !== '' && { subdomain }),
    ...(d.tier === 'dedicated_instance' &&
      d.instanceConnectionId !== '' && { instanceConnectionId: d.instanceConnectionId }),
  };
}

export type SpecIssueCode =
  | 'idRequired'
  | 'idTooLong'
  | 'idPattern'
  | 'idDoubleUnderscore'
  | 'idReserved'
  | 'idTaken'
  /** Bulk lists: the id is also on an earlier row (`message` holds that row). */
  | 'idRepeated'
  | 'nameRequired'
  | 'nameTooLong'
  | 'planUnknown'
  | 'tierNotAllowed'
  | 'subdomainPattern'
  | 'subdomainTaken'
  | 'instanceRequired'
  /** Anything else the schema says: shown in its own words. */
  | 'other';

export interface SpecIssue {
  field: SpecField;
  code: SpecIssueCode;
  message: string;
}

export interface SpecContext {
  plans: readonly PlanSummary[];
  existingIds: ReadonlySet<string>;
  existingSubdomains: ReadonlySet<string>;
}

const FIELDS: readonly SpecField[] = [
  'id',
  'name',
  'plan',
  'tier',
  'subdomain',
  'instanceConnectionId',
];
const isField = (k: unknown): k is SpecField => FIELDS.includes(k as SpecField);

/** Our code for one schema issue; the schema's English message stays as the fallback. */
function codeOf(field: SpecField, zodCode: string, d: SpecDraft): SpecIssueCode {
  switch (field) {
    case 'id': {
      const id = d.id.trim();
      if (id === '') return 'idRequired';
      if (zodCode === 'too_big') return 'idTooLong';
      if (zodCode === 'invalid_format') return 'idPattern';
      if (zodCode === 'custom')
        return id.includes('__') || id.endsWith('_') ? 'idDoubleUnderscore' : 'idReserved';
      return 'other';
    }
    case 'name':
      return zodCode === 'too_small'
        ? 'nameRequired'
        : zodCode === 'too_big'
          ? 'nameTooLong'
          : 'other';
    case 'plan':
      return 'planUnknown';
    case 'tier':
      return 'tierNotAllowed';
    case 'subdomain':
      return 'subdomainPattern';
    case 'instanceConnectionId':
      return zodCode === 'custom' ? 'instanceRequired' : 'other';
  }
}

/**
 * Check the draft. `value` is set when it may be sent; `issues` holds the first problem per field.
 */
export function validateSpec(
  d: SpecDraft,
  ctx: SpecContext,
): { value?: TenantSpec; issues: Partial<Record<SpecField, SpecIssue>> } {
  const issues: Partial<Record<SpecField, SpecIssue>> = {};
  const add = (field: SpecField, code: SpecIssueCode, message: string = code): void => {
    issues[field] ??= { field, code, message };
  };
  const parsed = tenantSpecSchema.safeParse(specInputOf(d));
  if (!parsed.success)
    for (const i of parsed.error.issues) {
      const field = i.path[0];
      if (isField(field)) add(field, codeOf(field, i.code, d), i.message);
    }

  const id = d.id.trim();
  if (id !== '' && ctx.existingIds.has(id)) add('id', 'idTaken');
  const sub = d.subdomain.trim();
  if (sub !== '' && ctx.existingSubdomains.has(sub)) add('subdomain', 'subdomainTaken');
  const allowed = tiersForPlan(ctx.plans, d.plan);
  if (allowed.length === 0) add('plan', 'planUnknown');
  else if (!allowed.includes(d.tier)) add('tier', 'tierNotAllowed');

  return parsed.success && Object.keys(issues).length === 0
    ? { value: parsed.data, issues }
    : { issues };
}
