import type { Blueprint } from '../../../../shared/blueprint';
import { KeelError } from '../../../../shared/errors';
import {
  QUOTA_DIMENSIONS,
  type Dimension,
  type Limits,
  type Override,
  type PlanPreview,
  type TenantUsage,
} from '../../../../shared/quotas';
import type { TenantSummary } from '../../../../shared/tenants';
import { limitsOf, utilisation, wantedFlags } from './evaluate';

/** Statuses whose quotas may change: a tenant being deleted (or gone) keeps what it has. */
export const CHANGEABLE = ['active', 'suspended'] as const;

export function requireChangeable(t: TenantSummary): void {
  if (!(CHANGEABLE as readonly string[]).includes(t.status)) {
    throw new KeelError(
      'PRECONDITION_FAILED',
      `tenant ${t.id} is ${t.status.replace('_', ' ')}: its plan and quotas cannot change (only active or suspended tenants)`,
    );
  }
}

/** The plan's limits as the blueprint has them now (the catalog's copy where the plan is gone). */
export function planLimits(b: Blueprint, t: TenantSummary): Limits {
  const p = b.plans[t.plan];
  return p ? limitsOf(p) : t.quotas;
}

/** null (unlimited) is above every number. */
const cmp = (a: number | null, b: number | null): number =>
  a === b ? 0 : a === null ? 1 : b === null ? -1 : Math.sign(a - b);

/**
 * What moving a tenant to another plan would do: each limit before and after (an override
 * stays in force over the new plan), whether the last measured usage fits, and which flags
 * would be set or cleared. A downgrade (or sideways move) that would set a flag needs the
 * tenant id typed to confirm.
 */
export function previewPlan(
  b: Blueprint,
  t: TenantSummary,
  plan: string,
  usage: { at: string; usage: TenantUsage } | undefined,
  overrides: readonly Override[],
  flagged: readonly Dimension[],
): PlanPreview {
  const next = b.plans[plan];
  if (!next) {
    throw new KeelError(
      'VALIDATION',
      `unknown plan ${plan}: one of ${Object.keys(b.plans).join(', ')}`,
      {
        plan,
      },
    );
  }
  const tierPlans = b.tiers[t.tier].plans;
  if (!tierPlans.includes(plan)) {
    throw new KeelError(
      'PRECONDITION_FAILED',
      `plan ${plan} is not offered on the ${t.tier.replace('_', ' ')} tier (${tierPlans.join(', ')}): move the tenant first`,
    );
  }
  const from = planLimits(b, t);
  const to = limitsOf(next);
  const after = utilisation(usage?.usage ?? null, to, overrides);
  const { over, keep } = wantedFlags(after);
  const signs = QUOTA_DIMENSIONS.map((d) => cmp(to[d], from[d]));
  const direction =
    t.plan === plan || signs.every((s) => s === 0)
      ? 'same'
      : signs.every((s) => s >= 0)
        ? 'upgrade'
        : signs.every((s) => s <= 0)
          ? 'downgrade'
          : 'lateral';
  const flagsSet = over.filter((d) => !flagged.includes(d));
  const flagsCleared = flagged.filter((d) => !over.includes(d) && !keep.includes(d));
  return {
    tenantId: t.id,
    from: t.plan,
    to: plan,
    direction,
    changes: after.map((u) => ({
      dimension: u.dimension,
      from: from[u.dimension],
      to: to[u.dimension],
      effective: u.limit,
      usage: usage ? u.usage : null,
      fits: u.level !== 'over',
    })),
    fits: after.every((u) => u.level !== 'over'),
    flagsSet,
    flagsCleared,
    confirmRequired: direction !== 'upgrade' && direction !== 'same' && flagsSet.length > 0,
    measuredAt: usage?.at ?? null,
  };
}
