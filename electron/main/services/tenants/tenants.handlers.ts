import type { DomainHandlers } from '../../router/domain';
import type { TenantsService } from './tenants.service';

/** tenants.*: reads and `start*` calls of the tenants facade. */
export function tenantsHandlers(tenants: TenantsService): DomainHandlers<'tenants'> {
  return {
    'tenants.blueprint': ({ envId }) => tenants.blueprint(envId),
    'tenants.list': async ({ envId }) => ({ tenants: await tenants.list(envId) }),
    'tenants.get': ({ envId, tenantId }) => tenants.get(envId, tenantId),
    'tenants.preview': ({ envId, spec }) => tenants.preview(envId, spec),
    'tenants.provision': ({ envId, spec }, ctx) => tenants.startProvision(envId, spec, ctx.actor),
    'tenants.bulkProvision': ({ envId, format, text }, ctx) =>
      tenants.startBulk(envId, format, text, ctx.actor),
    'tenants.suspend': ({ envId, tenantId, reason }, ctx) =>
      tenants.suspend(envId, tenantId, reason, ctx.actor),
    'tenants.resume': ({ envId, tenantId, reason }, ctx) =>
      tenants.resume(envId, tenantId, reason, ctx.actor),
    'tenants.markForDeletion': ({ envId, tenantId, reason, graceDays }, ctx) =>
      tenants.markForDeletion(envId, tenantId, reason, graceDays, ctx.actor),
    'tenants.cancelDeletion': ({ envId, tenantId, reason }, ctx) =>
      tenants.cancelDeletion(envId, tenantId, reason, ctx.actor),
    'tenants.purge': ({ envId, tenantId, confirm, reason }, ctx) =>
      tenants.startPurge(envId, tenantId, confirm, reason, ctx.actor),
    'tenants.interrupted': ({ envId }) => tenants.interrupted(envId),
    'tenants.resumeProvisioning': ({ envId, tenantId }, ctx) =>
      tenants.startResume(envId, tenantId, ctx.actor),
    'tenants.rollback': ({ envId, tenantId }, ctx) =>
      tenants.startRollback(envId, tenantId, ctx.actor),
    'tenants.applyBlueprint': ({ envId }, ctx) => tenants.startApply(envId, ctx.actor),
    'tenants.audit': ({ envId, tenantId, limit }) => tenants.audit(envId, tenantId, limit),
  };
}
