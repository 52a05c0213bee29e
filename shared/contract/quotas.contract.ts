import { z } from 'zod';
import { jobRecordSchema } from '../jobs';
import { slugSchema } from '../models/common';
import {
  changePlanInputSchema,
  clearOverrideInputSchema,
  flagSchema,
  historyInputSchema,
  historySchema,
  planChangeInputSchema,
  planPreviewSchema,
  quotaListSchema,
  setOverrideInputSchema,
  tenantUsageDetailSchema,
} from '../quotas';
import { tenantRefSchema, tenantSummarySchema } from '../tenants';
import { domain, event, method } from './define';

/** What a change of limits did to the enforcement flags. */
const enforcementSchema = z.object({
  set: z.array(flagSchema),
  cleared: z.array(flagSchema),
  error: z.string().optional(),
});

export const quotasDomain = domain({
  methods: {
    /** Start a metering pass over every store (the `usage.scan` job, also scheduled every 15 min). */
    scan: method({
      summary: 'Measure every tenant in every store now (a job)',
      input: z.object({ envId: slugSchema }).strict(),
      example: { envId: 'demo' },
      output: jobRecordSchema,
    }),
    /** Every tenant's utilisation per dimension from the last pass, with the pass's cost. */
    list: method({
      summary: "List every tenant's quota use (last pass)",
      input: z.object({ envId: slugSchema }).strict(),
      example: { envId: 'demo' },
      output: quotaListSchema,
    }),
    /** One tenant's usage by store, utilisation, overrides and flags. */
    usage: method({
      summary: "Show a tenant's usage against its plan",
      input: tenantRefSchema,
      example: { envId: 'demo', tenantId: 'acme' },
      output: tenantUsageDetailSchema,
    }),
    /** Set a tenant's limit of one dimension over its plan's (null = unlimited). Audited. */
    setOverride: method({
      summary: "Override a tenant's limit of one dimension",
      input: setOverrideInputSchema,
      example: {
        envId: 'demo',
        tenantId: 'acme',
        dimension: 'storageMb',
        limit: 2000,
        reason: 'pilot',
      },
      output: tenantUsageDetailSchema.extend({ enforcement: enforcementSchema }),
    }),
    /** Remove an override: the plan's limit applies again. Audited. */
    clearOverride: method({
      summary: "Remove a tenant's override of one dimension",
      input: clearOverrideInputSchema,
      example: { envId: 'demo', tenantId: 'acme', dimension: 'storageMb', reason: 'pilot over' },
      output: tenantUsageDetailSchema.extend({ enforcement: enforcementSchema }),
    }),
    /** What moving a tenant to a plan would change, whether its usage fits, which flags it sets. */
    previewPlan: method({
      summary: 'Preview a plan change',
      input: planChangeInputSchema,
      example: { envId: 'demo', tenantId: 'acme', plan: 'pro' },
      output: planPreviewSchema,
    }),
    /** Move a tenant to another plan; a downgrade that sets a flag needs `confirm` = tenant id. */
    changePlan: method({
      summary: 'Change the plan of a tenant',
      input: changePlanInputSchema,
      example: { envId: 'demo', tenantId: 'acme', plan: 'pro', reason: 'upgrade requested' },
      output: z.object({
        tenant: tenantSummarySchema,
        preview: planPreviewSchema,
        enforcement: enforcementSchema,
      }),
      destructive: true,
    }),
    /** Daily usage over 7 / 30 / 90 days from the InfluxDB history (one tenant, or all summed). */
    history: method({
      summary: 'Usage history per day',
      input: historyInputSchema,
      example: { envId: 'demo', tenantId: 'acme', days: 30 },
      output: historySchema,
    }),
  },
  events: {
    changed: event({
      summary: 'A usage pass finished, or a limit or plan changed',
      payload: z.object({ envId: z.string(), tenantId: z.string().optional() }),
    }),
  },
});
