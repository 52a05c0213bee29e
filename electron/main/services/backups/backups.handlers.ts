import type { DomainHandlers } from '../../router/domain';
import type { ScheduleService } from '../schedules/schedules.service';
import type { BackupsService } from './backups.service';

/** backups.*: a run is a job; verify honours the caller's signal; schedule saves through schedules. */
export function backupsHandlers(
  backups: BackupsService,
  schedules: ScheduleService,
): DomainHandlers<'backups'> {
  return {
    'backups.run': (run, ctx) => backups.startRun(run, ctx.actor),
    'backups.list': ({ envId }) => backups.list(envId),
    'backups.status': ({ envId }) => backups.status(envId),
    'backups.get': ({ envId, id }) => backups.get(envId, id),
    'backups.verify': ({ envId, id }, ctx) => backups.verify(envId, id, ctx.signal),
    'backups.delete': ({ envId, id, confirm }) => backups.delete(envId, id, confirm),
    'backups.schedule': async (input, ctx) => {
      const plan = await backups.schedulePlan(input);
      const saved = [];
      for (const p of plan.schedules) saved.push(await schedules.save(p, ctx.actor));
      return { schedules: saved, notScheduled: plan.notScheduled };
    },
  };
}
