import type { PlanSpec } from '../../../../shared/blueprint';
import {
  ALERT_RATIO,
  QUOTA_DIMENSIONS,
  WARN_RATIO,
  type Dimension,
  type Limits,
  type Measure,
  type Override,
  type TenantUsage,
  type Utilisation,
} from '../../../../shared/quotas';

/** A plan's limits (null: unlimited). */
export const limitsOf = (p: PlanSpec): Limits => ({
  apiCalls: p.apiCalls,
  storageMb: p.storageMb,
  users: p.users,
  services: p.services,
});

/**
 * The ratio of a usage to a limit. A limit of 0 allows nothing: any use is over it, shown as
 * the usage itself (so 3 services against 0 reads 300 %).
 */
export function ratioOf(usage: number, limit: number | null): number | null {
  if (limit === null) return null;
  if (limit === 0) return usage > 0 ? usage : 0;
  return usage / limit;
}

export function levelOf(ratio: number | null, m: Measure | null): Utilisation['level'] {
  if (!m || m.method === 'unknown') return 'unknown';
  if (ratio === null) return 'ok';
  if (ratio > 1) return 'over';
  if (ratio >= ALERT_RATIO) return 'alert';
  if (ratio >= WARN_RATIO) return 'warning';
  return 'ok';
}

/** Utilisation of every dimension: the plan's limits with the tenant's overrides on top. */
export function utilisation(
  usage: TenantUsage | null,
  plan: Limits,
  overrides: readonly Override[],
): Utilisation[] {
  return QUOTA_DIMENSIONS.map((dimension) => {
    const o = overrides.find((x) => x.dimension === dimension);
    const limit = o ? o.limit : plan[dimension];
    const m = usage ? usage[dimension] : null;
    const ratio = m && m.method !== 'unknown' ? ratioOf(m.value, limit) : null;
    return {
      dimension,
      usage: m ?? { value: 0, method: 'unknown', error: 0 },
      limit,
      ratio,
      source: o ? 'override' : 'plan',
      level: levelOf(ratio, m),
    };
  });
}

export const highestOf = (u: readonly Utilisation[]): number | null =>
  u.reduce<number | null>((a, x) => (x.ratio === null ? a : Math.max(a ?? 0, x.ratio)), null);

/**
 * Which flags a tenant should have: a dimension over its hard limit (usage above the limit).
 * Unknown usage decides nothing: its flag stays as it is (`keep`).
 */
export function wantedFlags(u: readonly Utilisation[]): { over: Dimension[]; keep: Dimension[] } {
  return {
    over: u.filter((x) => x.level === 'over').map((x) => x.dimension),
    keep: u.filter((x) => x.level === 'unknown').map((x) => x.dimension),
  };
}
