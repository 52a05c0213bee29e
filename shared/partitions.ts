import { z } from 'zod';
import { slugSchema } from './models/common';

/**
 * Partition maintenance: policies (from the blueprint), the layout Keel discovers on the servers,
 * the plan it would run and what a run did. Bounds are UTC throughout: DATETIME columns hold UTC
 * (blueprint convention), a TO_DAYS number is read as a UTC calendar day, a UNIX_TIMESTAMP bound
 * is an absolute instant; so a month partition ends at 00:00 UTC on the 1st of the next month,
 * and the runway is measured from "now" in UTC.
 */

export const PARTITION_INTERVALS = ['month', 'week', 'day'] as const;
export type PartitionInterval = (typeof PARTITION_INTERVALS)[number];

/**
 * How rows map to partitions: `columns` = `RANGE COLUMNS(col)` (DATE / DATETIME), `to_days` =
 * `RANGE (TO_DAYS(col))` (DATE / DATETIME), `unix_timestamp` = `RANGE (UNIX_TIMESTAMP(col))`
 * (TIMESTAMP only: MySQL refuses it on other types).
 */
export const PARTITION_EXPRESSIONS = ['columns', 'to_days', 'unix_timestamp'] as const;
export type PartitionExpression = (typeof PARTITION_EXPRESSIONS)[number];

/** Column types each expression accepts (MySQL's rules for range partitioning). */
export const EXPRESSION_TYPES: Record<PartitionExpression, readonly string[]> = {
  columns: ['date', 'datetime'],
  to_days: ['date', 'datetime'],
  unix_timestamp: ['timestamp'],
};

/** Every partition name Keel creates or touches, and the schemas and tables it quotes. */
export const PARTITION_NAME_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;

/** The default naming pattern of an interval: `p%Y%m` by month, `p%Y%m%d` by week and day. */
export const defaultNaming = (by: PartitionInterval): string =>
  by === 'month' ? 'p%Y%m' : 'p%Y%m%d';

/**
 * Why a naming pattern cannot name the partitions of `by`, or undefined when it can. Tokens:
 * %Y (year), %m (month), %d (day of the interval's first day). A pattern must tell every
 * interval apart, and give a valid identifier that is never the catch-all's name.
 */
export function namingIssue(pattern: string, by: PartitionInterval): string | undefined {
  if (!/^[a-z]([a-z0-9_]|%[Ymd])*$/.test(pattern))
    return 'use a lower-case letter, then letters, digits, "_" and the tokens %Y %m %d';
  const needed = by === 'month' ? ['%Y', '%m'] : ['%Y', '%m', '%d'];
  const missing = needed.filter((t) => !pattern.includes(t));
  if (missing.length)
    return `a ${by} pattern needs ${needed.join(' ')} (missing ${missing.join(' ')}): two ${by}s would get one name`;
  if (pattern.replace(/%Y/g, '0000').replace(/%[md]/g, '00').length > 64)
    return 'names longer than 64 characters';
  return undefined;
}

/**
 * The type of `column` as declared in a blueprint column list (`created_at DATETIME(3) …`),
 * lower-case without size; undefined when the list does not define it.
 */
export function declaredType(columns: string, column: string): string | undefined {
  const m = new RegExp(`^\\s*\`?${column}\`?\\s+([A-Za-z]+)`, 'm').exec(columns);
  return m?.[1]?.toLowerCase();
}

/**
 * A per-table override of the blueprint's policy, kept in the environment (the same table name in
 * every schema of the environment). Only what an operator tunes per deployment: premake, retention
 * and archive-before-drop; the column, expression and interval are the table's and stay in the
 * blueprint.
 */
export const partitionOverrideSchema = z
  .object({
    premake: z
      .int()
      .min(1, 'premake at least 1 interval ahead')
      .max(36, 'premake at most 36 intervals ahead')
      .optional(),
    /** Intervals of history kept; null: never drop. */
    retention: z.int().min(1).max(1200).nullable().optional(),
    /** Export a partition's rows (verified) before it is dropped. */
    archive: z.boolean().optional(),
  })
  .strict();
export type PartitionOverride = z.infer<typeof partitionOverrideSchema>;

/** Overrides by table name. */
export const partitionOverridesSchema = z.record(
  z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'a table name'),
  partitionOverrideSchema,
);
export type PartitionOverrides = z.infer<typeof partitionOverridesSchema>;

/** The maintenance policy of one partitioned table (the blueprint's `partition:` resolved). */
export const partitionPolicySchema = z.object({
  column: z.string(),
  expression: z.enum(PARTITION_EXPRESSIONS),
  interval: z.enum(PARTITION_INTERVALS),
  /** Intervals kept ready beyond the current one (1-36). */
  premake: z.int(),
  /** Intervals of history kept before the current one; null: never drop. */
  retention: z.int().nullable(),
  /** Archive a partition's rows (verified) before it is dropped (default yes). */
  archive: z.boolean(),
  naming: z.string(),
});
export type PartitionPolicy = z.infer<typeof partitionPolicySchema>;

