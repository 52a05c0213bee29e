import { z } from 'zod';
import { slugSchema } from './models/common';
import { storeKindSchema, type StoreKind } from './models/environment';

/**
 * Monitoring: what the collectors read from each store, how a sample looks, and what the
 * `monitoring` domain returns. Samples carry epoch milliseconds (`at`), not ISO strings: they are
 * many, and charts want numbers.
 */

export const METRIC_UNITS = [
  'count',
  'per_sec',
  'ratio',
  'bytes',
  'sec',
  'ms',
  'bool',
  'days',
] as const;
export const metricUnitSchema = z.enum(METRIC_UNITS);
export type MetricUnit = z.infer<typeof metricUnitSchema>;

/** Tag keys a metric may carry besides environment, connection and kind. */
export const METRIC_TAG_KEYS = [
  'database',
  'table',
  'partition',
  'endpoint',
  'channel',
  'replica',
  'member',
  'op',
  'tenant',
  'dimension',
] as const;
export type MetricTagKey = (typeof METRIC_TAG_KEYS)[number];

export interface MetricSpec {
  kind: StoreKind;
  unit: MetricUnit;
  description: string;
  /** Tags that tell this metric's series apart (one series per database, partition…). */
  tags?: readonly MetricTagKey[];
  /** Read on the slow cadence only (sizes: every Nth sweep). */
  slow?: boolean;
}

const m = (
  kind: StoreKind,
  unit: MetricUnit,
  description: string,
  extra: Pick<MetricSpec, 'tags' | 'slow'> = {},
): MetricSpec => ({ kind, unit, description, ...extra });

/**
 * Every metric Keel collects. Rates (`per_sec`) and interval ratios come from the difference
 * between two readings of a server counter, so a connection's first sweep has none of them.
 */
