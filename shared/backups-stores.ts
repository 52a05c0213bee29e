import { z } from 'zod';
import { backupFileSchema, backupIdSchema, backupScopeSchema, sha256Schema } from './backups-base';
import { isoDateSchema, slugSchema } from './models/common';

/**
 * Manifests of the Redis, InfluxDB and MongoDB backups (format `keel-backup/1`, like MySQL's):
 * the same header, per-chunk size and SHA-256, counts and order-independent content hashes, and
 * a point in time stated for what it is.
 */

/** Fields every manifest has, whatever the store. */
export const manifestHeader = {
  format: z.literal('keel-backup/1'),
  id: backupIdSchema,
  envId: slugSchema,
  connectionId: slugSchema,
  scope: backupScopeSchema,
  status: z.literal('complete'),
  keelVersion: z.string(),
  compression: z.enum(['zstd', 'gzip']),
  /** How the content hashes below are computed (a restore recomputes them the same way). */
  contentHash: z.string(),
  totals: z.object({
    bytes: z.int().nonnegative(),
    /** Rows, keys, points or documents: what the store holds. */
    rows: z.int().nonnegative(),
    chunks: z.int().nonnegative(),
  }),
  /** SHA-256 of this manifest's canonical JSON without this field. */
  manifestSha256: sha256Schema,
};

const timingsSchema = z.object({
  startedAt: isoDateSchema,
  finishedAt: isoDateSchema,
  durationMs: z.number().nonnegative(),
  dataMs: z.number().nonnegative(),
});

/**
 * What point in time a backup of a store without a global snapshot holds. `consistent: false`
 * says it outright: each key / point / document is as it was when it was read, somewhere
 * between `at` and the finish; `note` says what that means for this store.
 */
const pointSchema = z.object({
  kind: z.enum(['scan', 'time-range', 'cursor']),
  consistent: z.literal(false),
  at: isoDateSchema,
  note: z.string(),
});

/** A data file with the count of records it holds and, for people, the range it covers. */
const dataChunkSchema = backupFileSchema.extend({
  rows: z.int().nonnegative(),
  range: z.string().optional(),
});

export const redisManifestSchema = z.object({
  ...manifestHeader,
  store: z.literal('redis'),
  server: z.object({
    version: z.string(),
    mode: z.enum(['standalone', 'sentinel', 'cluster']),
  }),
  snapshot: pointSchema.extend({ kind: z.literal('scan') }),
  timings: timingsSchema,
  chunkFormat: z.object({
    kind: z.literal('redis-dump/1'),
    /** The record layout of a decompressed chunk. */
    record: z.string(),
    restore: z.string(),
  }),
  /** One per logical database (and Cluster master) and key prefix. */
  keyspaces: z.array(
    z.object({
      db: z.int().nonnegative(),
      /** The Cluster master the keys were read from (`host:port`); absent otherwise. */
      node: z.string().optional(),
      /** '' = every key of the database. */
      prefix: z.string(),
      keys: z.int().nonnegative(),
      /** Keys SCAN returned that were gone (deleted or expired) before DUMP read them. */
      vanished: z.int().nonnegative(),
      contentHash: z.string().regex(/^[0-9a-f]{32}$/),
      chunks: z.array(dataChunkSchema),
    }),
  ),
});
export type RedisManifest = z.infer<typeof redisManifestSchema>;

export const retentionPolicySchema = z.object({
  name: z.string(),
  duration: z.string(),
  shardGroupDuration: z.string(),
  replicaN: z.int().nonnegative(),
  default: z.boolean(),
});

export const influxManifestSchema = z.object({
  ...manifestHeader,
  store: z.literal('influxdb'),
  server: z.object({ version: z.string() }),
  /** Points with `time <= until` (the run's start): later writes are left out by design. */
  snapshot: pointSchema.extend({ kind: z.literal('time-range'), until: isoDateSchema }),
  timings: timingsSchema,
  chunkFormat: z.object({ kind: z.literal('line-protocol'), precision: z.literal('ns') }),
  databases: z.array(
    z.object({
      name: z.string(),
      retentionPolicies: z.array(retentionPolicySchema),
      measurements: z.array(
        z.object({
          name: z.string(),
          retentionPolicy: z.string(),
          /** Field keys and their types, as `SHOW FIELD KEYS` says. */
          fields: z.record(z.string(), z.enum(['float', 'integer', 'string', 'boolean'])),
          points: z.int().nonnegative(),
          contentHash: z.string().regex(/^[0-9a-f]{32}$/),
          chunks: z.array(dataChunkSchema),
        }),
      ),
    }),
  ),
});
export type InfluxManifest = z.infer<typeof influxManifestSchema>;

export const mongoManifestSchema = z.object({
  ...manifestHeader,
  store: z.literal('mongodb'),
  server: z.object({ version: z.string() }),
  snapshot: pointSchema.extend({ kind: z.literal('cursor') }),
  timings: timingsSchema,
  chunkFormat: z.object({
    kind: z.literal('bson'),
    /** Documents as the server sent them (raw BSON), one after another, as mongodump writes. */
    note: z.string(),
  }),
  databases: z.array(
    z.object({
      name: z.string(),
      collections: z.array(
        z.object({
          name: z.string(),
          /** `listCollections` options (validator, capped, collation, …) as canonical EJSON. */
          options: z.record(z.string(), z.unknown()),
          /** `listIndexes` specs as canonical EJSON, `_id_` included. */
          indexes: z.array(z.record(z.string(), z.unknown())),
          documents: z.int().nonnegative(),
          contentHash: z.string().regex(/^[0-9a-f]{32}$/),
          chunks: z.array(dataChunkSchema),
        }),
      ),
    }),
  ),
});
export type MongoManifest = z.infer<typeof mongoManifestSchema>;
