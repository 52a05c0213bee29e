import { z } from 'zod';
import { tierSchema } from './blueprint';
import { isoDateSchema, slugSchema } from './models/common';

/**
 * Tenants: the unit Keel's users think in. A tenant's id becomes part of identifiers in every
 * store (`tenant_{id}` schemas, `tenant_{id}_users` collections, `t:{id}:` keys, buckets), so it
 * is held to a strict pattern and checked before anything is touched.
 */

/** Words no tenant id may be, though Keel quotes every identifier: they confuse people and tools. */
const RESERVED = new Set([
  'add', 'all', 'alter', 'and', 'as', 'by', 'case', 'column', 'create', 'database', 'delete',
  'desc', 'drop', 'exists', 'from', 'grant', 'group', 'having', 'index', 'insert', 'into', 'join',
  'key', 'like', 'limit', 'not', 'null', 'or', 'order', 'primary', 'revoke', 'schema', 'select',
  'set', 'table', 'truncate', 'union', 'update', 'user', 'values', 'where', 'admin', 'default',
  'root', 'system', 'test', 'keel', 'platform', 'mysql', 'information_schema',
  'performance_schema', 'sys', 'local', 'config',
]); // prettier-ignore

export const TENANT_ID_PATTERN = /^[a-z][a-z0-9_]{1,31}$/;

export const tenantIdSchema = z
  .string()
  .max(32, 'a tenant id has at most 32 characters')
  .regex(
    TENANT_ID_PATTERN,
    'a tenant id is 2-32 characters: a lower-case letter, then lower-case letters, digits or "_"',
  )
  .refine((id) => !id.includes('__') && !id.endsWith('_'), {
    message: 'a tenant id may not contain "__" or end with "_"',
  })
  .refine((id) => !RESERVED.has(id), { message: 'this word is reserved: choose another id' });

export const TENANT_STATUSES = [
  'provisioning',
  'active',
  'suspended',
  'pending_deletion',
  'purged',
] as const;
export const tenantStatusSchema = z.enum(TENANT_STATUSES);
export type TenantStatus = z.infer<typeof tenantStatusSchema>;

export const planIdSchema = z.string().regex(/^[a-z][a-z0-9_]{0,47}$/, 'not a plan name');

/** What a user asks for when provisioning one tenant. */
export const tenantSpecSchema = z
  .object({
    id: tenantIdSchema,
    name: z.string().trim().min(1, 'a name is required').max(100),
    plan: planIdSchema,
    tier: tierSchema.default('shared'),
    /** Subdomain (seed 002: customer1.example.com), unique when given. */
    subdomain: z
      .string()
      .regex(/^[a-z0-9]([a-z0-9-]{0,48}[a-z0-9])?$/, 'a subdomain is a DNS label')
      .optional(),
    /** dedicated_instance: the MySQL connection reserved for the tenant (role `tenant:<id>`). */
    instanceConnectionId: slugSchema.optional(),
  })
  .strict()
  .refine((s) => s.tier !== 'dedicated_instance' || s.instanceConnectionId, {
    message: 'a dedicated instance needs the connection reserved for the tenant',
    path: ['instanceConnectionId'],
  });
export type TenantSpec = z.infer<typeof tenantSpecSchema>;
export type TenantSpecInput = z.input<typeof tenantSpecSchema>;

export const quotasSchema = z.object({
  apiCalls: z.int().nullable(),
  storageMb: z.int().nullable(),
  users: z.int().nullable(),
  services: z.int().nullable(),
});
export type Quotas = z.infer<typeof quotasSchema>;

/** Where a tenant's MySQL data lives. */
export const placementSchema = z.object({
  tier: tierSchema,
  /** The MySQL connection holding its schema (dedicated) or the shared databases. */
  connectionId: z.string(),
  /** Its own database (dedicated tiers). */
  database: z.string().optional(),
});
export type Placement = z.infer<typeof placementSchema>;

/** One row of the catalog, as the tenants table shows it. */
export const tenantSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  plan: z.string(),
  tier: tierSchema,
  status: tenantStatusSchema,
  subdomain: z.string().nullable(),
  placement: placementSchema,
  quotas: quotasSchema,
  createdAt: isoDateSchema,
  updatedAt: isoDateSchema,
  /** pending_deletion: when the purge may run. */
  purgeAfter: isoDateSchema.nullable(),
  statusReason: z.string().nullable(),
});
export type TenantSummary = z.infer<typeof tenantSummarySchema>;

