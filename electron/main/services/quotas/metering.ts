import { fillTemplate } from '../../../../shared/blueprint';
import type { Measure, PassInfo, TenantUsage } from '../../../../shared/quotas';
import type { TenantSummary } from '../../../../shared/tenants';
import type { Targets } from '../tenants/placement';
import type { StoreAccess } from '../tenants/names';
import { meterInflux } from './meter-influx';
import { meterMongo } from './meter-mongo';
import {
  DEFAULT_MYSQL_METER,
  meterMysql,
  mysqlShards,
  type MysqlMeterSettings,
} from './meter-mysql';
import { DEFAULT_REDIS_METER, meterRedis, type RedisMeterSettings } from './meter-redis';
import { add, exact, merge, UNKNOWN, type MeterResult, type Tally } from './tally';

export interface MeterSettings {
  mysql: MysqlMeterSettings;
  redis: RedisMeterSettings;
}

export const DEFAULT_METER_SETTINGS: MeterSettings = {
  mysql: DEFAULT_MYSQL_METER,
  redis: DEFAULT_REDIS_METER,
};

const MB = 1024 * 1024;

/** Tenants a pass measures: every one that still has data. */
export const meteredTenants = (all: TenantSummary[]): TenantSummary[] =>
  all.filter((t) => t.status !== 'purged' && t.status !== 'provisioning');

/** UTC calendar parts of a pass: the month its counters sum over. */
export function calendarOf(at: Date): {
  monthStart: string;
  month: string;
  today: string;
  day: string;
} {
  const day = at.toISOString().slice(0, 10);
  return {
    monthStart: `${day.slice(0, 8)}01`,
    month: day.slice(0, 7).replace('-', ''),
    today: day.replaceAll('-', ''),
    day,
  };
}

/**
 * One metering pass over every store of an environment, all stores at once, each in a number
 * of round trips that does not grow with the tenants (Mongo aside: see meter-mongo.ts).
 */
export async function meterPass(
  t: Targets,
  stores: StoreAccess,
  tenants: TenantSummary[],
  at: Date,
  settings: MeterSettings,
  signal: AbortSignal,
): Promise<{ usage: TenantUsage[]; info: PassInfo; tallies: Map<string, Tally> }> {
  const t0 = performance.now();
  const cal = calendarOf(at);
  const ids = tenants.map((x) => x.id);
  const b = t.blueprint;
  const jobs: Array<Promise<MeterResult>> = [];
  const mysqlStores = new Map(
    await Promise.all(
      [
        ...new Set([
          t.catalog.id,
          ...[...t.business.values()].map((c) => c.id),
          ...tenants.map((x) => x.placement.connectionId),
        ]),
      ]
        .filter((id) => t.env.connections.some((c) => c.id === id))
        .map(async (id) => [id, await stores.mysql(id)] as const),
    ),
  );
  for (const shard of mysqlShards(t, tenants, (id) => mysqlStores.get(id) as never)) {
    if (!shard.store) continue;
    jobs.push(meterMysql(shard, cal.monthStart, settings.mysql, signal));
  }
  if (t.redis) {
    jobs.push(
      meterRedis(
        {
          connectionId: t.redis.id,
          store: await stores.redis(t.redis.id),
          db: b.redis.businessDb,
          keyPrefix: b.redis.keyPrefix,
          tenantIds: ids,
          month: cal.month,
          today: cal.today,
        },
        settings.redis,
        signal,
      ),
    );
  }
  if (t.influx) {
    jobs.push(
      meterInflux(
        {
          connectionId: t.influx.id,
          store: await stores.influx(t.influx.id),
          buckets: new Map(ids.map((id) => [id, fillTemplate(b.influx.tenantBucket, id)])),
        },
        signal,
      ),
    );
  }
  if (t.mongoBusiness) {
    const collections = new Map<string, string>();
    for (const id of ids) {
      const prefix = fillTemplate(b.mongo.business.collectionPrefix, id);
      for (const c of b.mongo.business.tenantCollections) collections.set(prefix + c.name, id);
    }
    jobs.push(
      meterMongo(
        {
          connectionId: t.mongoBusiness.id,
          store: await stores.mongo(t.mongoBusiness.id),
          database: b.mongo.business.database,
          collections,
          tenantIds: ids,
        },
        signal,
      ),
    );
  }
  const merged = merge(await Promise.all(jobs));
  const usage = ids.map((id) => usageOf(id, merged.tallies.get(id) ?? {}, Boolean(t.redis)));
  const info: PassInfo = {
    at: at.toISOString(),
    durationMs: Math.round(performance.now() - t0),
    tenants: ids.length,
    costs: merged.costs,
    partial: merged.costs.some((c) => c.error !== undefined),
  };
  return { usage, info, tallies: merged.tallies };
}

const or0 = (m: Measure | undefined): Measure => m ?? exact(0);

/** One tenant's usage from its tally. A store not configured holds nothing of it (exact 0). */
export function usageOf(tenantId: string, x: Tally, hasRedis: boolean): TenantUsage {
  const storage = {
    mysql: or0(x.mysqlBytes),
    mongo: or0(x.mongoBytes),
    redis: or0(x.redisBytes),
    influx: or0(x.influxBytes),
  };
  const bytes = [storage.mysql, storage.mongo, storage.redis, storage.influx].reduce<
    Measure | undefined
  >((a, m) => add(a, m), undefined) as Measure;
  const apiCalls = hasRedis ? (x.apiCalls ?? UNKNOWN) : (x.platformApiCalls ?? UNKNOWN);
  return {
    tenantId,
    apiCalls,
    aiTokens: x.aiTokens ?? UNKNOWN,
    storageMb: { ...bytes, value: bytes.value / MB, error: bytes.error / MB },
    users: x.users ?? UNKNOWN,
    services: x.services ?? UNKNOWN,
    storage,
    redisKeys: or0(x.redisKeys),
    influxSeries: or0(x.influxSeries),
    influxPoints: or0(x.influxPoints),
    mongoDocuments: or0(x.mongoDocuments),
    mysqlRows: or0(x.mysqlRows),
  };
}
