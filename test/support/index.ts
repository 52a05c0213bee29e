/**
 * Real-server test harness: private MariaDB / Redis / InfluxDB instances on 127.0.0.1, a TCP
 * fault proxy, and helpers. Everything started here is stopped by stopAll() and, as a last
 * resort, killed when the test process exits or dies.
 */
export { freePort, sleep, waitFor } from './ports';
export type { WaitForOptions } from './ports';
export {
  startMariaDb,
  startMariaDbPair,
  REPLICATION_USER,
  REPLICATION_PASSWORD,
} from './servers/mariadb';
export type { MariaDbHandle, MariaDbOptions, Row } from './servers/mariadb';
export { startRedis, redisPing } from './servers/redis';
export type { RedisHandle, RedisOptions } from './servers/redis';
export { startInfluxDb } from './servers/influxdb';
export type { InfluxDbHandle, InfluxDbOptions, InfluxQueryResponse } from './servers/influxdb';
export { stopAll } from './servers/registry';
export { ServerStartError } from './servers/process';
export { startFaultProxy } from './fault-proxy';
export type { FaultProxy, FaultProxyOptions } from './fault-proxy';
