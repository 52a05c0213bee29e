import { z } from 'zod';
import {
  jobKinds,
  jobKindSchema,
  jobProgressEventSchema,
  jobRecordSchema,
  jobStateSchema,
} from '../jobs';
import { slugSchema } from '../models/common';
import { domain, event, method } from './define';

/** `{kind, payload}` where the payload must match its kind's schema. */
const startInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('health.sweep'), payload: jobKinds['health.sweep'] }).strict(),
]);

const jobId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'not a job id');

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
