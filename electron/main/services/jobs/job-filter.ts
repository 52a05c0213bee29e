import type { JobRecord } from '../../../../shared/jobs';
import type { JobFilter } from './types';

/**
 * Whether a record passes a filter (limit aside): the file store and the in-process runner's
 * index filter in memory; the MySQL store says the same in SQL (mysql-job-store.ts).
 */
export function matchesFilter(r: JobRecord, f: JobFilter): boolean {
  return (
    (!f.state || r.state === f.state) &&
    (!f.kind || r.kind === f.kind) &&
    (!f.envId || r.envId === f.envId) &&
    (!f.tenantId || r.tenantId === f.tenantId) &&
    (!f.scheduleId || r.scheduleId === f.scheduleId) &&
    (!f.actorType || r.actor.type === f.actorType) &&
    (!f.before ||
      r.createdAt < f.before ||
      (f.beforeId !== undefined && r.createdAt === f.before && r.id < f.beforeId))
  );
}
