import { z } from 'zod';
import { errorShapeSchema } from './errors';
import { isoDateSchema, slugSchema } from './models/common';
import {
  BACKUP_STORES,
  backupFileSchema,
  backupIdSchema,
  backupScopeSchema,
  chunkSchema,
  sha256Schema,
} from './backups-base';
import { influxManifestSchema, mongoManifestSchema, redisManifestSchema } from './backups-stores';

/**
 * Backups: the scope a run covers, the manifest a complete backup carries, and the catalog
 * entries the UI and CLI list. A restore reads the same manifest (format `keel-backup/1`).
 */

export * from './backups-base';
export * from './backups-stores';

export const columnSchema = z.object({
  name: z.string(),
  type: z.string(),
  /**
   * How values are written: `text` as the server sends them; `decimal` for BIT columns (load with
   * `SET c = CAST(@v AS UNSIGNED)`); `hex` for spatial columns (load with `SET c = UNHEX(@v)`).
   */
  encoding: z.enum(['text', 'decimal', 'hex']),
});

export const tableEntrySchema = z.object({
  name: z.string(),
  engine: z.string().nullable(),
  /** Columns in file order: generated columns are left out (the server computes them). */
  columns: z.array(columnSchema),
  /** The rows taken: absent = all; for a tenant, its column and value. */
  filter: z.object({ column: z.string(), value: z.string() }).optional(),
  rows: z.int().nonnegative(),
  /** Order-independent content hash: see `contentHash` in the manifest. */
  contentHash: z.string().regex(/^[0-9a-f]{32}$/),
  chunks: z.array(chunkSchema),
});
export type TableEntry = z.infer<typeof tableEntrySchema>;

export const databaseEntrySchema = z.object({
  name: z.string(),
  tables: z.array(tableEntrySchema),
});

export const snapshotSchema = z.object({
  /** How the global lock was taken. */
  lock: z.enum(['backup-stage', 'ftwrl', 'lock-instance+ftwrl']),
  /** Milliseconds commits were blocked (lock taken → released). */
  lockMs: z.number().nonnegative(),
  at: isoDateSchema,
  /** null when binary logging is off (no point-in-time recovery from this backup). */
  binlog: z.object({ file: z.string(), position: z.int().nonnegative() }).nullable(),
  /** MariaDB `@@gtid_binlog_pos` or MySQL `@@gtid_executed`; null without GTIDs. */
  gtid: z.string().nullable(),
});

export const manifestSchema = z.object({
  format: z.literal('keel-backup/1'),
  id: backupIdSchema,
  envId: slugSchema,
  connectionId: slugSchema,
  store: z.literal('mysql'),
  scope: backupScopeSchema,
  status: z.literal('complete'),
  server: z.object({ version: z.string(), flavor: z.enum(['mariadb', 'mysql']) }),
  keelVersion: z.string(),
  snapshot: snapshotSchema,
  timings: z.object({
    startedAt: isoDateSchema,
    finishedAt: isoDateSchema,
    durationMs: z.number().nonnegative(),
    lockMs: z.number().nonnegative(),
    schemaMs: z.number().nonnegative(),
    dataMs: z.number().nonnegative(),
  }),
  compression: z.enum(['zstd', 'gzip']),
  /** How to read a chunk; a restore loads it with the statement given here. */
  chunkFormat: z.object({
    kind: z.literal('tsv'),
    load: z.string(),
    charset: z.literal('utf8mb4'),
    /** Session time zone of the dump: TIMESTAMP values are in it; load with the same. */
    timeZone: z.literal('+00:00'),
  }),
  contentHash: z.string(),
  /** Databases, tables, views, routines, triggers and events as SQL (JSON, see schema.ts). */
  schema: backupFileSchema,
  databases: z.array(databaseEntrySchema),
  totals: z.object({
    bytes: z.int().nonnegative(),
    rows: z.int().nonnegative(),
    chunks: z.int().nonnegative(),
  }),
  /** SHA-256 of this manifest's canonical JSON without this field. */
  manifestSha256: sha256Schema,
});
/** The manifest of a MySQL / MariaDB backup. */
export type Manifest = z.infer<typeof manifestSchema>;

/** Any store's manifest: a restore reads `store` first. */
export const anyManifestSchema = z.discriminatedUnion('store', [
  manifestSchema,
  redisManifestSchema,
  influxManifestSchema,
  mongoManifestSchema,
]);
export type AnyManifest = z.infer<typeof anyManifestSchema>;

