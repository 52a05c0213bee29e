import { z } from 'zod';
import { isoDateSchema, slugSchema } from './models/common';
import { storeKindSchema } from './models/environment';

/**
 * Alerts: rules over the monitoring metrics (shared/monitoring.ts), and alerts with a real
 * lifecycle — pending → firing → acknowledged → resolved — deduplicated by rule + labels, damped
 * against flapping, silenced by silences and maintenance windows, with the full state history
 * kept. Rules and alert state live in the environment's core database, so every console of the
 * team sees the same alerts; evaluation runs once per team.
 */

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export const severitySchema = z.enum(SEVERITIES);
export type Severity = z.infer<typeof severitySchema>;

export const ALERT_STATES = ['pending', 'firing', 'acknowledged', 'resolved'] as const;
export const alertStateSchema = z.enum(ALERT_STATES);
export type AlertState = z.infer<typeof alertStateSchema>;

export const comparisonSchema = z.enum(['>', '>=', '<', '<=', '==', '!=']);
export type Comparison = z.infer<typeof comparisonSchema>;

/** Label keys and values: what alerts are grouped, deduplicated, silenced and routed by. */
const labelKey = z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a label is a lower-case word');
export const labelsSchema = z.record(labelKey, z.string().max(200));
export type Labels = z.infer<typeof labelsSchema>;

/** A rule. `threshold` compares a metric; `deadman` fires when a collector sends nothing. */
export const alertRuleSchema = z
  .object({
    id: slugSchema,
    envId: slugSchema,
    name: z.string().trim().min(1).max(120),
    type: z.enum(['threshold', 'deadman']).default('threshold'),
    /** A metric name of shared/monitoring.ts METRICS (threshold rules). */
    metric: z.string().max(80).optional(),
    /** Only series of these connections / this store kind (empty: all). */
    scope: z
      .object({
        connectionIds: z.array(slugSchema).max(200).default([]),
        kind: storeKindSchema.optional(),
      })
      .default({ connectionIds: [] }),
    op: comparisonSchema.default('>'),
    threshold: z.number().finite().default(0),
    /**
     * Hysteresis: a firing alert resolves only once the value is back past this level (e.g. fire
     * above 0.8, clear below 0.7). Defaults to the threshold itself.
     */
    clearThreshold: z.number().finite().optional(),
    /** The condition must hold this long before pending becomes firing. */
    forSec: z.int().min(0).max(86_400).default(60),
    /** Flap damping: a state is kept at least this long before it may change again. */
    minStateSec: z.int().min(0).max(3600).default(60),
    /** deadman: no sample for this many collection intervals. */
    missedIntervals: z.int().min(1).max(1000).default(3),
    severity: severitySchema.default('warning'),
    labels: labelsSchema.default({}),
    runbookUrl: z
      .url({ protocol: /^https?$/ })
      .max(2000)
      .optional(),
    description: z.string().max(1000).optional(),
    enabled: z.boolean().default(true),
  })
  .strict()
  .refine((r) => r.type === 'deadman' || r.metric, {
    message: 'a threshold rule needs a metric',
    path: ['metric'],
  });
export type AlertRule = z.infer<typeof alertRuleSchema>;
export type AlertRuleInput = z.input<typeof alertRuleSchema>;

export const alertSchema = z.object({
  id: z.string(),
  envId: z.string(),
  ruleId: z.string(),
  ruleName: z.string(),
  /** Rule id + sorted labels: one alert per fingerprint while it is not resolved. */
  fingerprint: z.string(),
  labels: labelsSchema,
  severity: severitySchema,
  state: alertStateSchema,
  /** Silenced now (by a silence or a maintenance window): shown, but not notified. */
  silenced: z.boolean(),
  /** The last evaluated value (null for dead-man alerts). */
  value: z.number().nullable(),
  summary: z.string(),
  runbookUrl: z.string().nullable(),
  startsAt: isoDateSchema,
  firingAt: isoDateSchema.nullable(),
  acknowledgedAt: isoDateSchema.nullable(),
  acknowledgedBy: z.string().nullable(),
  ackNote: z.string().nullable(),
  /** An acknowledgement lapses at this time (the alert fires again if still true). */
  ackUntil: isoDateSchema.nullable(),
  resolvedAt: isoDateSchema.nullable(),
  updatedAt: isoDateSchema,
});
export type Alert = z.infer<typeof alertSchema>;

export const alertEventSchema = z.object({
  alertId: z.string(),
  at: isoDateSchema,
  from: alertStateSchema.nullable(),
  to: alertStateSchema,
  /** Who (acknowledge / resolve by hand), or `evaluator`. */
  by: z.string(),
  note: z.string().nullable(),
  value: z.number().nullable(),
});
export type AlertEvent = z.infer<typeof alertEventSchema>;

export const silenceSchema = z
  .object({
    id: slugSchema,
    envId: slugSchema,
    /** `silence`: mute matching alerts; `maintenance`: also hold off new ones (planned work). */
    kind: z.enum(['silence', 'maintenance']).default('silence'),
    /** Every label here must equal the alert's (empty: every alert of the environment). */
    matchers: labelsSchema.default({}),
    startsAt: isoDateSchema,
    endsAt: isoDateSchema,
    comment: z.string().trim().min(1, 'say why').max(500),
    createdBy: z.string().max(160).optional(),
  })
  .strict()
  .refine((s) => Date.parse(s.endsAt) > Date.parse(s.startsAt), {
    message: 'a silence ends after it starts',
    path: ['endsAt'],
  });
export type Silence = z.infer<typeof silenceSchema>;

/** Where new firing alerts are sent besides the desktop: webhooks, with retries. */
export const webhookSchema = z
  .object({
    id: slugSchema,
    url: z.url({ protocol: /^https?$/ }).max(2000),
    minSeverity: severitySchema.default('warning'),
    enabled: z.boolean().default(true),
  })
  .strict();
export type Webhook = z.infer<typeof webhookSchema>;

/** How a rule would have fired over a past window (the rule editor's live preview). */
export const rulePreviewSchema = z.object({
  points: z.array(z.object({ at: z.number(), value: z.number(), series: z.string() })),
  firings: z.array(
    z.object({
      series: z.string(),
      start: z.number(),
      end: z.number().nullable(),
      peak: z.number(),
    }),
  ),
  /** Where the data came from, or why there is none. */
  source: z.enum(['influxdb', 'memory', 'none']),
  note: z.string().optional(),
});
export type RulePreview = z.infer<typeof rulePreviewSchema>;

export const alertFilterSchema = z
  .object({
    envId: slugSchema.optional(),
    states: z.array(alertStateSchema).max(4).optional(),
    severity: severitySchema.optional(),
    /** Matches rule name, summary and label values. */
    search: z.string().max(200).optional(),
    limit: z.int().min(1).max(5000).default(500),
  })
  .strict();
export type AlertFilter = z.infer<typeof alertFilterSchema>;