/** One partitioned table's policy: the blueprint's, the environment's override, what applies. */
export const partitionPoliciesSchema = z.array(
  z.object({
    database: z.string(),
    table: z.string(),
    blueprint: partitionPolicySchema,
    override: partitionOverrideSchema.optional(),
    effective: partitionPolicySchema,
  }),
);
export type PartitionPolicies = z.infer<typeof partitionPoliciesSchema>;

export const partitionOverrideInputSchema = z
  .object({
    envId: slugSchema,
    table: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'a table name'),
    /** The override; null removes it (the blueprint's policy applies again). */
    override: partitionOverrideSchema.nullable(),
    /** The table name again, when the change makes maintenance drop without archiving. */
    confirm: z.string().max(64).optional(),
  })
  .strict();

export const partitionInfoSchema = z.object({
  name: z.string(),
  /** PARTITION_DESCRIPTION as the server shows it ('2026-12-01', 740000, MAXVALUE). */
  description: z.string(),
  /** The exclusive upper bound as an ISO instant (UTC); null for MAXVALUE. */
  lessThan: z.string().nullable(),
  /** InnoDB's estimate (information_schema TABLE_ROWS). */
  rows: z.int().nonnegative(),
  /** COUNT(*), when asked for (`exact`); only MAXVALUE partitions are counted. */
  exactRows: z.int().nonnegative().optional(),
  dataBytes: z.int().nonnegative(),
  indexBytes: z.int().nonnegative(),
});
export type PartitionInfo = z.infer<typeof partitionInfoSchema>;

/** One partitioned table in one schema of one connection, as discovered. */
export const tableLayoutSchema = z.object({
  connectionId: z.string(),
  /** host:port: tables of one server were read by one query. */
  server: z.string(),
  schema: z.string(),
  table: z.string(),
  /** The tenant whose dedicated schema this is; absent for the shared databases. */
  tenantId: z.string().optional(),
  method: z.string(),
  expression: z.string(),
  partitions: z.array(partitionInfoSchema),
  /** Days from now until the last bounded partition ends (negative: already past). */
  runwayDays: z.number().nullable(),
  /** Rows the MAXVALUE partition holds (exact when counted, else the estimate); null: none. */
  maxvalueRows: z.int().nonnegative().nullable(),
});
export type TableLayout = z.infer<typeof tableLayoutSchema>;

export const serverScanSchema = z.object({
  server: z.string(),
  connectionIds: z.array(z.string()),
  /** Statements sent to read this server's layout (1: one query for every table and schema). */
  queries: z.int(),
  tables: z.int(),
  error: z.string().optional(),
});

export const partitionsListSchema = z.object({
  envId: z.string(),
  at: z.string(),
  tables: z.array(tableLayoutSchema),
  servers: z.array(serverScanSchema),
});
export type PartitionsList = z.infer<typeof partitionsListSchema>;

export const plannedPartitionSchema = z.object({
  name: z.string(),
  /** ISO instant (UTC) of the exclusive upper bound. */
  lessThan: z.string(),
  /** The bound as written in the DDL. */
  value: z.string(),
});

export const TABLE_PLAN_STATES = ['ok', 'planned', 'refused'] as const;
export const tablePlanSchema = z.object({
  connectionId: z.string(),
  schema: z.string(),
  table: z.string(),
  tenantId: z.string().optional(),
  /** ok: nothing to do; planned: `statement` would run; refused: see `reason`. */
  status: z.enum(TABLE_PLAN_STATES),
  reason: z.string().optional(),
  runwayDays: z.number().nullable(),
  add: z.array(plannedPartitionSchema),
  /** The one ALTER maintenance would run (REORGANIZE of an empty MAXVALUE, or ADD PARTITION). */
  statement: z
    .object({
      kind: z.enum(['reorganize', 'add']),
      sql: z.string(),
      /** The MAXVALUE partition a REORGANIZE splits (it must be empty when the ALTER runs). */
      maxvalue: z.string().optional(),
      /** A confirmed split of a MAXVALUE partition holding rows: copies them (see `costRows`). */
      copies: z.boolean().optional(),
    })
    .nullable(),
  /** Refused because MAXVALUE holds rows: rows a split would copy under an exclusive lock. */
  costRows: z.int().nonnegative().optional(),
  /** …and the bytes (data + indexes, InnoDB's figure) it would rewrite. */
  costBytes: z.int().nonnegative().optional(),
  /** The MAXVALUE partition's name, when it holds rows (what a confirmed `split` reorganizes). */
  maxvalue: z.string().optional(),
  /**
   * Partitions past retention and the DROP that would remove them; apply drops them one at a
   * time, each archived and verified first when the policy says so.
   */
  drops: z.array(z.string()),
  dropStatement: z.string().nullable(),
  /** Names and bounds the plan was computed from; apply re-reads and compares before the ALTER. */
  basis: z.string(),
});
export type TablePlan = z.infer<typeof tablePlanSchema>;