/** The schema of each store's manifest (to parse one without its self-hash). */
export const MANIFEST_SCHEMAS = {
  mysql: manifestSchema,
  redis: redisManifestSchema,
  influxdb: influxManifestSchema,
  mongodb: mongoManifestSchema,
} as const;

export const BACKUP_STATUSES = ['running', 'complete', 'failed', 'cancelled'] as const;

/** One row of the catalog. Only `complete` backups can be verified or restored. */
export const backupSummarySchema = z.object({
  id: backupIdSchema,
  envId: z.string(),
  connectionId: z.string(),
  store: z.enum(BACKUP_STORES),
  scope: backupScopeSchema,
  status: z.enum(BACKUP_STATUSES),
  jobId: z.string().optional(),
  startedAt: isoDateSchema,
  finishedAt: isoDateSchema.optional(),
  /** Why it failed or was cancelled. */
  error: errorShapeSchema.optional(),
  bytes: z.int().nonnegative().optional(),
  rows: z.int().nonnegative().optional(),
  chunks: z.int().nonnegative().optional(),
  lockMs: z.number().nonnegative().optional(),
  binlog: snapshotSchema.shape.binlog.optional(),
  gtid: z.string().nullable().optional(),
  /** False when the store has no global snapshot (Redis SCAN, InfluxDB, MongoDB cursors). */
  consistent: z.boolean().optional(),
  /** The last verify of this backup. */
  verified: z.object({ at: isoDateSchema, ok: z.boolean() }).optional(),
});
export type BackupSummary = z.infer<typeof backupSummarySchema>;

export const verifyProblemSchema = z.object({
  /** A file of the backup, or `manifest.json`. */
  file: z.string(),
  kind: z.enum(['missing', 'size', 'sha256', 'manifest', 'unreadable']),
  message: z.string(),
});
export type VerifyProblem = z.infer<typeof verifyProblemSchema>;

export const verifyReportSchema = z.object({
  id: backupIdSchema,
  ok: z.boolean(),
  at: isoDateSchema,
  filesChecked: z.int().nonnegative(),
  bytesChecked: z.int().nonnegative(),
  problems: z.array(verifyProblemSchema),
});
export type VerifyReport = z.infer<typeof verifyReportSchema>;

/** What `backups.run` starts (also the job payload of `backups.run`). */
export const backupRunSchema = z
  .object({
    envId: slugSchema,
    connectionId: slugSchema,
    scope: backupScopeSchema,
    /** Re-read the backup against its manifest once written (scheduled runs do). */
    verify: z.boolean().optional(),
    /**
     * Retention for this connection and scope, applied after a verified run: complete backups
     * older than this many days are deleted once verified, never the newest complete one, never
     * the newest verified one, and only while a newer verified one exists.
     */
    keepDays: z.int().min(1, 'keep backups at least 1 day').max(3650).optional(),
  })
  .strict()
  .refine((r) => r.keepDays === undefined || r.verify === true, {
    message: 'retention deletes only verified backups: set verify with keepDays',
    path: ['keepDays'],
  });
export type BackupRun = z.infer<typeof backupRunSchema>;

/**
 * Where a connection + scope stands (backups.status): the figures behind the backup alerts and
 * the Backups page. null = no such backup yet (never "0").
 */
export const backupStatusSchema = z.object({
  connectionId: z.string(),
  store: z.enum(BACKUP_STORES),
  scope: backupScopeSchema,
  running: z.boolean(),
  lastStatus: z.enum(BACKUP_STATUSES).nullable(),
  /** The newest finished run failed or was cancelled. */
  lastFailed: z.boolean(),
  lastError: errorShapeSchema.optional(),
  failuresSinceSuccess: z.int().nonnegative(),
  /** Seconds since the newest complete backup finished (the RPO of a full-only scope). */
  lastSuccessAgeSec: z.number().nonnegative().nullable(),
  lastVerifiedAgeSec: z.number().nonnegative().nullable(),
  lastDurationMs: z.number().nonnegative().nullable(),
  lastBytes: z.int().nonnegative().nullable(),
  lastLockMs: z.number().nonnegative().nullable(),
});
export type BackupStatus = z.infer<typeof backupStatusSchema>;