export const METRICS = {
  'mysql.threads_connected': m('mysql', 'count', 'Open client connections (Threads_connected)'),
  'mysql.max_connections': m('mysql', 'count', 'Configured connection limit (max_connections)'),
  'mysql.connections_ratio': m('mysql', 'ratio', 'Threads_connected / max_connections'),
  'mysql.threads_running': m('mysql', 'count', 'Threads executing a statement now'),
  'mysql.threads_waiting': m(
    'mysql',
    'count',
    'Threads waiting for an InnoDB row lock now (Innodb_row_lock_current_waits)',
  ),
  'mysql.qps': m('mysql', 'per_sec', 'Statements from clients per second (Questions)'),
  'mysql.tps': m(
    'mysql',
    'per_sec',
    'Explicit transactions per second (Com_commit + Com_rollback; autocommit statements count in QPS)',
  ),
  'mysql.slow_queries': m('mysql', 'per_sec', 'Statements over long_query_time per second'),
  'mysql.aborted_connects': m('mysql', 'per_sec', 'Failed connection attempts per second'),
  'mysql.aborted_clients': m('mysql', 'per_sec', 'Connections dropped without a proper close'),
  'mysql.buffer_pool_hit_ratio': m(
    'mysql',
    'ratio',
    'InnoDB buffer pool reads served from memory over the interval',
  ),
  'mysql.tmp_disk_tables': m('mysql', 'per_sec', 'Internal temporary tables created on disk'),
  'mysql.database_data_bytes': m('mysql', 'bytes', 'Data size of a database (InnoDB statistics)', {
    tags: ['database'],
    slow: true,
  }),
  'mysql.database_index_bytes': m(
    'mysql',
    'bytes',
    'Index size of a database (InnoDB statistics)',
    {
      tags: ['database'],
      slow: true,
    },
  ),
  'mysql.partition_rows': m(
    'mysql',
    'count',
    'Rows in a partition of a partitioned table (InnoDB estimate)',
    { tags: ['database', 'table', 'partition'], slow: true },
  ),
  // Partition maintenance (derived from its discovery, not read by the sweeps: see
  // services/partitions/metrics.ts). Per connection and blueprint table, over every schema.
  'mysql.partition_runway_days': m(
    'mysql',
    'days',
    'Days until the last bounded partition ends: the shortest runway of the table in any schema of the connection',
    { tags: ['table'] },
  ),
  'mysql.partition_intervals_missing': m(
    'mysql',
    'count',
    'Intervals (months, weeks, days) the premake policy wants ready that do not exist yet, most in any schema',
    { tags: ['table'] },
  ),
  'mysql.partition_maxvalue_rows': m(
    'mysql',
    'count',
    'Rows in the MAXVALUE partition of the table, summed over the schemas (InnoDB estimate at the last discovery)',
    { tags: ['table'] },
  ),
  'mysql.partition_count': m(
    'mysql',
    'count',
    'Partitions of the table, most in any schema (MySQL allows 8192)',
    { tags: ['table'] },
  ),
  'mysql.partition_maintenance_failed': m(
    'mysql',
    'bool',
    'The latest partition maintenance run failed, or left tables failed',
  ),
  'mysql.partition_maintenance_missed': m(
    'mysql',
    'count',
    'Ticks of the partition maintenance schedule that fell due without a run (dead-man)',
  ),
  'mysql.replication_lag_sec': m(
    'mysql',
    'sec',
    'Seconds behind the source (Seconds_Behind_Source / _Master)',
    { tags: ['endpoint', 'channel'] },
  ),
  'mysql.replication_io_running': m('mysql', 'bool', 'Replication I/O thread running', {
    tags: ['endpoint', 'channel'],
  }),
  'mysql.replication_sql_running': m('mysql', 'bool', 'Replication SQL thread running', {
    tags: ['endpoint', 'channel'],
  }),
  'mysql.replication_delay_sec': m('mysql', 'sec', 'Configured MASTER_DELAY / SOURCE_DELAY', {
    tags: ['endpoint', 'channel'],
  }),

  'redis.ops_per_sec': m('redis', 'per_sec', 'Commands processed per second'),
  'redis.hit_ratio': m('redis', 'ratio', 'Keyspace hits / (hits + misses) over the interval'),
  'redis.used_memory_bytes': m('redis', 'bytes', 'Memory used by Redis (used_memory)'),
  'redis.maxmemory_bytes': m('redis', 'bytes', 'Configured maxmemory (only when set)'),
  'redis.memory_ratio': m('redis', 'ratio', 'used_memory / maxmemory (only when maxmemory is set)'),
  'redis.evictions_per_sec': m('redis', 'per_sec', 'Keys evicted per second'),
  'redis.connected_clients': m('redis', 'count', 'Client connections'),
  'redis.blocked_clients': m('redis', 'count', 'Clients blocked in BLPOP and the like'),
  'redis.keys': m('redis', 'count', 'Keys in a logical database', { tags: ['database'] }),
  'redis.slowlog_length': m('redis', 'count', 'Entries in the slow log'),
  'redis.replica_offset_lag_bytes': m(
    'redis',
    'bytes',
    "Bytes a replica's offset trails this master's",
    { tags: ['replica'] },
  ),
  'redis.master_link_up': m('redis', 'bool', "A replica's link to its master is up"),
  'redis.master_last_io_sec': m('redis', 'sec', 'Seconds since a replica last heard its master'),

  'mongo.connections_current': m('mongodb', 'count', 'Open client connections'),
  'mongo.connections_available': m('mongodb', 'count', 'Connections still available'),
  'mongo.opcounters': m('mongodb', 'per_sec', 'Operations per second by type', { tags: ['op'] }),
  'mongo.queue_total': m('mongodb', 'count', 'Operations queued for a lock (globalLock)'),
  'mongo.queue_readers': m('mongodb', 'count', 'Readers queued for a lock'),
  'mongo.queue_writers': m('mongodb', 'count', 'Writers queued for a lock'),
  'mongo.cache_used_bytes': m('mongodb', 'bytes', 'WiredTiger cache in use'),
  'mongo.cache_max_bytes': m('mongodb', 'bytes', 'WiredTiger cache size'),
  'mongo.cache_ratio': m('mongodb', 'ratio', 'WiredTiger cache in use / configured'),
  'mongo.replication_lag_sec': m(
    'mongodb',
    'sec',
    "Seconds a secondary's last applied op trails the primary's (replSetGetStatus)",
    { tags: ['member'] },
  ),
  'mongo.database_bytes': m('mongodb', 'bytes', 'Size on disk of a database', {
    tags: ['database'],
    slow: true,
  }),

  'influx.up': m('influxdb', 'bool', 'Answers /ping'),
  'influx.ping_ms': m('influxdb', 'ms', '/ping round trip'),
  'influx.write_errors_per_sec': m(
    'influxdb',
    'per_sec',
    'Server-side write errors, drops and time-outs per second (SHOW STATS, 1.x)',
  ),
  'influx.points_failed_per_sec': m(
    'influxdb',
    'per_sec',
    'Points refused or dropped at the HTTP layer per second (SHOW STATS, 1.x)',
  ),
  'influx.series': m('influxdb', 'count', 'Series cardinality of a database (SHOW STATS, 1.x)', {
    tags: ['database'],
  }),
  // Published by the quotas domain after each usage pass, on the catalog's connection.
  'tenant.quota_ratio': m('mysql', 'ratio', 'Quota use of a tenant: usage / limit (usage pass)', {
    tags: ['tenant', 'dimension'],
    slow: true,
  }),
} as const satisfies Record<string, MetricSpec>;

