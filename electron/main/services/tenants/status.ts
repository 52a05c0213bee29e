import type { Actor } from '../../../../shared/jobs';
import type { TenantStatus, TenantSummary } from '../../../../shared/tenants';
import type { Logger } from 'pino';
import type { EventBus } from '../../lib/event-bus';
import { audited } from './audit';
import { requireStatus } from './catalog';
import { actorName, type Ctx } from './context';
import { namesOf } from './names';
import { TenantAccess, type AccessState } from './redis-access';

/** The status changes a user can make by hand: from which states, to which, and Redis access after. */
export const STATUS_ACTIONS = {
  suspend: { from: ['active'], to: 'suspended', accessOn: false },
  resume: { from: ['suspended'], to: 'active', accessOn: true },
  'mark-for-deletion': { from: ['active', 'suspended'], to: 'pending_deletion', accessOn: false },
  // Taking back a deletion leaves the tenant suspended: someone resumes it on purpose.
  'cancel-deletion': { from: ['pending_deletion'], to: 'suspended', accessOn: false },
} as const satisfies Record<
  string,
  { from: readonly TenantStatus[]; to: TenantStatus; accessOn: boolean }
>;
export type StatusAction = keyof typeof STATUS_ACTIONS;

/** A tenant's Redis ACL user and Keel's record of its status (none without Redis). */
async function accessOf(c: Ctx, tenantId: string): Promise<TenantAccess | undefined> {
  const conn = c.targets.redis;
  if (!conn) return undefined;
  return new TenantAccess(
    await c.stores.redis(conn.id),
    c.targets.blueprint.redis.businessDb,
    namesOf(c.targets, tenantId).aclUser,
    tenantId,
  );
}

/**
 * One status change: the transition is checked, Redis access changed, then the catalog; whatever
 * fails after access changed puts access back as it was. Audited either way.
 */
export async function changeStatus(
  c: Ctx,
  sink: { bus: EventBus; logger: Logger },
  change: { tenantId: string; action: StatusAction; reason: string; actor: Actor },
  purgeAfter: Date | null = null,
): Promise<TenantSummary> {
  const { tenantId, action, reason } = change;
  const { from, to, accessOn } = STATUS_ACTIONS[action];
  const who = actorName(change.actor);
  let access: TenantAccess | undefined;
  let was: AccessState | undefined;
  return audited(
    { ...sink, audit: c.audit },
    { envId: c.env.id, actor: who, action: `tenant.${action}`, target: tenantId, tenantId },
    async () => {
      // The transition is checked before access is touched: a refused change changes nothing
      // (a refused resume used to turn a pending-deletion tenant's access back on).
      requireStatus(await c.catalog.get(tenantId), from);
      access = await accessOf(c, tenantId);
      was = await access?.read();
      // Access next: if Redis refuses, the status does not claim what is not true.
      await access?.set(accessOn, to);
      const { before, after } = await c.catalog.setStatus(
        tenantId,
        from,
        to,
        reason,
        who,
        purgeAfter,
      );
      return { value: after, before, after };
    },
    {
      // Whatever failed after access changed (the catalog, a racing change): put it back as it was.
      recover: async (e) => {
        if (was) await access?.restore(was).catch(() => undefined);
        return e;
      },
      failed: async () => ({
        before: (await c.catalog.find(tenantId).catch(() => undefined)) ?? null,
      }),
    },
  );
}
