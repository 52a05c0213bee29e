import type { Actor } from '../../../../shared/jobs';
import type { ScheduleService } from '../schedules/schedules.service';

/**
 * The default maintenance schedule: every environment whose blueprint partitions tables gets one
 * daily `partitions.apply` run (03:00 UTC) through the jobs engine, so in a coordinated
 * environment it runs exactly once for the team. Made only where the environment has no
 * partitions.apply schedule at all: an operator who disables it, or schedules maintenance
 * otherwise, keeps that choice (a deleted default comes back on the next start; disable it).
 */
export const MAINTENANCE_SCHEDULE_ID = 'partitions-daily';
export const MAINTENANCE_CRON = '0 3 * * *';

const SYSTEM: Actor = { type: 'system', name: 'keel' };

export async function ensureMaintenanceSchedule(
  schedules: Pick<ScheduleService, 'list' | 'save'>,
  envId: string,
): Promise<'created' | 'exists' | 'unreadable'> {
  const [entry] = await schedules.list(envId);
  if (!entry || entry.error) return 'unreadable';
  if (entry.schedules.some((s) => s.target.kind === 'partitions.apply')) return 'exists';
  await schedules.save(
    {
      id: MAINTENANCE_SCHEDULE_ID,
      envId,
      name: 'Partition maintenance',
      target: { kind: 'partitions.apply', payload: { envId, lockWaitSec: 5, attempts: 2 } },
      cron: MAINTENANCE_CRON,
      tz: 'UTC',
      enabled: true,
    },
    SYSTEM,
  );
  return 'created';
}