export type MetricName = keyof typeof METRICS;
export const METRIC_NAMES = Object.keys(METRICS) as MetricName[];
export const metricNameSchema = z.enum(METRIC_NAMES as [MetricName, ...MetricName[]]);
export const isMetricName = (s: string): s is MetricName => Object.hasOwn(METRICS, s);

/** Tag values come from server object names (databases, partitions, replicas). */
const tagsSchema = z.partialRecord(z.enum(METRIC_TAG_KEYS), z.string().min(1).max(256));
export type MetricTags = Partial<Record<MetricTagKey, string>>;

/** One reading of one metric of one connection. */
export const sampleSchema = z.object({
  envId: z.string(),
  connectionId: z.string(),
  kind: storeKindSchema,
  metric: metricNameSchema,
  value: z.number(),
  unit: metricUnitSchema,
  tags: tagsSchema.optional(),
  /** Epoch milliseconds of the sweep that read it. */
  at: z.int().nonnegative(),
});
export type Sample = z.infer<typeof sampleSchema>;

/** A sample without what its sweep already says (environment, connection, kind, time). */
export const pointSchema = z.object({
  metric: metricNameSchema,
  value: z.number(),
  tags: tagsSchema.optional(),
});
export type MetricPoint = z.infer<typeof pointSchema>;

/** A metric (group) a sweep could not read, and why (missing privilege, unsupported server). */
export const skippedSchema = z.object({ group: z.string(), reason: z.string() });

