import type { Queue } from 'bullmq';
import type { StoredSchedule } from './schedule-store';

const PENDING = ['delayed', 'waiting', 'prioritized', 'paused', 'waiting-children'];

/**
 * Whether BullMQ still carries the schedule: its scheduler exists with this timetable and its next
 * run is waiting to happen. BullMQ creates each run's successor only after a worker has taken the
 * run (a second round trip to Redis): a Redis that restarts without its data loses the scheduler,
 * and one that restarts between the two round trips leaves a run with no successor. In both cases
 * nothing in BullMQ starts the chain again. A next run that is already active has no successor
 * yet: upserting then is safe (the worker's own successor write sees the scheduler moved on and
 * adds nothing), and it is what restarts a chain split by a restart.
 */
export async function schedulerHealthy(q: Queue, s: StoredSchedule): Promise<boolean> {
  const sch = await q.getJobScheduler(s.id);
  if (!sch?.next || sch.pattern !== s.cron || (sch.tz ?? 'UTC') !== s.tz) return false;
  const next = await q.getJob(`repeat:${s.id}:${sch.next}`);
  if (!next) return false;
  return PENDING.includes(await next.getState());
}
