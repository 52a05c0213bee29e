import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { Connection, ConnectionSecret } from '../../../../shared/models/environment';
import type { Disposable } from '../../lib/disposables';

/**
 * A new ioredis connection for BullMQ from a Keel connection: the same host, auth, TLS and
 * topology as the store adapter, with BullMQ's requirements (no per-request retry limit, so a
 * worker's blocking commands survive reconnects).
 */
export function bullmqConnection(
  c: Connection,
  secret: ConnectionSecret | undefined,
): Redis | Cluster {
  const base: RedisOptions = {
    username: c.user,
    password: secret?.password,
    db: c.database === undefined ? 0 : Number(c.database),
    connectTimeout: c.timeouts.connectMs,
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    connectionName: 'keel-jobs',
    retryStrategy: (times) =>
      Math.min(5000, 100 * 2 ** Math.min(times, 6)) * (0.5 + Math.random() / 2),
    ...(c.tls.enabled && {
      tls: {
        rejectUnauthorized: c.tls.verify,
        ...(c.tls.ca && { ca: c.tls.ca }),
        ...(c.tls.cert && { cert: c.tls.cert }),
        ...(secret?.tlsKey && { key: secret.tlsKey }),
        ...(c.tls.servername && { servername: c.tls.servername }),
      },
    }),
  };
  const topo = c.redis ?? { mode: 'standalone' as const };
  let conn: Redis | Cluster;
  if (topo.mode === 'cluster') conn = new Cluster(topo.nodes, { redisOptions: base });
  else if (topo.mode === 'sentinel')
    conn = new Redis({ ...base, sentinels: topo.sentinels, name: topo.masterName });
  else conn = new Redis({ ...base, host: c.host, port: c.port });
  // Errors surface through BullMQ's own handling and reconnects; do not crash on them.
  conn.on('error', () => undefined);
  return conn;
}

/**
 * Calls `fn` each time `conn` is ready again after it lost its server (never on the first
 * connect): a Redis that restarted may be back without its data, job schedulers included.
 */
export function onReconnect(conn: Redis | Cluster, fn: () => void): Disposable {
  let dropped = false;
  const close = (): void => {
    dropped = true;
  };
  const ready = (): void => {
    if (!dropped) return;
    dropped = false;
    fn();
  };
  conn.on('close', close);
  conn.on('ready', ready);
  return {
    dispose: () => {
      conn.off('close', close);
      conn.off('ready', ready);
    },
  };
}