export const sweepInfoSchema = z.object({
  at: z.int().nonnegative(),
  durationMs: z.number().nonnegative(),
  ok: z.boolean(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  skipped: z.array(skippedSchema),
});
export type SweepInfo = z.infer<typeof sweepInfoSchema>;

/** The largest number of points one `monitoring.samples` event carries. */
export const MAX_EVENT_POINTS = 300;

export const samplesEventSchema = z.object({
  envId: z.string(),
  connectionId: z.string(),
  kind: storeKindSchema,
  at: z.int().nonnegative(),
  /** How long the sweep took. */
  durationMs: z.number().nonnegative(),
  /**
   * Set when the store could not be read (then there are no points, except a reachability point
   * such as `influx.up` 0 that says so).
   */
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  /**
   * `slow`: the sizes / partitions read that runs beside the sweeps on the slow cadence, under
   * its own time-out. Its points add to the last sweep's; it says nothing about reachability.
   * `partitions`: figures partition maintenance derives from its own discovery; they say nothing
   * about reachability nor keep a silent collector's dead-man quiet.
   */
  part: z.enum(['slow', 'partitions']).optional(),
  points: z.array(pointSchema).max(MAX_EVENT_POINTS),
  /** Points of this sweep left out of the event (still stored and charted). */
  omitted: z.int().nonnegative(),
});
export type SamplesEvent = z.infer<typeof samplesEventSchema>;

export const connectionLatestSchema = z.object({
  connectionId: z.string(),
  kind: storeKindSchema,
  intervalMs: z.int().positive(),
  sweeps: z.int().nonnegative(),
  failures: z.int().nonnegative(),
  /** Ticks skipped because the previous sweep was still running. */
  overlapsSkipped: z.int().nonnegative(),
  lastSweep: sweepInfoSchema.optional(),
  /** The last slow read (sizes, partitions), which runs beside the sweeps under its own time-out. */
  lastSlow: sweepInfoSchema.optional(),
  samples: z.array(sampleSchema),
});
export type ConnectionLatest = z.infer<typeof connectionLatestSchema>;

export const latestSchema = z.object({
  envId: z.string(),
  connections: z.array(connectionLatestSchema),
});
export type MonitoringLatest = z.infer<typeof latestSchema>;

/** Longest series a call may ask for: (to - from) / step. */
export const MAX_SERIES_POINTS = 5000;

export const seriesInputSchema = z
  .object({
    envId: slugSchema,
    connectionId: slugSchema,
    metric: metricNameSchema,
    /** Epoch ms, inclusive. */
    from: z.int().nonnegative(),
    /** Epoch ms, exclusive. */
    to: z.int().positive(),
    /** Bucket width (InfluxQL `GROUP BY time(stepSec s)`); each bucket is the mean. */
    stepSec: z.int().min(1).max(86_400),
    /** Only series with these tag values (e.g. one database). */
    tags: tagsSchema.optional(),
    /** `auto`: the memory window when the range fits in it, InfluxDB otherwise. */
    source: z.enum(['auto', 'influxdb', 'memory']).default('auto'),
  })
  .strict()
  .refine((s) => s.to > s.from, { message: '"to" must be after "from"', path: ['to'] })
  .refine((s) => (s.to - s.from) / 1000 / s.stepSec <= MAX_SERIES_POINTS, {
    message: `at most ${MAX_SERIES_POINTS} points: widen stepSec or narrow the range`,
    path: ['stepSec'],
  });
export type SeriesInput = z.infer<typeof seriesInputSchema>;

export const seriesSchema = z.object({
  metric: metricNameSchema,
  unit: metricUnitSchema,
  stepSec: z.int().positive(),
  source: z.enum(['influxdb', 'memory']),
  /** Why InfluxDB was not used when it was asked for or would have been (down, none). */
  note: z.string().optional(),
  series: z.array(
    z.object({
      tags: tagsSchema,
      /** Bucket start (epoch ms) and mean; null where the bucket had no sample. */
      points: z.array(z.tuple([z.int(), z.number().nullable()])),
    }),
  ),
});
export type SeriesResult = z.infer<typeof seriesSchema>;

export const writerStatsSchema = z.object({
  /** Samples waiting for InfluxDB (queued and in flight). */
  buffered: z.int().nonnegative(),
  /** The bound of the queue; beyond it the oldest samples are dropped. */
  capacity: z.int().positive(),
  /** Dropped because the bound was hit. */
  dropped: z.int().nonnegative(),
  /** Refused by InfluxDB as malformed (HTTP 400); never retried. */
  rejected: z.int().nonnegative(),
  written: z.int().nonnegative(),
  writes: z.int().nonnegative(),
  failedWrites: z.int().nonnegative(),
  inFlight: z.int().nonnegative(),
  /** Epoch ms since which writes have been failing; absent while healthy. */
  failingSince: z.int().optional(),
  lastWriteAt: z.int().optional(),
  lastError: z.object({ code: z.string(), message: z.string(), at: z.int() }).optional(),
});
export type WriterStats = z.infer<typeof writerStatsSchema>;

export const monitoringStatsSchema = z.object({
  envId: z.string(),
  running: z.boolean(),
  intervalMs: z.int().positive(),
  connections: z.int().nonnegative(),
  /** Where history goes; null when the environment has no InfluxDB (memory window only). */
  history: z
    .object({
      connectionId: z.string(),
      database: z.string(),
      retentionDays: z.int().nonnegative(),
      writer: writerStatsSchema,
    })
    .nullable(),
  memory: z.object({
    windowMinutes: z.number().positive(),
    series: z.int().nonnegative(),
    points: z.int().nonnegative(),
  }),
});
export type MonitoringStats = z.infer<typeof monitoringStatsSchema>;

/** Most tenants one shard's ranking lists (ranked on every tenant's complete sum). */
export const MAX_ACTIVITY_TENANTS = 50;

export const tenantActivityRowSchema = z.object({
  tenantId: z.string(),
  /** Rows in the current-month partitions of the shard's partitioned business tables. */
  rows: z.int().nonnegative(),
  /** Today's API calls (Redis counter `<prefix>api_calls:<yyyymmdd>`, UTC day); 0 when none. */
  apiCalls: z.int().nonnegative(),
  /** Rows per `database.table`. */
  byTable: z.record(z.string(), z.int().nonnegative()),
});
export type TenantActivityRow = z.infer<typeof tenantActivityRowSchema>;

/** A part of the activity read that failed or was left out (missing table, partition, Redis). */
export const activitySkipSchema = z.object({ what: z.string(), reason: z.string() });

export const tenantActivitySchema = z.object({
  envId: z.string(),
  /** Epoch ms of the read (results are cached for the slow cadence). */
  at: z.int().nonnegative(),
  /** The partition counted, e.g. p202612. */
  partition: z.string(),
  /** The API-call day counted, e.g. 20261201. */
  day: z.string(),
  shards: z.array(
    z.object({
      /** The MySQL connection holding shared business databases. */
      connectionId: z.string(),
      /** `database.table` of every partitioned table counted. */
      tables: z.array(z.string()),
      /** Most active first: by rows, then API calls; the first MAX_ACTIVITY_TENANTS. */
      ranking: z.array(tenantActivityRowSchema).max(MAX_ACTIVITY_TENANTS),
      /** Tenants with rows in the counted partitions (the ranking shows the busiest of them). */
      tenants: z.int().nonnegative(),
      /**
       * A table held more tenants than Keel reads per table (MAX_TENANTS_PER_TABLE): tenants past
       * that cut are missing there, so totals may be low and the order approximate.
       */
      partial: z.boolean(),
    }),
  ),
  /** Where API calls came from; null without a Redis connection. */
  redis: z
    .object({
      connectionId: z.string(),
      db: z.int().nonnegative(),
      keys: z.int().nonnegative(),
      /** The scan stopped at its bound: counts may be missing for some tenants. */
      truncated: z.boolean(),
    })
    .nullable(),
  skipped: z.array(activitySkipSchema),
});
export type TenantActivity = z.infer<typeof tenantActivitySchema>;
