import { z } from 'zod';
import { errorShapeSchema } from './errors';
import { isoDateSchema, slugSchema } from './models/common';

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
} as const;
export type JobKind = keyof typeof jobKinds;
export const JOB_KIND_NAMES = Object.keys(jobKinds) as [JobKind, ...JobKind[]];
export const jobKindSchema = z.enum(JOB_KIND_NAMES);
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
  createdAt: isoDateSchema,
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