export const statusChangeSchema = z.object({
  at: isoDateSchema,
  from: tenantStatusSchema.nullable(),
  to: tenantStatusSchema,
  reason: z.string().nullable(),
  actor: z.string(),
});
export type StatusChange = z.infer<typeof statusChangeSchema>;

/** What a tenant occupies in each store, read live. Absent parts: the store is not configured. */
export const footprintSchema = z.object({
  mysql: z
    .object({
      connectionId: z.string(),
      database: z.string(),
      /** shared: rows carrying the tenant id; dedicated: rows of its own tables. */
      tables: z.array(z.object({ database: z.string(), table: z.string(), rows: z.number() })),
    })
    .optional(),
  mongo: z
    .object({
      connectionId: z.string(),
      database: z.string(),
      collections: z.array(
        z.object({ name: z.string(), documents: z.number(), indexes: z.number() }),
      ),
    })
    .optional(),
  redis: z
    .object({
      connectionId: z.string(),
      db: z.number(),
      prefix: z.string(),
      keys: z.number(),
      aclUser: z.string(),
      aclEnabled: z.boolean().nullable(),
    })
    .optional(),
  influx: z
    .object({ connectionId: z.string(), bucket: z.string(), exists: z.boolean() })
    .optional(),
  /** Stores that could not be read, in plain words. */
  errors: z.array(z.object({ store: z.string(), message: z.string() })),
});
export type Footprint = z.infer<typeof footprintSchema>;

export const tenantDetailSchema = z.object({
  tenant: tenantSummarySchema,
  history: z.array(statusChangeSchema),
  footprint: footprintSchema,
});
export type TenantDetail = z.infer<typeof tenantDetailSchema>;

/** One object provisioning creates, shown before it runs. */
export const provisionStepSchema = z.object({
  /** Stable key: what the journal records. */
  key: z.string(),
  store: z.enum(['mysql', 'mongodb', 'redis', 'influxdb', 'catalog']),
  connectionId: z.string().optional(),
  action: z.string(),
  target: z.string(),
  /** The DDL, command or rule, as it will be sent (secrets masked). */
  statement: z.string(),
});
export type ProvisionStep = z.infer<typeof provisionStepSchema>;

export const provisionPlanSchema = z.object({
  tenantId: z.string(),
  tier: tierSchema,
  quotas: quotasSchema,
  steps: z.array(provisionStepSchema),
  /** Stores of the blueprint the environment has no connection for: skipped, said plainly. */
  skipped: z.array(z.object({ store: z.string(), reason: z.string() })),
});
export type ProvisionPlan = z.infer<typeof provisionPlanSchema>;

/** A provisioning that stopped half-way (crash, kill): resume or roll back. */
export const interruptedSchema = z.object({
  tenantId: z.string(),
  spec: z.unknown(),
  state: z.enum(['running', 'failed']),
  stepsDone: z.int(),
  startedAt: isoDateSchema,
  updatedAt: isoDateSchema,
  jobId: z.string().nullable(),
  error: z.string().nullable(),
});
export type Interrupted = z.infer<typeof interruptedSchema>;

export const auditEntrySchema = z.object({
  id: z.number(),
  at: isoDateSchema,
  actor: z.string(),
  action: z.string(),
  target: z.string(),
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
  result: z.enum(['ok', 'failed']),
  error: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

/** One row of a bulk provisioning result. */
export const bulkRowResultSchema = z.object({
  row: z.int(),
  id: z.string(),
  ok: z.boolean(),
  error: z.string().optional(),
});
export type BulkRowResult = z.infer<typeof bulkRowResultSchema>;

export const planSummarySchema = z.object({
  id: z.string(),
  price: z.number().nullable(),
  quotas: quotasSchema,
  tiers: z.array(tierSchema),
});

/** The blueprint of an environment as the UI needs it. */
export const blueprintSummarySchema = z.object({
  envId: z.string(),
  name: z.string(),
  version: z.int(),
  source: z.string(),
  currency: z.string(),
  plans: z.array(planSummarySchema),
  catalog: z.object({ connectionId: z.string().nullable(), database: z.string() }),
  /** Connections of role `tenant:<id>` not yet used by a tenant (dedicated instances). */
  freeInstances: z.array(z.object({ connectionId: z.string(), role: z.string() })),
  /** Whether the catalog and the shared databases have been created. */
  applied: z.boolean(),
});
export type BlueprintSummary = z.infer<typeof blueprintSummarySchema>;

export const tenantRefSchema = z.object({ envId: slugSchema, tenantId: tenantIdSchema }).strict();
export const reasonSchema = z.string().trim().min(1, 'say why').max(500);
