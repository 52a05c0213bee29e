import { z } from 'zod';
import {
  jobEngineSchema,
  jobIdSchema as jobId,
  jobKindSchema,
  jobProgressEventSchema,
  jobRecordSchema,
  jobStartSchema as startInput,
  jobStateSchema,
} from '../jobs';
import { slugSchema } from '../models/common';
import { domain, event, method } from './define';

export const jobsDomain = domain({
  methods: {
    /** Start a job. It runs in the background; follow it with `jobs.progress` / `jobs.updated`. */
    start: method({
      summary: 'Start a background job',
      input: startInput,
      example: { kind: 'health.sweep', payload: { envId: 'demo' } },
      output: jobRecordSchema,
    }),
    /** Ask a running job to stop. It ends `cancelled` once it has undone what it must. */
    cancel: method({
      summary: 'Cancel a queued or running job',
      input: z.object({ id: jobId }).strict(),
      example: { id: 'j_01' },
      output: jobRecordSchema,
    }),
    /** Start a failed or cancelled job again with the same payload (a new job). */
    retry: method({
      summary: 'Run a failed or cancelled job again',
      input: z.object({ id: jobId }).strict(),
      example: { id: 'j_01' },
      output: jobRecordSchema,
    }),
    /** Which engine runs an environment's jobs, and whether runs are coordinated across the team. */
    status: method({
      summary: "Show the environment's job engine (coordinated or not)",
      input: z.object({ envId: slugSchema }).strict(),
      example: { envId: 'demo' },
      output: jobEngineSchema,
    }),
    get: method({
      summary: 'Show one job',
      input: z.object({ id: jobId }).strict(),
      example: { id: 'j_01' },
      output: jobRecordSchema,
    }),
    /** Job history, newest first. */
    list: method({
      summary: 'List jobs, newest first',
      input: z
        .object({
          state: jobStateSchema.optional(),
          kind: jobKindSchema.optional(),
          envId: slugSchema.optional(),
          tenantId: z.string().max(64).optional(),
          actorType: z.enum(['user', 'schedule', 'system']).optional(),
          /** Only jobs created before this instant (paging backwards through history). */
          before: z.iso.datetime({ offset: true }).optional(),
          /** With `before`: the id of the last job shown, so jobs created in the same millisecond are not skipped. */
          beforeId: jobId.optional(),
          limit: z.int().min(1).max(1000).default(100),
        })
        .strict(),
      example: { state: 'running', limit: 20 },
      output: z.array(jobRecordSchema),
    }),
  },
  events: {
    /** Throttled progress of a running job. */
    progress: event({ summary: 'Job progress', payload: jobProgressEventSchema }),
    /** A job changed state (queued, running, completed, failed, cancelled). */
    updated: event({ summary: 'Job state changed', payload: jobRecordSchema }),
  },
});
