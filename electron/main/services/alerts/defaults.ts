import { alertRuleSchema, type AlertRule, type AlertRuleInput } from '../../../../shared/alerts';
import type { StoreKind } from '../../../../shared/models/environment';

/**
 * A synthetic metric the evaluator derives from each sweep: 1 when a connection's last sweep
 * succeeded, 0 when it failed (store unreachable, time-out, refused login). Not in METRICS
 * because no collector reads it; it has no history, so previews of it say so.
 */
export const STORE_UP_METRIC = 'store.up';

const waits = (what: string): string =>
  `Disabled: waits for a metric Keel does not collect yet (${what}). Enable it once that metric exists.`;

const KIND_NAMES: Record<StoreKind, string> = {
  mysql: 'MySQL',
  redis: 'Redis',
  mongodb: 'MongoDB',
  influxdb: 'InfluxDB',
};

/** The seeds' default rules, materialized per environment on first use (then the user's to edit). */
export function defaultRules(envId: string): AlertRule[] {
  const rules: Array<Omit<AlertRuleInput, 'envId'>> = [
    {
      id: 'store-down',
      name: 'Store down',
      metric: STORE_UP_METRIC,
      op: '<',
      threshold: 1,
      forSec: 0,
      minStateSec: 30,
      severity: 'critical',
      description:
        'The last sweep of a connection failed: the store is unreachable or refuses Keel.',
    },
    {
      id: 'db-connections',
      name: 'DB connections above 80 %',
      metric: 'mysql.connections_ratio',
      threshold: 0.8,
      clearThreshold: 0.7,
      severity: 'warning',
    },
    {
      id: 'db-pool-exhausted',
      name: 'DB connections exhausted',
      metric: 'mysql.connections_ratio',
      op: '>=',
      threshold: 0.98,
      clearThreshold: 0.9,
      forSec: 0,
      severity: 'critical',
      description: 'Threads_connected has reached max_connections: new clients are refused.',
    },
    {
      id: 'replication-lag',
      name: 'Replication lag above 30 s',
      metric: 'mysql.replication_lag_sec',
      threshold: 30,
      clearThreshold: 10,
      severity: 'warning',
    },
    {
      id: 'slow-queries',
      name: 'Slow queries above 5/s',
      metric: 'mysql.slow_queries',
      threshold: 5,
      clearThreshold: 2,
      forSec: 120,
      severity: 'warning',
    },
    {
      id: 'redis-memory',
      name: 'Redis memory above 90 % of maxmemory',
      metric: 'redis.memory_ratio',
      threshold: 0.9,
      clearThreshold: 0.85,
      severity: 'warning',
    },
    // Partition maintenance (issue 11): runway from its discovery, per connection and table.
    {
      id: 'partition-runway-warning',
      name: 'Partition runway below 30 days',
      metric: 'mysql.partition_runway_days',
      op: '<',
      threshold: 30,
      forSec: 0,
      severity: 'warning',
      description:
        'A partitioned table ends within 30 days in some schema: inserts after its last bounded partition fail (1526) or pile into MAXVALUE. Run partition maintenance.',
    },
    {
      id: 'partition-runway-critical',
      name: 'Partition runway below 7 days',
      metric: 'mysql.partition_runway_days',
      op: '<',
      threshold: 7,
      forSec: 0,
      severity: 'critical',
    },
    {
      id: 'partition-premake-short',
      name: 'Partitions missing ahead for a day',
      metric: 'mysql.partition_intervals_missing',
      threshold: 0,
      // A new month opens a gap until the daily run fills it: a day of it means the run did not.
      forSec: 86_400,
      severity: 'warning',
      description: 'The runway is shorter than the premake policy asks, and has been for a day.',
    },
    {
      id: 'partition-maxvalue-rows',
      name: 'Rows in a MAXVALUE partition',
      metric: 'mysql.partition_maxvalue_rows',
      threshold: 0,
      forSec: 0,
      severity: 'warning',
      description:
        'Rows landed past the last bounded partition: maintenance refuses to split it silently (a split copies them under a lock). See the plan for its cost.',
    },
    {
      id: 'partition-maintenance-failed',
      name: 'Partition maintenance failed',
      metric: 'mysql.partition_maintenance_failed',
      threshold: 0,
      forSec: 0,
      severity: 'warning',
    },
    {
      id: 'partition-maintenance-missed',
      name: 'Partition maintenance not run on schedule',
      metric: 'mysql.partition_maintenance_missed',
      threshold: 0,
      forSec: 0,
      severity: 'warning',
      description: 'Two or more ticks of the maintenance schedule fell due without a run.',
    },
    {
      id: 'query-timeouts',
      name: 'Query time-outs',
      metric: 'mysql.query_timeouts',
      threshold: 0,
      severity: 'warning',
      enabled: false,
      description: waits(
        'statement time-outs per second (max_statement_time / MAX_EXECUTION_TIME)',
      ),
    },
    {
      id: 'storage-low',
      name: 'Storage low',
      metric: 'host.disk_free_ratio',
      op: '<',
      threshold: 0.1,
      clearThreshold: 0.15,
      severity: 'critical',
      enabled: false,
      description: waits('free disk space of a store host; database sizes alone cannot tell it'),
    },
    // Quota use comes from the usage pass (services/quotas) every 15 minutes: a value holds
    // until the next pass, so neither `for` nor a minimum state time would add anything.
    {
      id: 'tenant-quota-warning',
      name: 'Tenant quota use above 80 %',
      metric: 'tenant.quota_ratio',
      op: '>=',
      threshold: 0.8,
      clearThreshold: 0.75,
      forSec: 0,
      minStateSec: 0,
      severity: 'warning',
      description: 'A tenant uses 80 % of a plan limit (or its override) in one dimension.',
    },
    {
      id: 'tenant-quota',
      name: 'Tenant quota use above 90 %',
      metric: 'tenant.quota_ratio',
      op: '>=',
      threshold: 0.9,
      clearThreshold: 0.85,
      forSec: 0,
      minStateSec: 0,
      severity: 'critical',
      description:
        'A tenant uses 90 % of a plan limit (seed 002); above 100 % Keel sets its enforcement flag.',
    },
    {
      id: 'backup-failed',
      name: 'Backup failed',
      metric: 'backup.failed',
      threshold: 0,
      forSec: 0,
      severity: 'critical',
      enabled: false,
      description: waits('backup results; backups are not built yet'),
    },
    {
      id: 'api-error-rate',
      name: 'API error rate above 5 %',
      metric: 'api.error_ratio',
      threshold: 0.05,
      severity: 'critical',
      enabled: false,
      description: waits("the platform API's error ratio"),
    },
    {
      id: 'api-response-time',
      name: 'API response time above 3 s',
      metric: 'api.response_time_sec',
      threshold: 3,
      severity: 'warning',
      enabled: false,
      description: waits("the platform API's response time"),
    },
    ...(Object.keys(KIND_NAMES) as StoreKind[]).map((kind): Omit<AlertRuleInput, 'envId'> => ({
      id: `deadman-${kind}`,
      name: `${KIND_NAMES[kind]} collector silent`,
      type: 'deadman',
      scope: { connectionIds: [], kind },
      missedIntervals: 3,
      forSec: 0,
      minStateSec: 30,
      severity: 'critical',
      description: `No ${KIND_NAMES[kind]} sample for 3 collection intervals.`,
    })),
  ];
  return rules.map((r) => alertRuleSchema.parse({ ...r, envId }));
}
