import mysql, { type Connection as RawConnection, type RowDataPacket } from 'mysql2';
import type { Connection as PromiseConnection } from 'mysql2/promise';
import { mapStoreError } from '../../stores/errors';
import { addressOf, type StoreClientInit } from '../../stores/types';

/**
 * A dedicated connection for a backup worker. Not from the connection's pool: a worker holds
 * one transaction for the whole dump and streams for minutes, which the pool's per-call time-out
 * and size are not made for.
 */
export interface Worker {
  raw: RawConnection;
  q: PromiseConnection;
  /** The error that closed the connection, once it is closed. */
  readonly fatal: unknown;
  /** Map a driver error of this connection to a KeelError (redacted, with the driver code). */
  error(e: unknown): Error;
  close(): Promise<void>;
  destroy(): void;
}

export async function openWorker(init: StoreClientInit): Promise<Worker> {
  const c = init.connection;
  const raw = mysql.createConnection({
    host: c.host,
    port: c.port,
    user: c.user ?? 'root',
    password: init.secret?.password ?? '',
    connectTimeout: c.timeouts.connectMs,
    // A dead peer on a quiet connection is found by TCP keep-alive, not by waiting forever.
    enableKeepAlive: true,
    keepAliveInitialDelay: 30_000,
    trace: false,
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: true,
    charset: 'utf8mb4',
    ...(c.tls.enabled && {
      ssl: {
        rejectUnauthorized: c.tls.verify,
        ...(c.tls.ca && { ca: c.tls.ca }),
        ...(c.tls.cert && { cert: c.tls.cert }),
        ...(init.secret?.tlsKey && { key: init.secret.tlsKey }),
      },
    }),
  });
  const ctx = {
    kind: 'mysql' as const,
    address: addressOf(c),
    secrets: [init.secret?.password],
    tls: c.tls.enabled,
  };
  // An error with no query to take it (server gone between chunks) is kept for the next chunk,
  // and never becomes an unhandled 'error' event.
  let fatal: unknown;
  raw.on('error', (e: unknown) => void (fatal ??= e));
  const q = raw.promise();
  const error = (e: unknown): Error => mapStoreError(e, ctx);
  try {
    await q.connect();
    // Text values exactly as a restore will load them: UTC timestamps, long reads allowed.
    await q.query("SET SESSION time_zone = '+00:00', SESSION net_write_timeout = 3600");
  } catch (e) {
    raw.destroy();
    throw error(e);
  }
  return {
    raw,
    q,
    get fatal() {
      return fatal;
    },
    error,
    close: () => q.end().catch(() => raw.destroy()),
    destroy: () => raw.destroy(),
  };
}

export type Flavor = 'mariadb' | 'mysql';

export interface ServerFacts {
  version: string;
  flavor: Flavor;
  /** [major, minor, patch] of the version. */
  numeric: [number, number, number];
  logBin: boolean;
}

export async function serverFacts(w: Worker): Promise<ServerFacts> {
  const [rows] = await w.q.query<RowDataPacket[]>(
    'SELECT VERSION() AS version, @@log_bin AS logBin',
  );
  const version = String(rows[0]?.version ?? '');
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  return {
    version,
    flavor: /mariadb/i.test(version) ? 'mariadb' : 'mysql',
    numeric: m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0],
    logBin: Number(rows[0]?.logBin) === 1,
  };
}

export const q = mysql.escapeId;
