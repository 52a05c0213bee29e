import type { Actor, JobKind } from '../../../../shared/jobs';
import { PROGRESS_INTERVAL_MS } from './attempt';

/** What a queued job carries in Redis: never a secret, only what the handler's payload says. */
export interface QueuedJobData {
  payload: unknown;
  actor: Actor;
  envId: string;
  tenantId?: string;
  scheduleId?: string;
  /** For runs a schedule creates: its timetable, to find ticks that were never created. */
  schedule?: { cron: string; tz: string; enabledAt: string };
  /** A tick created late by catch-up. */
  late?: boolean;
  /** When an attempt first met an away store (epoch ms): bounds how long the job waits for it. */
  outageSince?: number;
}

/** A record not written for this long is checked against the queue's own state. */
export const STALE_RECORD_SEC = 30;

/** At most this many missed ticks are run late after an outage. */
export const MAX_CATCH_UP = 100;

export interface BullmqSettings {
  /** How long a worker's lock on a job lasts without renewal (renewed at half of it). */
  lockDurationMs: number;
  /** How often workers look for jobs whose worker died (lock expired). */
  stalledIntervalMs: number;
  /** After this many stalls a job fails ("stalled more than allowable limit"). */
  maxStalledCount: number;
  /** Progress is published at most this often per job. */
  progressIntervalMs: number;
  /** Finished job records older than this are deleted from the shared history. */
  retentionDays: number;
  /**
   * How often a working Keel checks that Redis still holds what the core database says it should
   * (job schedulers); it also checks each time its Redis connection comes back.
   */
  reconcileIntervalMs: number;
}

export const DEFAULT_BULLMQ_SETTINGS: BullmqSettings = {
  lockDurationMs: 30_000,
  stalledIntervalMs: 30_000,
  maxStalledCount: 2,
  progressIntervalMs: PROGRESS_INTERVAL_MS,
  retentionDays: 30,
  reconcileIntervalMs: 60_000,
};

export const CONCURRENCY: Record<JobKind, number> = {
  'health.sweep': 2,
  'health.watch': 4,
  'jobs.ping': 8,
  'blueprint.apply': 1,
  // Tenants of one environment provision side by side; bulk lists run one at a time.
  'tenants.provision': 4,
  'tenants.bulkProvision': 1,
  'tenants.rollback': 2,
  'tenants.purge': 2,
  // ALTERs of one environment run one run at a time: two would wait on each other's locks.
  'partitions.apply': 1,
  // Archives read whole partitions: one run at a time, beside maintenance.
  'partitions.archive': 1,
  // A backup already runs several connections in parallel and holds a global lock briefly.
  'backups.run': 1,
  // A metering pass reads every store at once already: one at a time.
  'usage.scan': 1,
};
