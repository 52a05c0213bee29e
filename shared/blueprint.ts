import { z } from 'zod';
import { roleSchema } from './models/environment';
import {
  declaredType,
  EXPRESSION_TYPES,
  namingIssue,
  PARTITION_EXPRESSIONS,
  PARTITION_INTERVALS,
} from './partitions';

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

export const partitionSchema = z
  .object({
    /** A DATE / DATETIME column (TIMESTAMP for `unix_timestamp`), part of the primary key (MySQL requires it). */
    column: nameSchema,
    /** The interval of one partition. */
    by: z.enum(PARTITION_INTERVALS).default('month'),
    /** RANGE COLUMNS(col), RANGE (TO_DAYS(col)) or RANGE (UNIX_TIMESTAMP(col)). */
    expression: z.enum(PARTITION_EXPRESSIONS).default('columns'),
    /** Intervals (months unless `by` says otherwise) of history created with a new table. */
    historyMonths: z.int().min(0).max(120).default(3),
    /** Premake: intervals kept ready beyond the current one (the name predates week / day). */
    aheadMonths: z
      .int()
      .min(1, 'premake at least 1 interval ahead')
      .max(36, 'premake at most 36 intervals ahead')
      .default(3),
    /** Intervals of history kept before the current one; null (default): never drop. */
    retention: z.int().min(1).max(1200).nullable().default(null),
    /** Archive a partition's rows (a verified export) before retention drops it (default yes). */
    archive: z.boolean().default(true),
    /** Partition names: %Y %m %d of the interval's first day; default p%Y%m (month), p%Y%m%d. */
    naming: z.string().max(64).optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const issue = p.naming === undefined ? undefined : namingIssue(p.naming, p.by);
    if (issue) ctx.addIssue({ code: 'custom', path: ['naming'], message: issue });
    if (p.retention !== null && p.retention < p.historyMonths) {
      ctx.addIssue({
        code: 'custom',
        path: ['retention'],
        message: `retention ${p.retention} is shorter than the ${p.historyMonths} intervals of history a new table is created with: maintenance would drop them at once`,
      });
    }
  });
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

/**
 * A backup schedule's cron: 5 fields, or 6 whose seconds field is one number — never more than
 * once a minute (a backup every second would only queue up behind itself).
 */
export const backupCronSchema = z
  .string()
  .trim()
  .max(200)
  .refine((c) => {
    const f = c.split(/\s+/);
    return f.length === 5 || (f.length === 6 && /^\d{1,2}$/.test(f[0] as string));
  }, 'a backup runs at most once a minute: 5 cron fields, or a single second in the 6th');

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
          // Keel keeps its own records about tenants under keel: (where no tenant may write).
          .refine((v) => !v.startsWith('keel:'), "keel: is Keel's own key space")
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
    /**
     * Backup policies (seed 001): a daily full backup kept 30 days, an hourly incremental one
     * kept 7 days, a weekly restore drill. Cron in `tz`; at most once a minute (5 fields, or a
     * single second in the 6th).
     */
    backups: z
      .object({
        tz: z.string().min(1).max(64).default('UTC'),
        full: z
          .object({ cron: backupCronSchema, keepDays: z.int().min(1).max(3650) })
          .strict()
          .default({ cron: '0 2 * * *', keepDays: 30 }),
        incremental: z
          .object({ cron: backupCronSchema, keepDays: z.int().min(1).max(3650) })
          .strict()
          .default({ cron: '0 * * * *', keepDays: 7 }),
        drill: z.object({ cron: backupCronSchema }).strict().default({ cron: '0 4 * * 0' }),
      })
      .strict()
      .default({
        tz: 'UTC',
        full: { cron: '0 2 * * *', keepDays: 30 },
        incremental: { cron: '0 * * * *', keepDays: 7 },
        drill: { cron: '0 4 * * 0' },
      }),
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
        if (t.partition && /^[a-z][a-z0-9_]*$/.test(t.partition.column)) {
          const type = declaredType(t.columns, t.partition.column);
          const allowed = EXPRESSION_TYPES[t.partition.expression];
          if (!type || !allowed.includes(type)) {
            ctx.addIssue({
              code: 'custom',
              path: ['mysql', 'databases', i, 'tables', j, 'partition', 'column'],
              message: !type
                ? `partition column ${t.partition.column} is not among the columns`
                : `partition column ${t.partition.column} is ${type.toUpperCase()}: ${t.partition.expression} partitioning needs ${allowed.map((x) => x.toUpperCase()).join(' or ')}`,
            });
          }
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
