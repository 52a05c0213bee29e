import type { Logger } from 'pino';
import type { ScheduleService } from '../schedules/schedules.service';

/** The default cadence of the usage pass: every 15 minutes (issue 12). */
export const USAGE_SCHEDULE_ID = 'usage-scan';
export const USAGE_CRON = '*/15 * * * *';

/**
 * Give an environment whose tenant catalog exists the default usage schedule, once: an
 * environment that already has any `usage.scan` schedule (paused, or at another cadence) keeps
 * it. Pausing it is how to stop the passes; a deleted one comes back at the next start.
 */
export async function ensureUsageSchedule(
  schedules: Pick<ScheduleService, 'list' | 'save'>,
  hasCatalog: (envId: string) => Promise<boolean>,
  envId: string,
  logger: Logger,
): Promise<boolean> {
  try {
    if (!(await hasCatalog(envId))) return false;
    const [entry] = await schedules.list(envId);
    if (!entry || entry.error) return false;
    if (entry.schedules.some((s) => s.target.kind === 'usage.scan')) return false;
    await schedules.save(
      {
        id: USAGE_SCHEDULE_ID,
        envId,
        name: 'Usage and quotas',
        target: { kind: 'usage.scan', payload: { envId } },
        cron: USAGE_CRON,
        tz: 'UTC',
        enabled: true,
      },
      { type: 'system', name: 'keel' },
    );
    return true;
  } catch (err) {
    logger.warn({ err, envId }, 'usage schedule not created');
    return false;
  }
}