export const partitionsPlanSchema = z.object({
  envId: z.string(),
  at: z.string(),
  plans: z.array(tablePlanSchema),
  servers: z.array(serverScanSchema),
});
export type PartitionsPlan = z.infer<typeof partitionsPlanSchema>;

export const APPLY_STATES = ['applied', 'unchanged', 'refused', 'conflict', 'failed'] as const;
export const tableApplySchema = z.object({
  connectionId: z.string(),
  schema: z.string(),
  table: z.string(),
  status: z.enum(APPLY_STATES),
  added: z.array(z.string()),
  attempts: z.int().nonnegative(),
  /** Time the ALTER took (last attempt). */
  ms: z.number().optional(),
  reason: z.string().optional(),
  /** Failed because every attempt waited out its metadata-lock bound: the job retries later. */
  lockWait: z.boolean().optional(),
  /** Partitions past retention this run dropped (each archived first when the policy says so). */
  dropped: z.array(z.string()).optional(),
  /** Archive directories written for them. */
  archives: z.array(z.string()).optional(),
  /** Why retention stopped on this table (nothing after it was dropped). */
  dropError: z.string().optional(),
});
export type TableApply = z.infer<typeof tableApplySchema>;

export const partitionsApplyResultSchema = z.object({
  tables: z.array(tableApplySchema),
  applied: z.int(),
  /** Partitions dropped past retention. */
  dropped: z.int().default(0),
  failed: z.int(),
  refused: z.int(),
  /** Servers whose layout could not be read (their tables were not maintained). */
  unread: z.array(z.string()),
});
export type PartitionsApplyResult = z.infer<typeof partitionsApplyResultSchema>;

/** `schema.table` filters of a run (both plain identifiers). */
export const tableRefSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,63}\.[a-z][a-z0-9_]{0,63}$/, 'use schema.table');

export const partitionsApplyPayloadSchema = z
  .object({
    envId: slugSchema,
    /** Only these tables (schema.table); all when absent. */
    only: z.array(tableRefSchema).min(1).max(10_000).optional(),
    /** Seconds an ALTER may wait for the table's metadata lock before giving up this attempt. */
    lockWaitSec: z.int().min(1).max(300).default(5),
    /** Attempts per table when the lock wait runs out. */
    attempts: z.int().min(1).max(5).default(2),
    /**
     * Explicit confirmation to split these tables' MAXVALUE partitions although they hold rows:
     * the split copies those rows under the table's exclusive metadata lock (the plan shows how
     * many). Never implied: a table not named here is refused as before.
     */
    split: z.array(tableRefSchema).min(1).max(100).optional(),
  })
  .strict();

/** A partition name as Keel writes them (`p202611`) or a DBA may have: a plain identifier. */
export const partitionNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9_]{1,64}$/, 'not a partition name (letters, digits, "_")');

/**
 * `partitions.archive`: export partitions (each verified against its manifest) without dropping
 * them — those retention would drop next, or the named partitions of one table.
 */
export const partitionsArchivePayloadSchema = z
  .object({
    envId: slugSchema,
    /** Only these tables (schema.table); all when absent. */
    only: z.array(tableRefSchema).min(1).max(10_000).optional(),
    /** These partitions of the one table in `only`, instead of those past retention. */
    partitions: z.array(partitionNameSchema).min(1).max(1000).optional(),
  })
  .strict()
  .refine((p) => !p.partitions || p.only?.length === 1, {
    message: 'name partitions of exactly one table: give that table as the only one',
    path: ['partitions'],
  });
export type PartitionsArchivePayload = z.infer<typeof partitionsArchivePayloadSchema>;

export const partitionArchiveSchema = z.object({
  connectionId: z.string(),
  schema: z.string(),
  table: z.string(),
  tenantId: z.string().optional(),
  partition: z.string(),
  /** The archive's directory (manifest.json + rows.tsv.zst|gz), verified. */
  dir: z.string().optional(),
  rows: z.int().nonnegative().optional(),
  bytes: z.int().nonnegative().optional(),
  status: z.enum(['archived', 'failed', 'missing']),
  /** Why it failed, or that the rows changed after the consistent read that was archived. */
  reason: z.string().optional(),
});
export type PartitionArchive = z.infer<typeof partitionArchiveSchema>;

export const partitionsArchiveResultSchema = z.object({
  archives: z.array(partitionArchiveSchema),
  archived: z.int().nonnegative(),
  failed: z.int().nonnegative(),
  /** Servers whose layout could not be read. */
  unread: z.array(z.string()),
});
export type PartitionsArchiveResult = z.infer<typeof partitionsArchiveResultSchema>;
