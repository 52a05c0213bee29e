import { z } from 'zod';
import { actorSchema, jobIdSchema, jobStartSchema, jobStateSchema } from './jobs';
import { isoDateSchema, slugSchema } from './models/common';

/** An IANA time zone this runtime knows (Europe/Berlin, Asia/Shanghai, UTC…). */
export const timeZoneSchema = z
  .string()
  .min(1)
  .max(64)
  .refine(
    (tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    },
    { message: 'unknown time zone (use an IANA name such as Asia/Shanghai or UTC)' },
  );

/**
 * A cron expression: 5 fields (minute hour day month weekday) or 6 with seconds first. Its
 * meaning is checked by the server (schedules.preview), which answers with the reason.
 */
export const cronSchema = z
  .string()
  .trim()
  .min(9, 'a cron expression has 5 or 6 fields, e.g. "0 2 * * *"')
  .max(200)
  .refine((c) => [5, 6].includes(c.split(/\s+/).length), {
    message: 'a cron expression has 5 or 6 fields, e.g. "0 2 * * *"',
  });

export const scheduleInputSchema = z
  .object({
    id: slugSchema,
    envId: slugSchema,
    name: z.string().min(1).max(120),
    /** What each run starts. */
    target: jobStartSchema,
    cron: cronSchema,
    tz: timeZoneSchema.default('UTC'),
    enabled: z.boolean().default(true),
  })
  .strict()
  .refine((s) => s.target.payload.envId === s.envId, {
    message: "the job must run on the schedule's environment",
    path: ['target', 'payload', 'envId'],
  });
export type ScheduleInput = z.input<typeof scheduleInputSchema>;

export const scheduleSchema = z.object({
  id: z.string(),
  envId: z.string(),
  name: z.string(),
  target: jobStartSchema,
  cron: z.string(),
  tz: z.string(),
  enabled: z.boolean(),
  createdBy: actorSchema,
  createdAt: isoDateSchema,
  updatedAt: isoDateSchema,
  /** The next five runs (empty when paused). */
  next: z.array(isoDateSchema),
  lastRun: z.object({ jobId: jobIdSchema, state: jobStateSchema, at: isoDateSchema }).optional(),
});
export type Schedule = z.infer<typeof scheduleSchema>;
