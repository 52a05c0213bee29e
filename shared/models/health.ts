import { z } from 'zod';
import { errorCodeSchema } from '../errors';
import { isoDateSchema } from './common';
import { storeKindSchema } from './environment';

export const probeStatusSchema = z.enum(['up', 'degraded', 'down', 'unknown']);
export type ProbeStatus = z.infer<typeof probeStatusSchema>;

export const serverRoleSchema = z.enum(['primary', 'replica', 'standalone', 'unknown']);

/** A store error in plain words: what happened and what to check. */
export const plainErrorSchema = z.object({
  code: errorCodeSchema,
  message: z.string(),
  hint: z.string(),
});
export type PlainError = z.infer<typeof plainErrorSchema>;

/** One probe of one endpoint (a connection's primary, or its replica). */
export const probeResultSchema = z.object({
  envId: z.string(),
  connectionId: z.string(),
  /** `primary` for the connection's own endpoint, `replica` for its read replica. */
  endpoint: z.enum(['primary', 'replica']),
  kind: storeKindSchema,
  /** The connection's display name. */
  name: z.string(),
  role: z.string(),
  address: z.string(),
  at: isoDateSchema,
  status: probeStatusSchema,
  latencyMs: z.number().nonnegative().optional(),
  version: z.string().optional(),
  serverRole: serverRoleSchema.optional(),
  uptimeSec: z.number().nonnegative().optional(),
  /** Seconds behind the primary; null when the replica does not know (replication stopped). */
  replicationLagSec: z.number().nonnegative().nullable().optional(),
  error: plainErrorSchema.optional(),
});
export type ProbeResult = z.infer<typeof probeResultSchema>;

export const poolStatsSchema = z.object({
  inUse: z.int().nonnegative(),
  idle: z.int().nonnegative(),
  waiting: z.int().nonnegative(),
  created: z.int().nonnegative(),
  errors: z.int().nonnegative(),
});
export type PoolStats = z.infer<typeof poolStatsSchema>;

export const breakerStateSchema = z.enum(['closed', 'open', 'half-open']);

/** Everything the Health page shows for one endpoint. */
export const healthEntrySchema = z.object({
  latest: probeResultSchema,
  /** Recent latencies (oldest first), for the sparkline; null where the probe failed. */
  history: z.array(z.object({ at: isoDateSchema, latencyMs: z.number().nullable() })),
  pool: poolStatsSchema.nullable(),
  breaker: breakerStateSchema,
  lastError: plainErrorSchema.extend({ at: isoDateSchema }).optional(),
});
export type HealthEntry = z.infer<typeof healthEntrySchema>;

export const healthSnapshotSchema = z.object({
  intervalMs: z.int().positive(),
  entries: z.array(healthEntrySchema),
});
export type HealthSnapshot = z.infer<typeof healthSnapshotSchema>;
