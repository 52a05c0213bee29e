import { z } from 'zod';
import { jobRecordSchema } from '../jobs';
import { slugSchema } from '../models/common';
import {
  cronSchema,
  scheduleInputSchema,
  scheduleListEntrySchema,
  scheduleSchema,
  timeZoneSchema,
} from '../schedules';
import { domain, event, method } from './define';

const ref = z.object({ envId: slugSchema, id: slugSchema }).strict();

export const schedulesDomain = domain({
  methods: {
    /**
     * Schedules of an environment (or of all), with their next five runs, one entry per
     * environment: an environment whose store fails carries its error and does not fail the rest.
     */
    list: method({
      summary: 'List schedules with their next runs, per environment',
      input: z.object({ envId: slugSchema.optional() }).strict(),
      example: { envId: 'demo' },
      output: z.array(scheduleListEntrySchema),
    }),
    /**
     * Create or change a schedule. With a coordinated engine it is created once for the whole
     * team however many consoles save it.
     */
    save: method({
      summary: 'Create or change a schedule (cron + time zone)',
      input: scheduleInputSchema,
      example: {
        id: 'nightly-sweep',
        envId: 'demo',
        name: 'Nightly health sweep',
        target: { kind: 'health.sweep', payload: { envId: 'demo' } },
        cron: '0 2 * * *',
        tz: 'Asia/Shanghai',
        enabled: true,
      },
      output: scheduleSchema,
    }),
    remove: method({
      summary: 'Delete a schedule (its past jobs stay in the history)',
      input: ref,
      example: { envId: 'demo', id: 'nightly-sweep' },
      output: z.object({ removed: z.boolean() }),
      destructive: true,
    }),
    pause: method({
      summary: 'Pause a schedule',
      input: ref,
      example: { envId: 'demo', id: 'nightly-sweep' },
      output: scheduleSchema,
    }),
    resume: method({
      summary: 'Resume a paused schedule',
      input: ref,
      example: { envId: 'demo', id: 'nightly-sweep' },
      output: scheduleSchema,
    }),
    /** Start the schedule's job now, outside its timetable. */
    runNow: method({
      summary: "Run a schedule's job now",
      input: ref,
      example: { envId: 'demo', id: 'nightly-sweep' },
      output: jobRecordSchema,
    }),
    /** The next runs of a cron expression, as it is typed; an invalid one is refused with the reason. */
    preview: method({
      summary: 'Show the next runs of a cron expression',
      input: z
        .object({
          cron: cronSchema,
          tz: timeZoneSchema.default('UTC'),
          count: z.int().min(1).max(20).default(5),
        })
        .strict(),
      example: { cron: '0 2 * * *', tz: 'UTC', count: 5 },
      output: z.object({
        next: z.array(z.iso.datetime({ offset: true })),
        description: z.string(),
      }),
    }),
  },
  events: {
    changed: event({ summary: 'Schedules changed', payload: z.object({ envId: z.string() }) }),
  },
});
