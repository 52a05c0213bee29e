import { z } from 'zod';
import { backupRunSchema } from './backups';
import { errorShapeSchema } from './errors';
import { isoDateSchema, slugSchema } from './models/common';
import { partitionsApplyPayloadSchema, partitionsArchivePayloadSchema } from './partitions';
import { reasonSchema, tenantIdSchema, tenantSpecSchema } from './tenants';

/**
 * The job contract. Anything slow is a job: an id, a cancel signal, throttled progress events,
 * a final state and a persisted record. The runner behind it is an interface (in-process now,
 * a distributed queue later); nothing here knows which.
 */
export const JOB_STATES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export const jobStateSchema = z.enum(JOB_STATES);
export type JobState = z.infer<typeof jobStateSchema>;
export const FINAL_STATES: readonly JobState[] = ['completed', 'failed', 'cancelled'];

/** Payload schemas per job kind. A kind not listed here cannot be started. */
export const jobKinds = {
  /** Probe every connection of an environment once, one step per endpoint. */
  'health.sweep': z.object({ envId: slugSchema }).strict(),
  /**
   * Watch an environment's stores for a while (during maintenance, a migration, an incident):
   * probe them every `intervalSec` for `durationSec` and keep each round's latencies in shared
   * storage. Resumable: after a crash the retry continues from the last recorded round.
   */
  'health.watch': z
    .object({
      envId: slugSchema,
      connectionId: slugSchema.optional(),
      durationSec: z.int().min(1).max(86_400),
      intervalSec: z.int().min(1).max(3600),
    })
    .strict()
    .refine((p) => p.intervalSec <= p.durationSec, {
      message: 'the interval is longer than the watch',
      path: ['intervalSec'],
    }),
  /** A round trip through the job engine: proves a worker picks up jobs and how soon. */
  'jobs.ping': z.object({ envId: slugSchema }).strict(),
  /**
   * Create the catalog, the shared business databases and tables (with their partitions), the
   * Mongo platform collections and the metrics database from the environment's blueprint.
   * Idempotent: creates what is missing, changes nothing that exists.
   */
  'blueprint.apply': z.object({ envId: slugSchema }).strict(),
  /**
   * Provision one tenant in every store. Idempotent; a failure or cancel undoes what this
   * provisioning created; after a crash the retry finishes what is missing.
   */
  'tenants.provision': z.object({ envId: slugSchema, spec: tenantSpecSchema }).strict(),
  /** Provision many tenants (rows validated up front); one progress bar, a result per row. */
  'tenants.bulkProvision': z
    .object({ envId: slugSchema, specs: z.array(tenantSpecSchema).min(1).max(10_000) })
    .strict(),
  /** Undo an interrupted provisioning: drop every object it recorded, in reverse order. */
  'tenants.rollback': z.object({ envId: slugSchema, tenantId: tenantIdSchema }).strict(),
  /** Delete a tenant marked for deletion whose grace period is over: data, access, catalog row. */
  'tenants.purge': z
    .object({ envId: slugSchema, tenantId: tenantIdSchema, reason: reasonSchema })
    .strict(),
  /**
   * Partition maintenance: add the partitions every partitioned table's policy asks for ahead
   * (metadata-only), each ALTER with a bounded lock wait. Idempotent: a second run changes nothing.
   */
  'partitions.apply': partitionsApplyPayloadSchema,
  /** Export partitions (verified) without dropping them: those past retention, or named ones. */
  'partitions.archive': partitionsArchivePayloadSchema,
  /**
   * A consistent backup of a MySQL / MariaDB connection (whole server, databases, tables or one
   * tenant). Complete only once its manifest is written; a failed or cancelled run removes its
   * partial files and is recorded with the reason.
   */
  'backups.run': backupRunSchema,
  /**
   * A metering pass: every tenant's usage in every store (set-based), utilisation against its
   * plan and overrides, enforcement flags, the usage history. Scheduled every 15 minutes.
   */
  'usage.scan': z.object({ envId: slugSchema }).strict(),
} as const;

/** Kinds whose work runs off the main thread (long, or CPU-heavy), so lock renewal never starves. */
export const LONG_JOB_KINDS: ReadonlySet<string> = new Set([
  'health.watch',
  'tenants.bulkProvision',
]);
export type JobKind = keyof typeof jobKinds;
export const JOB_KIND_NAMES = Object.keys(jobKinds) as [JobKind, ...JobKind[]];
export const jobKindSchema = z.enum(JOB_KIND_NAMES);
/**
 * Kinds the generic Start job / schedule form can build (their payload is the environment, plus
 * the watch's fields; partition maintenance takes its defaults, so it can be scheduled daily).
 * Tenant jobs take a spec and start from the Tenants page.
 */
export const FORM_JOB_KINDS = [
  'health.sweep',
  'health.watch',
  'jobs.ping',
  'blueprint.apply',
  'partitions.apply',
  'usage.scan',
] as const satisfies readonly JobKind[];
/**
 * Kinds that start only through their own contract method (of the same name), because that method
 * checks what the job takes for granted. `jobs.start` and schedules refuse them, or the check
 * (the purge's typed confirmation above all) could be skipped.
 */
