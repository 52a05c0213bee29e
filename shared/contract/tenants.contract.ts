import { z } from 'zod';
import { jobRecordSchema } from '../jobs';
import { slugSchema } from '../models/common';
import {
  auditEntrySchema,
  blueprintSummarySchema,
  interruptedSchema,
  provisionPlanSchema,
  reasonSchema,
  tenantDetailSchema,
  tenantIdSchema,
  tenantRefSchema,
  tenantSpecSchema,
  tenantSummarySchema,
} from '../tenants';
import { domain, event, method } from './define';

const envOnly = z.object({ envId: slugSchema }).strict();
const spec = {
  id: 'acme',
  name: 'Acme Ltd',
  plan: 'basic',
  tier: 'shared',
} as const;

export const tenantsDomain = domain({
  methods: {
    /** The environment's blueprint: plans, tiers, catalog location, free dedicated instances. */
    blueprint: method({
      summary: "Show an environment's blueprint (plans, tiers, catalog)",
      input: envOnly,
      example: { envId: 'demo' },
      output: blueprintSummarySchema,
    }),
    /** Every tenant of the catalog (10,000+ rows: the table virtualizes them). */
    list: method({
      summary: 'List the tenants of an environment',
      input: envOnly,
      example: { envId: 'demo' },
      output: z.object({ tenants: z.array(tenantSummarySchema) }),
    }),
    /** One tenant: catalog row, status history and its live footprint in every store. */
    get: method({
      summary: 'Show a tenant with its footprint in every store',
      input: tenantRefSchema,
      example: { envId: 'demo', tenantId: 'acme' },
      output: tenantDetailSchema,
    }),
    /** Every object provisioning would create (DDL, collections, indexes, ACL rules), without running it. */
    preview: method({
      summary: 'Preview what provisioning a tenant would create',
      input: z.object({ envId: slugSchema, spec: tenantSpecSchema }).strict(),
      example: { envId: 'demo', spec },
      output: provisionPlanSchema,
    }),
    /** Start provisioning one tenant (a job). The spec is checked in full before the job starts. */
    provision: method({
      summary: 'Provision a tenant in every store (a job)',
      input: z.object({ envId: slugSchema, spec: tenantSpecSchema }).strict(),
      example: { envId: 'demo', spec },
      output: jobRecordSchema,
    }),
    /**
     * Start provisioning many tenants from CSV (header: id,name,plan,tier[,subdomain]) or YAML
     * (a list of specs). Every row is checked first; any bad row refuses the whole list.
     */
    bulkProvision: method({
      summary: 'Provision tenants from a CSV or YAML list (a job)',
      input: z
        .object({
          envId: slugSchema,
          format: z.enum(['csv', 'yaml']),
          text: z.string().min(1).max(5_000_000),
        })
        .strict(),
      example: {
        envId: 'demo',
        format: 'csv',
        text: 'id,name,plan,tier\nacme,Acme Ltd,basic,shared\n',
      },
      output: jobRecordSchema,
    }),
    /** Turn a tenant's access off (its Redis ACL user is disabled); data stays. */
    suspend: method({
      summary: 'Suspend a tenant (access off, data kept)',
      input: tenantRefSchema.extend({ reason: reasonSchema }).strict(),
      example: { envId: 'demo', tenantId: 'acme', reason: 'invoice overdue' },
      output: tenantSummarySchema,
      destructive: true,
    }),
    resume: method({
      summary: 'Resume a suspended tenant',
      input: tenantRefSchema.extend({ reason: reasonSchema }).strict(),
      example: { envId: 'demo', tenantId: 'acme', reason: 'paid' },
      output: tenantSummarySchema,
    }),
    /** Step one of deprovisioning: access off, data kept until the grace period ends. */
    markForDeletion: method({
      summary: 'Mark a tenant for deletion (access off; purge after the grace period)',
      input: tenantRefSchema
        .extend({ reason: reasonSchema, graceDays: z.int().min(0).max(365).default(30) })
        .strict(),
      example: { envId: 'demo', tenantId: 'acme', reason: 'contract ended', graceDays: 30 },
      output: tenantSummarySchema,
      destructive: true,
    }),
    cancelDeletion: method({
      summary: 'Take back a mark for deletion (the tenant is suspended until resumed)',
      input: tenantRefSchema.extend({ reason: reasonSchema }).strict(),
      example: { envId: 'demo', tenantId: 'acme', reason: 'renewed' },
      output: tenantSummarySchema,
    }),
    /**
     * Step two: delete the tenant's data everywhere (a job). `confirm` must repeat the tenant id;
     * refused before the grace period is over.
     */
    purge: method({
      summary: 'Purge a tenant marked for deletion (a job; --yes and the id typed again)',
      input: tenantRefSchema
        .extend({
          confirm: z.string().min(1, 'type the tenant id to confirm').max(128),
          reason: reasonSchema,
        })
        .strict(),
      example: { envId: 'demo', tenantId: 'acme', confirm: 'acme', reason: 'grace period over' },
      output: jobRecordSchema,
      destructive: true,
    }),
    /** Provisionings that stopped half-way (a crash, a kill), to resume or roll back. */
    interrupted: method({
      summary: 'List interrupted provisionings',
      input: envOnly,
      example: { envId: 'demo' },
      output: z.array(interruptedSchema),
    }),
    /** Finish an interrupted provisioning (a job). */
    resumeProvisioning: method({
      summary: 'Resume an interrupted provisioning (a job)',
      input: tenantRefSchema,
      example: { envId: 'demo', tenantId: 'acme' },
      output: jobRecordSchema,
    }),
    /** Undo an interrupted provisioning (a job): nothing of it remains. */
    rollback: method({
      summary: 'Roll back an interrupted provisioning (a job)',
      input: tenantRefSchema,
      example: { envId: 'demo', tenantId: 'acme' },
      output: jobRecordSchema,
      destructive: true,
    }),
    /** Create the catalog and the shared databases from the blueprint (a job; idempotent). */
    applyBlueprint: method({
      summary: 'Create the catalog and shared databases from the blueprint (a job)',
      input: envOnly,
      example: { envId: 'demo' },
      output: jobRecordSchema,
    }),
    /** The audit log: every change to tenants, newest first. */
    audit: method({
      summary: 'Show the audit log (newest first)',
      input: z
        .object({
          envId: slugSchema,
          tenantId: tenantIdSchema.optional(),
          limit: z.int().min(1).max(1000).default(100),
        })
        .strict(),
      example: { envId: 'demo', tenantId: 'acme', limit: 50 },
      output: z.array(auditEntrySchema),
    }),
  },
  events: {
    changed: event({
      summary: 'A tenant or the catalog changed',
      payload: z.object({ envId: z.string(), tenantId: z.string().optional() }),
    }),
  },
});
