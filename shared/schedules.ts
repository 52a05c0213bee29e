import { z } from 'zod';
import { errorShapeSchema } from './errors';
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

/** Allowed values of each cron field: [seconds,] minute, hour, day of month, month, weekday. */
const CRON_RANGES: Array<[number, number]> = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 7],
];
const CRON_NAMES =
  /^(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|sun|mon|tue|wed|thu|fri|sat)$/i;

/** Why one cron field is wrong, or undefined: numbers in range, steps ≥ 1, names, L / W / #. */
function cronFieldError(
  field: string,
  [lo, hi]: [number, number],
  label: string,
): string | undefined {
  for (const item of field.split(',')) {
    const [base = '', step, extra] = item.split('/');
    if (extra !== undefined || (step !== undefined && !(/^\d+$/.test(step) && Number(step) >= 1))) {
      return `${label}: "${item}" has a bad step`;
    }
    if (base === '*' || base === '?' || /[LW#]/i.test(base)) continue;
    for (const part of base.split('-')) {
      if (CRON_NAMES.test(part)) continue;
      if (!/^\d+$/.test(part) || Number(part) < lo || Number(part) > hi) {
        return `${label}: "${part}" is not in ${lo}-${hi}`;
      }
    }
  }
  return undefined;
}

const CRON_LABELS = ['second', 'minute', 'hour', 'day of month', 'month', 'weekday'];

/**
 * A cron expression: 5 fields (minute hour day month weekday) or 6 with seconds first, each
 * checked for its range here; what it means (next runs) comes from schedules.preview.
 */
export const cronSchema = z
  .string()
  .trim()
  .min(9, 'a cron expression has 5 or 6 fields, e.g. "0 2 * * *"')
  .max(200)
  .superRefine((c, ctx) => {
    const fields = c.split(/\s+/);
    if (![5, 6].includes(fields.length)) {
      ctx.addIssue({
        code: 'custom',
        message: 'a cron expression has 5 or 6 fields, e.g. "0 2 * * *"',
      });
      return;
    }
    const ranges =
      fields.length === 6 ? [[0, 59] as [number, number], ...CRON_RANGES] : CRON_RANGES;
    const labels = fields.length === 6 ? CRON_LABELS : CRON_LABELS.slice(1);
    fields.forEach((f, i) => {
      const why = cronFieldError(f, ranges[i] as [number, number], labels[i] as string);
      if (why) ctx.addIssue({ code: 'custom', message: why });
    });
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
  /** When its latest run was created (absent: none yet). */
  lastRunAt: isoDateSchema.optional(),
  /**
   * Dead-man: set when the schedule is enabled but no run was created for two or more ticks that
   * fell due (plus a grace) since its last run: its runs have stopped without any job failing.
   */
  missed: z.object({ since: isoDateSchema, ticks: z.number().int().min(1) }).optional(),
});
export type Schedule = z.infer<typeof scheduleSchema>;

/**
 * One environment's schedules in `schedules.list`. An environment whose store cannot be read
 * (core database or Redis down) answers with its error here instead of failing the whole list.
 */
export const scheduleListEntrySchema = z.object({
  envId: z.string(),
  schedules: z.array(scheduleSchema),
  error: errorShapeSchema.optional(),
});
export type ScheduleListEntry = z.infer<typeof scheduleListEntrySchema>;
