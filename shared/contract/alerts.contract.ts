import { z } from 'zod';
import {
  alertEventSchema,
  alertFilterSchema,
  alertRuleSchema,
  alertSchema,
  rulePreviewSchema,
  silenceSchema,
  webhookSchema,
} from '../alerts';
import { isoDateSchema, slugSchema } from '../models/common';
import { domain, event, method } from './define';

const envOnly = z.object({ envId: slugSchema }).strict();
/** Alert, rule and silence ids: Keel makes them (`a_<uuid>`, slugs); nothing else is one. */
const alertIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_:-]{0,127}$/, 'not an alert id');
const alertRef = z.object({ envId: slugSchema, id: alertIdSchema }).strict();
const rule = {
  id: 'db-connections',
  envId: 'demo',
  name: 'DB connections above 80 %',
  type: 'threshold',
  metric: 'mysql.connections_ratio',
  op: '>',
  threshold: 0.8,
  clearThreshold: 0.7,
  forSec: 60,
  minStateSec: 60,
  severity: 'warning',
  labels: { team: 'dba' },
  enabled: true,
} as const;

export const alertsDomain = domain({
  methods: {
    /** Alerts (newest first), filtered; every console of the team sees the same ones. */
    list: method({
      summary: 'List alerts (filter by environment, state, severity, text)',
      input: alertFilterSchema,
      example: { envId: 'demo', states: ['firing', 'acknowledged'], limit: 100 },
      output: z.array(alertSchema),
    }),
    /** One alert with its full state history and its rule. */
    get: method({
      summary: 'Show an alert with its state history',
      input: alertRef,
      example: { envId: 'demo', id: 'a_1' },
      output: z.object({
        alert: alertSchema,
        history: z.array(alertEventSchema),
        rule: alertRuleSchema.nullable(),
      }),
    }),
    /** Firing alerts per environment and severity (the tray's count). */
    summary: method({
      summary: 'Count firing alerts',
      input: z.object({}).strict(),
      example: {},
      output: z.array(
        z.object({
          envId: z.string(),
          firing: z.int(),
          critical: z.int(),
          acknowledged: z.int(),
          /**
           * Set while the environment's core database, which holds the shared alert state, is
           * away: the counts are this console's own evaluation since then, written when it returns.
           */
          localSince: isoDateSchema.optional(),
        }),
      ),
    }),
    /** Someone is on it: stops notifications until `untilMinutes` (then it fires again if still true). */
    acknowledge: method({
      summary: 'Acknowledge an alert with a note',
      input: alertRef
        .extend({
          note: z.string().trim().min(1, 'say what you are doing').max(1000),
          untilMinutes: z.int().min(1).max(10_080).optional(),
        })
        .strict(),
      example: { envId: 'demo', id: 'a_1', note: 'looking at the slow query', untilMinutes: 60 },
      output: alertSchema,
    }),
    /** Close an alert by hand (it opens again as a new alert if the condition returns). */
    resolve: method({
      summary: 'Resolve an alert by hand',
      input: alertRef.extend({ note: z.string().trim().min(1).max(1000) }).strict(),
      example: { envId: 'demo', id: 'a_1', note: 'fixed: index added' },
      output: alertSchema,
    }),
    /** Searchable state history across alerts. */
    history: method({
      summary: 'Search the alert state history',
      input: z
        .object({
          envId: slugSchema,
          search: z.string().max(200).optional(),
          since: isoDateSchema.optional(),
          limit: z.int().min(1).max(5000).default(500),
        })
        .strict(),
      example: { envId: 'demo', search: 'connections', limit: 100 },
      output: z.array(
        alertEventSchema.extend({ ruleName: z.string(), labels: z.record(z.string(), z.string()) }),
      ),
    }),
    rules: method({
      summary: "List an environment's alert rules (defaults included)",
      input: envOnly,
      example: { envId: 'demo' },
      output: z.array(alertRuleSchema),
    }),
    saveRule: method({
      summary: 'Create or change an alert rule',
      input: alertRuleSchema,
      example: rule,
      output: alertRuleSchema,
    }),
    removeRule: method({
      summary: 'Delete an alert rule (its alerts resolve)',
      input: alertRef,
      example: { envId: 'demo', id: 'db-connections' },
      output: z.object({ removed: z.boolean() }),
      destructive: true,
    }),
    /** How a rule (saved or being edited) would have fired over the last hours. */
    previewRule: method({
      summary: 'Preview how a rule would have fired over the last hours',
      input: z
        .object({ rule: alertRuleSchema, hours: z.int().min(1).max(168).default(24) })
        .strict(),
      example: { rule, hours: 24 },
      output: rulePreviewSchema,
    }),
    silences: method({
      summary: 'List silences and maintenance windows',
      input: envOnly,
      example: { envId: 'demo' },
      output: z.array(silenceSchema),
    }),
    saveSilence: method({
      summary: 'Create or change a silence / maintenance window',
      input: silenceSchema,
      example: {
        id: 'nightly-maintenance',
        envId: 'demo',
        kind: 'maintenance',
        matchers: { connection: 'core' },
        startsAt: '2026-12-01T18:00:00.000Z',
        endsAt: '2026-12-01T20:00:00.000Z',
        comment: 'partition maintenance',
      },
      output: silenceSchema,
    }),
    removeSilence: method({
      summary: 'Delete a silence',
      input: alertRef,
      example: { envId: 'demo', id: 'nightly-maintenance' },
      output: z.object({ removed: z.boolean() }),
    }),
    webhooks: method({
      summary: "List an environment's alert webhooks",
      input: envOnly,
      example: { envId: 'demo' },
      output: z.array(webhookSchema),
    }),
    saveWebhooks: method({
      summary: "Replace an environment's alert webhooks",
      input: z.object({ envId: slugSchema, webhooks: z.array(webhookSchema).max(20) }).strict(),
      example: {
        envId: 'demo',
        webhooks: [
          {
            id: 'oncall',
            url: 'https://hooks.example.com/keel',
            minSeverity: 'critical',
            enabled: true,
          },
        ],
      },
      output: z.array(webhookSchema),
    }),
  },
  events: {
    changed: event({
      summary: 'Alerts, rules or silences of an environment changed',
      payload: z.object({ envId: z.string() }),
    }),
    /** A new alert started firing (not silenced): the desktop notifies. */
    fired: event({ summary: 'An alert started firing', payload: alertSchema }),
  },
});
