import type { DomainHandlers } from '../../router/domain';
import type { PartitionsService } from './partitions.service';

/** partitions.*: reads honour the caller's signal; apply is a job. */
export function partitionsHandlers(partitions: PartitionsService): DomainHandlers<'partitions'> {
  return {
    'partitions.list': ({ envId, exact }, ctx) => partitions.list(envId, exact, ctx.signal),
    'partitions.plan': ({ envId, exact }, ctx) => partitions.plan(envId, exact, ctx.signal),
    'partitions.apply': (payload, ctx) => partitions.startApply(payload, ctx.actor),
    'partitions.archive': (payload, ctx) => partitions.startArchive(payload, ctx.actor),
    'partitions.policies': ({ envId }) => partitions.policies(envId),
    'partitions.setOverride': (input, ctx) => partitions.setOverride(input, ctx.actor),
  };
}
