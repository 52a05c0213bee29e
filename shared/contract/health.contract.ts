import { z } from 'zod';
import { slugSchema } from '../models/common';
import {
  healthEntrySchema,
  healthSnapshotSchema,
  poolStatsSchema,
  probeResultSchema,
} from '../models/health';
import { domain, event, method } from './define';

export const healthDomain = domain({
  methods: {
    /** The latest probe of every store endpoint, with latency history, pool statistics and last error. */
    snapshot: method({
      summary: 'Show the health of every store endpoint',
      input: z.object({ envId: slugSchema.optional() }).strict(),
      example: { envId: 'demo' },
      output: healthSnapshotSchema,
    }),
    /** Probe now instead of waiting for the next scheduled probe. */
    probe: method({
      summary: 'Probe stores now (one connection, or all of an environment)',
      input: z.object({ envId: slugSchema, connectionId: slugSchema.optional() }).strict(),
      example: { envId: 'demo', connectionId: 'core' },
      output: z.array(probeResultSchema),
    }),
    /** Pool statistics of every open client (in use, idle, waiting, created, errors). */
    pools: method({
      summary: 'Show connection-pool statistics',
      input: z.object({ envId: slugSchema.optional() }).strict(),
      example: {},
      output: z.array(
        z.object({
          envId: z.string(),
          connectionId: z.string(),
          kind: z.string(),
          open: z.boolean(),
          pool: poolStatsSchema,
        }),
      ),
    }),
  },
  events: {
    /** A probe finished; carries the endpoint's updated entry. */
    probed: event({ summary: 'A store endpoint was probed', payload: healthEntrySchema }),
  },
});
