import { z } from 'zod';
import { roleSchema } from './models/environment';

/**
 * The blueprint: what the platform an environment runs looks like — where the tenant catalog
 * lives, the business databases and their table templates, the Mongo layout, the Redis and
 * InfluxDB conventions, the plans and the isolation tiers. One versioned YAML file per
 * environment (resources/blueprints/default.yaml reproduces the seeds' platform).
 *
 * Templates name objects with `{tenant}` (the tenant id) and nothing else; the id pattern below
 * makes every name built from it a valid, quotable identifier in all four stores.
 */

/** A MySQL / Mongo / Influx name Keel creates: lower-case word, quoted everywhere anyway. */
const nameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,47}$/, 'use a lower-case letter, then letters, digits or "_" (≤ 48)');

/** Longest tenant id (shared/tenants.ts): templates are sized for it. */
const MAX_TENANT_ID = 32;
const filledLength = (template: string): number =>
  template.length + (template.split('{tenant}').length - 1) * (MAX_TENANT_ID - '{tenant}'.length);

/**
 * A per-tenant name template: must contain `{tenant}` (or every tenant would share one object)
 * and, filled with the longest id, stay within MySQL's 64-character identifier limit.
 */
const nameTemplateSchema = z
  .string()
  .regex(
    /^[a-z][a-z0-9_]*(\{tenant\}[a-z0-9_]*)+$/,
    'use lower-case letters, digits, "_" and the placeholder {tenant} (required)',
  )
  .refine((t) => filledLength(t) <= 64, {
    message: `too long: filled with a ${MAX_TENANT_ID}-character tenant id it exceeds 64 characters`,
  });

/** Tables of the catalog database that Keel owns. */
export const CATALOG_TABLES = [
  'tenants',
  'plans',
  'tenant_status_history',
  'tenant_provisioning',
  'tenant_provision_step',
  'keel_catalog_version',
] as const;

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export const partitionSchema = z
  .object({
    /** A DATE / DATETIME column, part of the primary key (MySQL requires it). */
    column: nameSchema,
    by: z.literal('month'),
    /** Months of history to create partitions for when a table is first created. */
    historyMonths: z.int().min(0).max(120).default(3),
    /** Months ahead to keep partitions ready for. */
    aheadMonths: z.int().min(1).max(36).default(3),
  })
  .strict();
export type PartitionSpec = z.infer<typeof partitionSchema>;

export const tableSchema = z
  .object({
    name: nameSchema,
    /**
     * The column list and keys of `CREATE TABLE {table} ( … )` — the part between the
     * parentheses. Keel adds the name, engine, charset and the PARTITION clause.
     */
    columns: z.string().min(1).max(20_000),
    /** The column that carries the tenant id in shared-tier rows. */
    tenantColumn: nameSchema.default('tenant_id'),
    partition: partitionSchema.optional(),
    comment: z.string().max(200).optional(),
  })
  .strict();
export type TableSpec = z.infer<typeof tableSchema>;

export const businessDatabaseSchema = z
  .object({
    /** The shared database's name (shared tier). */
    name: nameSchema,
    /** The MySQL connection role it lives on; `core` when the environment has no other. */
    role: roleSchema.default('core'),
    comment: z.string().max(200).optional(),
    tables: z.array(tableSchema).min(1).max(200),
  })
  .strict();
export type BusinessDatabaseSpec = z.infer<typeof businessDatabaseSchema>;

export const mongoIndexSchema = z
  .object({
    keys: z.record(z.string().min(1).max(128), z.union([z.literal(1), z.literal(-1)])),
    unique: z.boolean().default(false),
    sparse: z.boolean().default(false),
    name: z.string().max(120).optional(),
  })
  .strict()
  .refine((i) => Object.keys(i.keys).length > 0, { message: 'an index needs at least one key' });

