import { KeelError } from '../../../../shared/errors';
import { OWN_METHOD_JOB_KINDS, type JobKind } from '../../../../shared/jobs';
import type { DomainHandlers } from '../../router/domain';
import type { JobService } from './job.service';

/** jobs.*: start, follow and cancel any job a generic caller may start. */
export function jobsHandlers(jobs: JobService): DomainHandlers<'jobs'> {
  return {
    'jobs.start': (input, ctx) => {
      startableByJobs(input.kind);
      return jobs.start(input.kind, input.payload, { actor: ctx.actor });
    },
    'jobs.cancel': ({ id }) => jobs.cancel(id),
    'jobs.retry': ({ id }, ctx) => jobs.retry(id, { actor: ctx.actor }),
    'jobs.status': ({ envId }) => jobs.status(envId),
    'jobs.get': ({ id }) => jobs.get(id),
    'jobs.list': (filter) => jobs.list(filter),
  };
}

/** Refuse a kind whose own method must start it (see OWN_METHOD_JOB_KINDS), with that method's name. */
export function startableByJobs(kind: JobKind): void {
  const why = (OWN_METHOD_JOB_KINDS as Partial<Record<JobKind, string>>)[kind];
  if (why === undefined) return;
  throw new KeelError(
    'VALIDATION',
    `${kind} jobs start only through the ${kind} method, which ${why}; jobs.start and schedules do not start them`,
    { kind, method: kind },
  );
}
