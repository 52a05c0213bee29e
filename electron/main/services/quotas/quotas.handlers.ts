import type { DomainHandlers } from '../../router/domain';
import type { QuotasService } from './quotas.service';

/** quotas.*: a metering pass is a job; reads of the history honour the caller's signal. */
export function quotasHandlers(quotas: QuotasService): DomainHandlers<'quotas'> {
  return {
    'quotas.scan': ({ envId }, ctx) => quotas.startScan(envId, ctx.actor),
    'quotas.list': ({ envId }) => quotas.list(envId),
    'quotas.usage': ({ envId, tenantId }) => quotas.show(envId, tenantId),
    'quotas.setOverride': (input, ctx) => quotas.setOverride(input, ctx.actor),
    'quotas.clearOverride': (input, ctx) => quotas.clearOverride(input, ctx.actor),
    'quotas.previewPlan': ({ envId, tenantId, plan }) => quotas.previewPlan(envId, tenantId, plan),
    'quotas.changePlan': (input, ctx) => quotas.changePlan(input, ctx.actor),
    'quotas.history': ({ envId, tenantId, days }, ctx) =>
      quotas.history(envId, tenantId, days, ctx.signal),
  };
}
