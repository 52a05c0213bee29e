import { z } from 'zod';
import { isoDateSchema, slugSchema } from './models/common';
import { planIdSchema, reasonSchema, tenantIdSchema } from './tenants';

/**
 * Quotas and usage: what each tenant uses in every store (metered by the `usage.scan` job),
 * against its plan's limits and per-tenant overrides, with soft limits (alerts at 80 % / 90 %)
 * and hard limits (an enforcement flag in Redis the platform reads).
 */

/** The dimensions a plan limits (seed 002): monthly API calls, storage, users, MCP services. */
export const QUOTA_DIMENSIONS = ['apiCalls', 'storageMb', 'users', 'services'] as const;
export const dimensionSchema = z.enum(QUOTA_DIMENSIONS, {
  error: () => `not a quota dimension: one of ${QUOTA_DIMENSIONS.join(', ')}`,
});
export type Dimension = z.infer<typeof dimensionSchema>;

/** Soft limits: a warning at 80 %, an alert at 90 % (seed 002's threshold). */
export const WARN_RATIO = 0.8;
export const ALERT_RATIO = 0.9;

/**
 * How a figure was measured. `exact`: counted; `estimate`: sampled or read from statistics,
 * with `error` its bound (same unit, about 95 % confidence for samples); `unknown`: the store
 * could not be read (then `value` is what the other stores gave and `partial` says so).
 */
export const measureSchema = z.object({
  value: z.number().nonnegative(),
  method: z.enum(['exact', 'estimate', 'unknown']),
  error: z.number().nonnegative(),
});
export type Measure = z.infer<typeof measureSchema>;

/** Storage of one tenant by store, in bytes. */
export const storageBreakdownSchema = z.object({
  mysql: measureSchema,
  mongo: measureSchema,
  redis: measureSchema,
  influx: measureSchema,
});
export type StorageBreakdown = z.infer<typeof storageBreakdownSchema>;

/** What one pass measured of one tenant. */
export const tenantUsageSchema = z.object({
  tenantId: z.string(),
  /** Month-to-date API calls (the platform's daily Redis counters, else usage_stats). */
  apiCalls: measureSchema,
  /** Month-to-date AI tokens (usage_stats rows the platform writes). */
  aiTokens: measureSchema,
  /** Storage in MB across the stores (the breakdown below, in bytes). */
  storageMb: measureSchema,
  users: measureSchema,
  services: measureSchema,
  storage: storageBreakdownSchema,
  redisKeys: measureSchema,
  influxSeries: measureSchema,
  influxPoints: measureSchema,
  mongoDocuments: measureSchema,
  /** Rows in the shared tables (shared tier only; dedicated schemas count in storage). */
  mysqlRows: measureSchema,
});
export type TenantUsage = z.infer<typeof tenantUsageSchema>;

/** What a pass cost and how it went, per store. */
export const passCostSchema = z.object({
  store: z.string(),
  connectionId: z.string(),
  /** Round trips (queries, pipelines, requests) the pass sent to this store. */
  queries: z.int().nonnegative(),
  durationMs: z.number().nonnegative(),
  /** The method used, in plain words (e.g. "innodb_table_stats", "exact GROUP BY on the replica"). */
  method: z.string(),
  /** Set when this store could not be read: its figures are unknown in this pass. */
  error: z.string().optional(),
});
export type PassCost = z.infer<typeof passCostSchema>;

export const passInfoSchema = z.object({
  at: isoDateSchema,
  durationMs: z.number().nonnegative(),
  tenants: z.int().nonnegative(),
  costs: z.array(passCostSchema),
  /** Some store could not be read: its dimensions say `unknown`. */
  partial: z.boolean(),
});
export type PassInfo = z.infer<typeof passInfoSchema>;

export const limitsSchema = z.object({
  apiCalls: z.int().nullable(),
  storageMb: z.int().nullable(),
  users: z.int().nullable(),
  services: z.int().nullable(),
});
export type Limits = z.infer<typeof limitsSchema>;

export const utilisationSchema = z.object({
  dimension: dimensionSchema,
  usage: measureSchema,
  /** null: unlimited. */
  limit: z.int().nullable(),
  /** usage / limit; null when unlimited or the usage is unknown. */
  ratio: z.number().nullable(),
  /** Where the limit comes from. */
  source: z.enum(['plan', 'override']),
  level: z.enum(['ok', 'warning', 'alert', 'over', 'unknown']),
});
export type Utilisation = z.infer<typeof utilisationSchema>;