export const mongoCollectionSchema = z
  .object({
    name: nameSchema,
    indexes: z.array(mongoIndexSchema).max(32).default([]),
    /** A `$jsonSchema` (or query) validator document, passed to `create` as is. */
    validator: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
export type MongoCollectionSpec = z.infer<typeof mongoCollectionSchema>;

/** Plan limits: a number, or null for unlimited (enterprise). */
const limitSchema = z.int().min(0).nullable();

export const planSchema = z
  .object({
    /** Monthly price in the currency below; null = custom (negotiated). */
    price: z.number().min(0).nullable(),
    apiCalls: limitSchema,
    storageMb: limitSchema,
    users: limitSchema,
    services: limitSchema,
  })
  .strict();
export type PlanSpec = z.infer<typeof planSchema>;

export const TIERS = ['shared', 'dedicated_schema', 'dedicated_instance'] as const;
export const tierSchema = z.enum(TIERS);
export type Tier = z.infer<typeof tierSchema>;

export const tierSpecSchema = z
  .object({
    /** Plans that may use the tier. */
    plans: z.array(nameSchema).min(1),
    comment: z.string().max(300).optional(),
  })
  .strict();

export const blueprintSchema = z
  .object({
    /** Format version of the blueprint file. */
    blueprint: z.literal(1),
    name: z.string().min(1).max(80),
    /** The platform's own version of this blueprint; shown and recorded with the catalog. */
    version: z.int().min(1),
    currency: z.string().length(3).default('CNY'),
    catalog: z
      .object({
        /** MySQL connection role holding the catalog. */
        role: roleSchema.default('core'),
        database: nameSchema,
      })
      .strict(),
    mysql: z
      .object({
        databases: z.array(businessDatabaseSchema).min(1).max(50),
        /** The dedicated-schema database of a tenant. */
        tenantDatabase: nameTemplateSchema.default('tenant_{tenant}'),
      })
      .strict(),
    mongo: z
      .object({
        platform: z
          .object({
            role: roleSchema.default('platform_db'),
            database: nameSchema.default('platform_db'),
            collections: z.array(mongoCollectionSchema).max(100).default([]),
          })
          .strict(),
        business: z
          .object({
            /** Connection role; the platform connection when the environment has no other. */
            role: roleSchema.default('business_db'),
            database: nameSchema.default('business_db'),
            /** `tenant_{tenant}_` + name: created for every tenant. */
            collectionPrefix: nameTemplateSchema.default('tenant_{tenant}_'),
            tenantCollections: z.array(mongoCollectionSchema).min(1).max(100),
          })
          .strict(),
      })
      .strict(),
    redis: z
      .object({
        role: roleSchema.default('cache'),
        /** Logical database of business keys (seed 000: 0 platform, 1 business). */
        businessDb: z.int().min(0).max(15).default(1),
        keyPrefix: z
          .string()
          .regex(
            /^[a-z0-9_:.-]*(\{tenant\}[a-z0-9_:.-]*)+$/,
            'letters, digits, _:.- and the placeholder {tenant} (required)',
          )
          .max(64)
          .default('t:{tenant}:'),
        /** The ACL user of a tenant. */
        aclUser: nameTemplateSchema.default('tenant_{tenant}'),
        /** Command rules of a tenant's ACL user (besides its key and channel pattern). */
        aclCommands: z
          .string()
          .regex(/^([+-]@?[a-z|]+)( [+-]@?[a-z|]+)*$/, 'rules like "+@all -@admin"')
          .default('+@all -@admin -@dangerous'),
      })
      .strict(),
    influx: z
      .object({
        role: roleSchema.default('metrics'),
        /** Platform-wide metrics database / bucket. */
        database: nameSchema.default('platform_metrics'),
        /** A tenant's own bucket (2.x) or database (1.x). */
        tenantBucket: nameTemplateSchema.default('tenant_{tenant}'),
        /** Retention in days; 0 = forever. */
        retentionDays: z.int().min(0).max(3650).default(30),
      })
      .strict(),
    plans: z.record(nameSchema, planSchema).refine((p) => Object.keys(p).length > 0, {
      message: 'at least one plan',
    }),
    tiers: z
      .object({
        shared: tierSpecSchema,
        dedicated_schema: tierSpecSchema,
        dedicated_instance: tierSpecSchema,
      })
      .strict(),
  })
  .strict()
  .superRefine((b, ctx) => {
    const seen = new Map<string, string>();
    b.mysql.databases.forEach((db, i) =>
      db.tables.forEach((t, j) => {
        const other = seen.get(t.name);
        if (other) {
          ctx.addIssue({
            code: 'custom',
            path: ['mysql', 'databases', i, 'tables', j, 'name'],
            message: `table ${t.name} is also in ${other}: a dedicated-schema tenant gets every table in one database, so names must be unique`,
          });
        }
        seen.set(t.name, db.name);
        if (
          t.partition &&
          /^[a-z][a-z0-9_]*$/.test(t.partition.column) &&
          !new RegExp(`\\b${escapeRegExp(t.partition.column)}\\b`).test(t.columns)
        ) {
          ctx.addIssue({
            code: 'custom',
            path: ['mysql', 'databases', i, 'tables', j, 'partition', 'column'],
            message: `partition column ${t.partition.column} is not among the columns`,
          });
        }
      }),
    );
    b.mysql.databases.forEach((db, i) => {
      if (db.name !== b.catalog.database) return;
      db.tables.forEach((t, j) => {
        if ((CATALOG_TABLES as readonly string[]).includes(t.name)) {
          ctx.addIssue({
            code: 'custom',
            path: ['mysql', 'databases', i, 'tables', j, 'name'],
            message: `${t.name} is a table of Keel's catalog in ${db.name}: choose another name`,
          });
        }
      });
    });
    // `tenant_{tenant}_` + `data_sources` for tenant a equals `… + sources` for tenant a_data.
    const colls = b.mongo.business.tenantCollections.map((c) => c.name);
    colls.forEach((name, i) => {
      const longer = colls.find((o) => o !== name && o.endsWith(`_${name}`));
      if (longer || colls.indexOf(name) !== i) {
        ctx.addIssue({
          code: 'custom',
          path: ['mongo', 'business', 'tenantCollections', i, 'name'],
          message: longer
            ? `${name} is the end of ${longer}: two tenants' collections could get the same name`
            : `collection ${name} is listed twice`,
        });
      }
    });
    for (const [tier, spec] of Object.entries(b.tiers)) {
      spec.plans.forEach((p, i) => {
        if (!Object.hasOwn(b.plans, p)) {
          ctx.addIssue({
            code: 'custom',
            path: ['tiers', tier, 'plans', i],
            message: `unknown plan ${p}`,
          });
        }
      });
    }
  });
export type Blueprint = z.infer<typeof blueprintSchema>;

/** Fill `{tenant}` in a name template. The id has been validated (tenantIdSchema). */
export const fillTemplate = (template: string, tenantId: string): string =>
  template.replaceAll('{tenant}', tenantId);
