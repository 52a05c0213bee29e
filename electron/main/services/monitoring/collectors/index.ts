import type { Connection } from '../../../../../shared/models/environment';
import type { MetricPoint } from '../../../../../shared/monitoring';
import type { ClientRegistry } from '../../../stores/registry';
import { collectInflux } from './influx';
import { collectMongo } from './mongo';
import { collectMysql } from './mysql';
import { collectRedis } from './redis';
import type { CollectContext } from './types';

export { collectInflux, collectMongo, collectMysql, collectRedis };
export type { CollectContext } from './types';

/** Read one connection's metrics with the collector of its kind, through the shared registry. */
export async function collect(
  registry: ClientRegistry,
  envId: string,
  connection: Connection,
  ctx: CollectContext,
): Promise<MetricPoint[]> {
  switch (connection.kind) {
    case 'mysql':
      return collectMysql(await registry.of('mysql', envId, connection.id), ctx);
    case 'redis':
      return collectRedis(await registry.of('redis', envId, connection.id), ctx);
    case 'mongodb':
      return collectMongo(await registry.of('mongodb', envId, connection.id), ctx);
    case 'influxdb':
      return collectInflux(await registry.of('influxdb', envId, connection.id), ctx);
  }
}
