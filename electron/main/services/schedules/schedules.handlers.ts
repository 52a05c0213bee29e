import type { DomainHandlers } from '../../router/domain';
import { startableByJobs } from '../jobs/jobs.handlers';
import { describeCron, nextRuns } from './cron';
import type { ScheduleService } from './schedules.service';

/** schedules.*: a schedule starts the same kinds jobs.start may. */
export function schedulesHandlers(schedules: ScheduleService): DomainHandlers<'schedules'> {
  return {
    'schedules.list': ({ envId }) => schedules.list(envId),
    'schedules.save': (input, ctx) => {
      startableByJobs(input.target.kind);
      return schedules.save(input, ctx.actor);
    },
    'schedules.remove': async ({ envId, id }) => ({ removed: await schedules.remove(envId, id) }),
    'schedules.pause': ({ envId, id }) => schedules.setEnabled(envId, id, false),
    'schedules.resume': ({ envId, id }) => schedules.setEnabled(envId, id, true),
    'schedules.runNow': ({ envId, id }, ctx) => schedules.runNow(envId, id, ctx.actor),
    'schedules.preview': ({ cron, tz, count }) => ({
      next: nextRuns(cron, tz, count),
      description: describeCron(cron),
    }),
  };
}