/** One row of the Quotas page. */
export const quotaRowSchema = z.object({
  tenantId: z.string(),
  name: z.string(),
  plan: z.string(),
  status: z.string(),
  dimensions: z.array(utilisationSchema),
  /** The highest ratio of any dimension (null: nothing limited or measured). */
  highest: z.number().nullable(),
  /** Dimensions whose enforcement flag is set now. */
  flags: z.array(dimensionSchema),
  /** When this tenant was last measured (null: never). */
  measuredAt: isoDateSchema.nullable(),
});
export type QuotaRow = z.infer<typeof quotaRowSchema>;

export const quotaListSchema = z.object({
  envId: z.string(),
  pass: passInfoSchema.nullable(),
  rows: z.array(quotaRowSchema),
});
export type QuotaList = z.infer<typeof quotaListSchema>;

export const overrideSchema = z.object({
  dimension: dimensionSchema,
  limit: z.int().nullable(),
  reason: z.string(),
  actor: z.string(),
  at: isoDateSchema,
});
export type Override = z.infer<typeof overrideSchema>;

export const tenantUsageDetailSchema = z.object({
  row: quotaRowSchema,
  usage: tenantUsageSchema.nullable(),
  overrides: z.array(overrideSchema),
});
export type TenantUsageDetail = z.infer<typeof tenantUsageDetailSchema>;

/**
 * A limit: a whole number ≥ 0, or null for unlimited. Text, fractions and negatives are refused
 * with the reason (the CLI passes text through the same schema).
 */
export const limitInputSchema = z
  .int('a limit is a whole number (or null for unlimited)')
  .min(0, 'a limit cannot be negative')
  .max(2_000_000_000, 'a limit is at most 2,000,000,000')
  .nullable();

export const setOverrideInputSchema = z
  .object({
    envId: slugSchema,
    tenantId: tenantIdSchema,
    dimension: dimensionSchema,
    limit: limitInputSchema,
    reason: reasonSchema,
  })
  .strict();

export const clearOverrideInputSchema = z
  .object({
    envId: slugSchema,
    tenantId: tenantIdSchema,
    dimension: dimensionSchema,
    reason: reasonSchema,
  })
  .strict();

/** One enforcement flag as Redis holds it (README: "Enforcement flags"). */
export const flagSchema = z.object({
  tenantId: z.string(),
  dimension: dimensionSchema,
  key: z.string(),
  usage: z.number(),
  limit: z.number(),
  since: isoDateSchema,
});
export type Flag = z.infer<typeof flagSchema>;

export const planChangeInputSchema = z
  .object({ envId: slugSchema, tenantId: tenantIdSchema, plan: planIdSchema })
  .strict();

/** What a plan change would do, shown before it is made. */
export const planPreviewSchema = z.object({
  tenantId: z.string(),
  from: z.string(),
  to: z.string(),
  direction: z.enum(['upgrade', 'downgrade', 'same', 'lateral']),
  changes: z.array(
    z.object({
      dimension: dimensionSchema,
      from: z.int().nullable(),
      to: z.int().nullable(),
      /** The effective limit after the change (an override stays in force). */
      effective: z.int().nullable(),
      usage: measureSchema.nullable(),
      fits: z.boolean(),
    }),
  ),
  /** Whether current usage fits every limit of the new plan. */
  fits: z.boolean(),
  /** Flags that would be set by the change, and those it would clear. */
  flagsSet: z.array(dimensionSchema),
  flagsCleared: z.array(dimensionSchema),
  /** The tenant id must be typed to confirm (a downgrade that sets a flag). */
  confirmRequired: z.boolean(),
  measuredAt: isoDateSchema.nullable(),
});
export type PlanPreview = z.infer<typeof planPreviewSchema>;

export const changePlanInputSchema = z
  .object({
    envId: slugSchema,
    tenantId: tenantIdSchema,
    plan: planIdSchema,
    reason: reasonSchema,
    /** The tenant id typed again, when the preview says `confirmRequired`. */
    confirm: z.string().max(64).optional(),
  })
  .strict();

export const historyInputSchema = z
  .object({
    envId: slugSchema,
    tenantId: tenantIdSchema.optional(),
    days: z.union([z.literal(7), z.literal(30), z.literal(90)]).default(30),
  })
  .strict();

/** Daily usage per dimension from the InfluxDB history (max of the day's passes). */
export const historySchema = z.object({
  envId: z.string(),
  tenantId: z.string().nullable(),
  days: z.int(),
  /** Without an InfluxDB connection there is no history: said so here. */
  unavailable: z.string().optional(),
  points: z.array(
    z.object({
      day: z.string(),
      dimension: dimensionSchema,
      /** Sum over tenants when no tenant is named. */
      usage: z.number(),
      ratio: z.number().nullable(),
    }),
  ),
});
export type UsageHistory = z.infer<typeof historySchema>;

/** The Redis key of an enforcement flag (in the blueprint's business database). */
export const flagKeyOf = (tenantId: string, dimension: Dimension): string =>
  `keel:tenant:${tenantId}:over:${dimension}`;
