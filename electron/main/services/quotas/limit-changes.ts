import { KeelError } from '../../../../shared/errors';
import type { Dimension, PlanPreview } from '../../../../shared/quotas';
import type { TenantSummary } from '../../../../shared/tenants';
import type { QuotaCtx } from './context';
import { flaggedOf, type Reconciled } from './enforcement';
import { limitsOf } from './evaluate';
import { previewPlan, requireChangeable } from './plan';
import { setCatalogPlan } from './records';

/** After a limit changed: the quota record, the tenant's flags and its alert series, now. */
export type Reevaluate = (
  c: QuotaCtx,
  t: TenantSummary,
  actor: string,
  reason: string,
) => Promise<Reconciled>;

export interface OverrideChange {
  envId: string;
  tenantId: string;
  dimension: Dimension;
  limit: number | null;
  reason: string;
}

export interface PlanChange {
  envId: string;
  tenantId: string;
  plan: string;
  reason: string;
  confirm?: string | undefined;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Set or clear a tenant's override of one dimension: checked first (tenant exists and may
 * change), written, audited, then the tenant re-evaluated (flags, quota record) at once.
 */
export async function changeOverride(
  c: QuotaCtx,
  input: OverrideChange,
  who: string,
  op: 'set' | 'clear',
  reevaluate: Reevaluate,
): Promise<Reconciled> {
  const t = await c.catalog.get(input.tenantId);
  requireChangeable(t);
  const before =
    (await c.usage.overrides(t.id)).get(t.id)?.find((x) => x.dimension === input.dimension) ?? null;
  if (op === 'clear' && !before) {
    throw new KeelError('NOT_FOUND', `tenant ${t.id} has no override of ${input.dimension}`);
  }
  const entry = {
    envId: input.envId,
    actor: who,
    action: `quota.override.${op}`,
    target: `${t.id}:${input.dimension}`,
    tenantId: t.id,
    before,
  };
  try {
    if (op === 'set') {
      await c.usage.setOverride(t.id, {
        dimension: input.dimension,
        limit: input.limit,
        reason: input.reason,
        actor: who,
      });
    } else {
      await c.usage.clearOverride(t.id, input.dimension);
    }
  } catch (e) {
    await c.audit.write({ ...entry, error: message(e) }).catch(() => undefined);
    throw e;
  }
  const after =
    op === 'set' ? { dimension: input.dimension, limit: input.limit, reason: input.reason } : null;
  await c.audit.write({ ...entry, after: after ?? { reason: input.reason } });
  return reevaluate(
    c,
    t,
    who,
    `override of ${input.dimension} ${op === 'set' ? 'set' : 'cleared'}`,
  );
}

/** What moving the tenant to `plan` would do, from its last measured usage. */
export async function planPreviewOf(
  c: QuotaCtx,
  t: TenantSummary,
  plan: string,
): Promise<PlanPreview> {
  const [latest, overrides, flags] = await Promise.all([
    c.usage.latest(t.id),
    c.usage.overrides(t.id),
    c.usage.flags(t.id),
  ]);
  return previewPlan(
    c.targets.blueprint,
    t,
    plan,
    latest.get(t.id),
    overrides.get(t.id) ?? [],
    flaggedOf(flags, t.id),
  );
}

/**
 * Move a tenant to another plan after the same preview the user saw; a downgrade (or sideways
 * move) that sets a flag needs the tenant id typed. Catalog first, audited, then re-evaluated.
 */
export async function changePlan(
  c: QuotaCtx,
  input: PlanChange,
  who: string,
  reevaluate: Reevaluate,
): Promise<{ tenant: TenantSummary; preview: PlanPreview; enforcement: Reconciled }> {
  const t = await c.catalog.get(input.tenantId);
  requireChangeable(t);
  const preview = await planPreviewOf(c, t, input.plan);
  if (preview.direction === 'same') {
    throw new KeelError('VALIDATION', `tenant ${t.id} is already on plan ${input.plan}`);
  }
  if (preview.confirmRequired && input.confirm !== t.id) {
    throw new KeelError(
      'VALIDATION',
      `this ${preview.direction} would set enforcement flags (${preview.flagsSet.join(', ')}): type the tenant id (${t.id}) to confirm`,
      { confirmRequired: true },
    );
  }
  const plan = c.targets.blueprint.plans[input.plan];
  if (!plan) throw new KeelError('VALIDATION', `unknown plan ${input.plan}`);
  let after: TenantSummary;
  try {
    after = await setCatalogPlan(c.catalog, t, input.plan, limitsOf(plan));
  } catch (e) {
    await c.audit
      .write({
        envId: input.envId,
        actor: who,
        action: 'tenant.changePlan',
        target: t.id,
        tenantId: t.id,
        before: t,
        error: message(e),
      })
      .catch(() => undefined);
    throw e;
  }
  await c.audit.write({
    envId: input.envId,
    actor: who,
    action: 'tenant.changePlan',
    target: t.id,
    tenantId: t.id,
    before: { plan: t.plan, quotas: t.quotas },
    after: { plan: after.plan, quotas: after.quotas, reason: input.reason, preview },
  });
  const enforcement = await reevaluate(c, after, who, `plan changed to ${input.plan}`);
  return { tenant: after, preview, enforcement };
}
