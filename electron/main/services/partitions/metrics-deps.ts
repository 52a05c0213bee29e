import type { Logger } from 'pino';
import { FINAL_STATES } from '../../../../shared/jobs';
import type { EventBus } from '../../lib/event-bus';
import type { EnvironmentsService } from '../environments/environments.service';
import type { JobService } from '../jobs/job.service';
import type { MonitoringService } from '../monitoring/monitoring.service';
import type { ScheduleService } from '../schedules/schedules.service';
import { PartitionMetrics } from './metrics';
import type { PartitionsService } from './partitions.service';

/** How often partition metrics re-read the layouts (KEEL_PARTITIONS_METRICS_MS, default 10 min). */
export const DEFAULT_PARTITION_METRICS_MS = 600_000;

/**
 * Partition metrics wired to the services: discovery through partitions, runs through jobs, the
 * dead-man through schedules, samples into monitoring; re-read after every maintenance run.
 */
export function partitionMetrics(o: {
  envs: EnvironmentsService;
  partitions: PartitionsService;
  jobs: JobService;
  schedules: ScheduleService;
  monitoring: MonitoringService;
  bus: EventBus;
  logger: Logger;
  env: NodeJS.ProcessEnv;
}): PartitionMetrics {
  const ms = Number(o.env.KEEL_PARTITIONS_METRICS_MS);
  const metrics = new PartitionMetrics({
    envIds: async () => (await o.envs.list()).map((e) => e.id),
    survey: (envId) => o.partitions.survey(envId),
    lastRun: async (envId) =>
      (await o.jobs.list({ envId, kind: 'partitions.apply', limit: 20 })).find((r) =>
        FINAL_STATES.includes(r.state),
      ),
    missed: async (envId) => {
      const [entry] = await o.schedules.list(envId);
      const mine = entry?.schedules.filter((s) => s.target.kind === 'partitions.apply') ?? [];
      return mine.length ? Math.max(...mine.map((s) => s.missed?.ticks ?? 0)) : undefined;
    },
    ingest: (envId, connectionId, samples) => o.monitoring.ingest(envId, connectionId, samples),
    logger: o.logger.child({ service: 'partition-metrics' }),
    refreshMs: Number.isFinite(ms) && ms > 0 ? ms : DEFAULT_PARTITION_METRICS_MS,
    intervalMs: o.monitoring.settings.intervalMs,
  });
  metrics.own(
    o.bus.subscribe('jobs.updated', (rec) => {
      if (rec.kind === 'partitions.apply' && rec.envId && FINAL_STATES.includes(rec.state))
        void metrics.refresh(rec.envId);
    }),
  );
  return metrics;
}
