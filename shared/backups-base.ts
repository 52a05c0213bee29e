import { z } from 'zod';
import { tenantIdSchema } from './tenants';

/** The stores Keel backs up; a manifest and a catalog row name theirs. */
export const BACKUP_STORES = ['mysql', 'redis', 'influxdb', 'mongodb'] as const;
export type BackupStore = (typeof BACKUP_STORES)[number];

/**
 * A database or table name Keel accepts from people. Stricter than MySQL on purpose: no
 * quotes, dots, slashes or spaces, so a name is never a path or SQL fragment.
 */
export const sqlNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9_$][A-Za-z0-9_$-]{0,63}$/, 'use 1-64 letters, digits, "_", "$" or "-"');

export const backupScopeSchema = z.discriminatedUnion('type', [
  /** Every database of the server except the system schemas. */
  z.object({ type: z.literal('server') }).strict(),
  z
    .object({ type: z.literal('databases'), databases: z.array(sqlNameSchema).min(1).max(500) })
    .strict(),
  z
    .object({
      type: z.literal('tables'),
      tables: z
        .array(z.object({ database: sqlNameSchema, table: sqlNameSchema }).strict())
        .min(1)
        .max(5000),
    })
    .strict(),
  /** One tenant: its dedicated schema, or its rows of the shared tables (`WHERE tenant_id = ?`). */
  z.object({ type: z.literal('tenant'), tenantId: tenantIdSchema }).strict(),
]);
export type BackupScope = z.infer<typeof backupScopeSchema>;

/** `b_<UTC stamp>_<random>`: sorts by time, safe as a directory name. */
export const backupIdSchema = z
  .string()
  .regex(/^b_\d{8}T\d{6}Z_[0-9a-f]{6}$/, 'not a backup id (b_YYYYMMDDTHHMMSSZ_xxxxxx)');

export const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/);
/** A path relative to the backup directory, never leaving it. */
const relPathSchema = z
  .string()
  .regex(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/)
  .refine((p) => !p.split('/').includes('..'), 'no ".." in a backup file path');

export const backupFileSchema = z.object({
  file: relPathSchema,
  size: z.int().nonnegative(),
  sha256: sha256Schema,
});
export type BackupFile = z.infer<typeof backupFileSchema>;

export const chunkSchema = backupFileSchema.extend({
  rows: z.int().nonnegative(),
  /** The primary-key range it covers, as SQL over the quoted leading key column (for people). */
  range: z.string().optional(),
});
export type ChunkEntry = z.infer<typeof chunkSchema>;
