import { z } from 'zod';
import { slugSchema } from '../models/common';
import {
  latestSchema,
  monitoringStatsSchema,
  samplesEventSchema,
  seriesInputSchema,
  seriesSchema,
  tenantActivitySchema,
} from '../monitoring';
import { domain, event, method } from './define';

export const monitoringDomain = domain({
  methods: {
    /** The last sweep of every connection of an environment (or one): its samples and how it went. */
    latest: method({
      summary: 'Show the latest metrics of every store connection',
      input: z.object({ envId: slugSchema, connectionId: slugSchema.optional() }).strict(),
      example: { envId: 'demo' },
      output: latestSchema,
    }),
    /**
     * One metric of one connection over a time range, as bucket means: from InfluxDB (InfluxQL
     * `GROUP BY time()`) or, for recent ranges and environments without InfluxDB, from memory.
     */
    series: method({
      summary: 'Read a metric over a time range, downsampled',
      input: seriesInputSchema,
      example: {
        envId: 'demo',
        connectionId: 'core',
        metric: 'mysql.qps',
        from: 1_767_225_600_000,
        to: 1_767_229_200_000,
        stepSec: 60,
      },
      output: seriesSchema,
    }),
    /** Where samples go and how that is going: buffered, dropped and written samples, last error. */
    stats: method({
      summary: "Show the metric writer's statistics",
      input: z.object({ envId: slugSchema }).strict(),
      example: { envId: 'demo' },
      output: monitoringStatsSchema,
    }),
    /**
     * Tenants by activity per MySQL shard: rows per `tenant_id` in the current-month partition of
     * the blueprint's partitioned business tables, with today's Redis API-call counters. Read at
     * most once per slow cadence (cached); `refresh` reads again now.
     */
    tenantActivity: method({
      summary: 'Rank the tenants of each shard by activity',
      input: z
        .object({
          envId: slugSchema,
          connectionId: slugSchema.optional(),
          refresh: z.boolean().optional(),
        })
        .strict(),
      example: { envId: 'demo' },
      output: tenantActivitySchema,
    }),
  },
  events: {
    /** A connection's sweep finished; carries its samples (bounded). */
    samples: event({
      summary: 'Metrics of a store connection were read',
      payload: samplesEventSchema,
    }),
  },
});