export const OWN_METHOD_JOB_KINDS = {
  'tenants.provision': 'checks the spec against the catalog and the blueprint',
  'tenants.bulkProvision': 'checks every row first',
  'tenants.rollback': 'checks that the provisioning was interrupted',
  'tenants.purge': 'asks for the typed confirmation and checks that the grace period is over',
} as const satisfies Partial<Record<JobKind, string>>;
export type JobPayload<K extends JobKind> = z.infer<(typeof jobKinds)[K]>;

export const actorSchema = z.object({
  type: z.enum(['user', 'schedule', 'system']),
  name: z.string().max(128),
});
export type Actor = z.infer<typeof actorSchema>;

export const jobProgressSchema = z.object({
  done: z.number().nonnegative(),
  total: z.number().nonnegative().optional(),
  message: z.string().max(500).optional(),
});
export type JobProgress = z.infer<typeof jobProgressSchema>;

export const jobLogLineSchema = z.object({
  at: isoDateSchema,
  level: z.enum(['info', 'warn', 'error']),
  msg: z.string(),
});
export type JobLogLine = z.infer<typeof jobLogLineSchema>;

export const jobRecordSchema = z.object({
  id: z.string(),
  kind: jobKindSchema,
  state: jobStateSchema,
  payload: z.unknown(),
  actor: actorSchema,
  envId: z.string().optional(),
  /** The tenant the job works on, when it works on one. */
  tenantId: z.string().optional(),
  /** The schedule that created it. */
  scheduleId: z.string().optional(),
  /** The attempt running or last run, 1-based; 0 = not started. A failed attempt is retried with back-off. */
  attempts: z.int().nonnegative().default(0),
  createdAt: isoDateSchema,
  /** Last change of the record: of two copies of a record, the later one wins. */
  updatedAt: isoDateSchema.optional(),
  startedAt: isoDateSchema.optional(),
  finishedAt: isoDateSchema.optional(),
  progress: jobProgressSchema,
  result: z.unknown().optional(),
  error: errorShapeSchema.optional(),
  /** The last lines the job logged (bounded). */
  log: z.array(jobLogLineSchema),
});
export type JobRecord = z.infer<typeof jobRecordSchema>;

export const jobProgressEventSchema = z.object({ id: z.string(), progress: jobProgressSchema });

/** Job ids: ours (`j_…`) and the ones the scheduler gives (`repeat:<schedule>:<time>`). */
export const jobIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_:.-]{0,127}$/, 'not a job id')
  .refine((s) => !s.includes('..'), 'not a job id');

/** What the jobs engine of an environment is, so the UI can say whether schedules are shared. */
export const jobEngineSchema = z.object({
  envId: z.string(),
  engine: z.enum(['bullmq', 'in-process']),
  /** Runs and schedules are coordinated across every Keel of the team (exactly once). */
  coordinated: z.boolean(),
  /** Why not, in plain words (no Redis, no core database…). */
  reason: z.string().optional(),
  /** The same, for a UI to word in its language. */
  reasonCode: z.enum(['no-redis', 'no-core-database', 'no-redis-and-core']).optional(),
  /** Where job records live. */
  records: z.enum(['core-database', 'local-file']),
  /** Workers connected to this environment's queues, across the team (BullMQ only). */
  workers: z.int().nonnegative(),
});
export type JobEngine = z.infer<typeof jobEngineSchema>;

/** `{kind, payload}`, the payload checked against its kind's schema. */
export const jobStartSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('health.sweep'), payload: jobKinds['health.sweep'] }).strict(),
  z.object({ kind: z.literal('health.watch'), payload: jobKinds['health.watch'] }).strict(),
  z.object({ kind: z.literal('jobs.ping'), payload: jobKinds['jobs.ping'] }).strict(),
  z.object({ kind: z.literal('blueprint.apply'), payload: jobKinds['blueprint.apply'] }).strict(),
  z
    .object({ kind: z.literal('tenants.provision'), payload: jobKinds['tenants.provision'] })
    .strict(),
  z
    .object({
      kind: z.literal('tenants.bulkProvision'),
      payload: jobKinds['tenants.bulkProvision'],
    })
    .strict(),
  z.object({ kind: z.literal('tenants.rollback'), payload: jobKinds['tenants.rollback'] }).strict(),
  z.object({ kind: z.literal('tenants.purge'), payload: jobKinds['tenants.purge'] }).strict(),
  z.object({ kind: z.literal('partitions.apply'), payload: jobKinds['partitions.apply'] }).strict(),
  z
    .object({ kind: z.literal('partitions.archive'), payload: jobKinds['partitions.archive'] })
    .strict(),
  // Scheduled backups (backups.schedule builds them); the job runs its own pre-flight first.
  z.object({ kind: z.literal('backups.run'), payload: jobKinds['backups.run'] }).strict(),
  z.object({ kind: z.literal('usage.scan'), payload: jobKinds['usage.scan'] }).strict(),
]);
export type JobStart = z.infer<typeof jobStartSchema>;
