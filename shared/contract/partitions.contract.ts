import { z } from 'zod';
import { jobRecordSchema } from '../jobs';
import { slugSchema } from '../models/common';
import {
  partitionOverrideInputSchema,
  partitionPoliciesSchema,
  partitionsApplyPayloadSchema,
  partitionsArchivePayloadSchema,
  partitionsListSchema,
  partitionsPlanSchema,
} from '../partitions';
import { domain, method } from './define';

const readInput = z
  .object({
    envId: slugSchema,
    /**
     * Count the rows of MAXVALUE partitions exactly (COUNT(*), one statement per table) instead
     * of InnoDB's estimate: `nonzero` only where the estimate says there are some, `all` always.
     */
    exact: z.enum(['none', 'nonzero', 'all']).default('none'),
  })
  .strict();

export const partitionsDomain = domain({
  methods: {
    /**
     * Every partitioned table of the blueprint in every MySQL connection of the environment
     * (shared databases, dedicated tenant schemas and instances): partitions with bounds, row
     * estimates, sizes, rows in MAXVALUE, and the runway in days (UTC). One query per server.
     */
    list: method({
      summary: 'List partitioned tables with their partitions and runway',
      input: readInput,
      example: { envId: 'demo', exact: 'none' },
      output: partitionsListSchema,
    }),
    /**
     * The exact DDL maintenance would run now, per table (REORGANIZE of an empty MAXVALUE or ADD
     * PARTITION), tables it refuses with the reason and cost, and the drops retention would make
     * (apply archives and verifies each first when the policy says so).
     */
    plan: method({
      summary: 'Show the partition DDL maintenance would run, without running it',
      input: readInput,
      example: { envId: 'demo', exact: 'nonzero' },
      output: partitionsPlanSchema,
    }),
    /** Every partitioned table's policy: the blueprint's, the environment's override, the result. */
    policies: method({
      summary: 'Show the partition policy of every partitioned table',
      input: z.object({ envId: slugSchema }).strict(),
      example: { envId: 'demo' },
      output: partitionPoliciesSchema,
    }),
    /**
     * Override a table's premake, retention or archive-before-drop for this environment (null
     * removes the override). Refused with the reason: a table the blueprint does not partition,
     * premake outside 1-36, a retention shorter than the history tables are created with; the
     * first change that makes maintenance drop without archiving needs the table name as
     * `confirm`. Audited.
     */
    setOverride: method({
      summary: "Override a table's partition policy in this environment",
      input: partitionOverrideInputSchema,
      example: { envId: 'demo', table: 'ai_call_logs', override: { premake: 6 } },
      output: partitionPoliciesSchema,
    }),
    /**
     * Start partition maintenance (a job): plan, then each ALTER with a bounded lock wait, then
     * retention (archive, verify, drop).
     */
    apply: method({
      summary: 'Add the partitions every policy asks for ahead (a job)',
      input: partitionsApplyPayloadSchema,
      example: { envId: 'demo', lockWaitSec: 5, attempts: 2 },
      output: jobRecordSchema,
    }),
    /**
     * Archive partitions without dropping them (a job): those retention would drop next, or the
     * named partitions of one table. Each is exported and verified against its manifest; the
     * result lists every archive's directory, or why one failed. Audited.
     */
    archive: method({
      summary: 'Archive partitions (exported and verified), without dropping them (a job)',
      input: partitionsArchivePayloadSchema,
      example: { envId: 'demo', only: ['customer_management.customer_behavior_events'] },
      output: jobRecordSchema,
    }),
  },
  events: {},
});
