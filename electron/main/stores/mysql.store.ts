import mysql, {
  type Pool,
  type PoolConnection,
  type PoolOptions,
  type RowDataPacket,
} from 'mysql2/promise';
import type { PoolStats } from '../../../shared/models/health';
import { type Cancellation } from './guard';
import { type CallOptions, type EndpointName, type ProbeFacts, type StoreClient } from './types';
import { BaseStore, type GuardedCall } from './base-store';

/** Positional `?` values; identifiers never go here (escape them with `mysql.escapeId`). */
type Params = unknown[];

/** Internals of mysql2's callback pool, read for statistics only (guarded: may change). */
interface PoolInternals {
  _allConnections?: { length: number };
  _freeConnections?: { length: number };
  _connectionQueue?: { length: number };
}

/**
 * MySQL / MariaDB through a mysql2 pool. Every query runs on a checked-out connection so a
 * cancel or time-out can stop it: the statement is killed server-side (KILL QUERY) and the
 * connection destroyed, which also frees its pool slot.
 */
export class MysqlStore extends BaseStore implements StoreClient {
  readonly kind = 'mysql' as const;
  private readonly pools = new Map<EndpointName, Pool>();

  /** Run a statement; identifiers must be escaped by the caller with `mysql.escapeId`. */
  async query<T extends RowDataPacket[]>(
    sql: string,
    params: Params = [],
    opts: CallOptions = {},
  ): Promise<T> {
    return this.run(
      'primary',
      opts,
      async (conn) => (await conn.query<T>(sql, params as never))[0],
    );
  }

  /**
   * Borrow one connection for several statements (a transaction, session variables); on the
   * read replica with `endpoint: 'replica'` (monitoring reads replication state there).
   */
  withConnection<R>(
    fn: (conn: PoolConnection) => Promise<R>,
    opts: CallOptions & { endpoint?: EndpointName } = {},
  ): Promise<R> {
    const { endpoint = 'primary', ...call } = opts;
    return this.run(endpoint, call, fn);
  }

  async probe(endpoint: EndpointName, opts: CallOptions = {}): Promise<ProbeFacts> {
    const timeoutMs = this.probeTimeout(opts);
    return this.run(endpoint, { ...opts, timeoutMs, probe: true }, async (conn) => {
      const t0 = performance.now();
      await conn.query('SELECT 1');
      const latencyMs = performance.now() - t0;
      const [[info]] = await conn.query<RowDataPacket[]>(
        'SELECT VERSION() AS version, @@log_bin AS logBin, @@read_only AS readOnly',
      );
      const [uptime] = await conn.query<RowDataPacket[]>("SHOW GLOBAL STATUS LIKE 'Uptime'");
      const repl = await replicaStatus(conn);
      return {
        latencyMs,
        version: String(info?.version ?? ''),
        uptimeSec: Number(uptime[0]?.Value ?? 0),
        serverRole:
          repl === 'unknown'
            ? 'unknown'
            : repl
              ? 'replica'
              : Number(info?.logBin) === 1
                ? 'primary'
                : 'standalone',
        ...(repl && repl !== 'unknown' && { replicationLagSec: repl.lagSec }),
      };
    });
  }

  stats(): PoolStats {
    let inUse = 0;
    let idle = 0;
    let waiting = 0;
    for (const pool of this.pools.values()) {
      const core = (pool as unknown as { pool: PoolInternals }).pool;
      const all = core._allConnections?.length ?? 0;
      const free = core._freeConnections?.length ?? 0;
      inUse += all - free;
      idle += free;
      waiting += core._connectionQueue?.length ?? 0;
    }
    return { inUse, idle, waiting, created: this.created, errors: this.errors };
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.allSettled(pools.map((p) => p.end()));
  }

  private pool(name: EndpointName): Pool {
    let pool = this.pools.get(name);
    if (pool) return pool;
    const c = this.connection;
    const ep = this.endpoint(name);
    const options: PoolOptions = {
      host: ep.host,
      port: ep.port,
      user: c.user ?? 'root',
      password: this.secret?.password ?? '',
      database: c.database,
      connectionLimit: name === 'replica' ? Math.min(2, c.pool.max) : c.pool.max,
      maxIdle: Math.max(c.pool.min, 1),
      idleTimeout: c.pool.idleTimeoutMs,
      connectTimeout: c.timeouts.connectMs,
      enableKeepAlive: true,
      // mysql2 captures a stack trace per query for its errors; Keel maps every driver error to a
      // KeelError with its own stack at this boundary, so that capture is pure cost (≈8 % CPU).
      trace: false,
      supportBigNumbers: true,
      bigNumberStrings: true,
      dateStrings: true,
      charset: 'utf8mb4',
      // performance_schema.session_connect_attrs then says which Keel process holds a connection.
      connectAttributes: { program_name: 'keel', _pid: String(process.pid) },
      ...(c.tls.enabled && {
        ssl: {
          rejectUnauthorized: c.tls.verify,
          ...(c.tls.ca && { ca: c.tls.ca }),
          ...(c.tls.cert && { cert: c.tls.cert }),
          ...(this.secret?.tlsKey && { key: this.secret.tlsKey }),
        },
      }),
    };
    pool = mysql.createPool(options);
    pool.on('connection', () => void this.created++);
    this.pools.set(name, pool);
    return pool;
  }

  private async onConnection<R>(
    endpoint: EndpointName,
    c: Cancellation,
    fn: (conn: PoolConnection) => Promise<R>,
  ): Promise<R> {
    const pool = this.pool(endpoint);
    const conn = await pool.getConnection();
    if (c.cancelled) {
      conn.release();
      throw c.reason;
    }
    let destroyed = false;
    const off = c.onCancel(() => {
      destroyed = true;
      void this.killQuery(pool, conn.threadId);
      conn.destroy();
    });
    try {
      return await fn(conn);
    } finally {
      off();
      if (!destroyed) conn.release();
    }
  }

  /** Stop the statement on the server too; destroying the socket alone leaves it running. */
  private async killQuery(pool: Pool, threadId: number | null): Promise<void> {
    if (threadId === null) return;
    try {
      const killer = await pool.getConnection();
      try {
        await killer.query({ sql: 'KILL QUERY ?', values: [threadId], timeout: 2000 });
      } finally {
        killer.release();
      }
    } catch {
      // The server may be gone (that may be why we are aborting); nothing more to do.
    }
  }

  private run<R>(
    endpoint: EndpointName,
    opts: GuardedCall,
    fn: (conn: PoolConnection) => Promise<R>,
  ): Promise<R> {
    return this.call(endpoint, opts, (c) => this.onConnection(endpoint, c, fn));
  }
}

interface ReplicaStatus {
  lagSec: number | null;
}

/** `SHOW REPLICA STATUS` (MySQL 8.0.22+, MariaDB 10.5.1+), else `SHOW SLAVE STATUS`. */
async function replicaStatus(conn: PoolConnection): Promise<ReplicaStatus | 'unknown' | undefined> {
  let rows: RowDataPacket[];
  try {
    [rows] = await conn.query<RowDataPacket[]>('SHOW REPLICA STATUS');
  } catch (e) {
    const code = (e as { code?: string }).code;
    // Without REPLICATION CLIENT the role stays unknown rather than failing the probe.
    if (code !== 'ER_PARSE_ERROR') return 'unknown';
    [rows] = await conn.query<RowDataPacket[]>('SHOW SLAVE STATUS');
  }
  const row = rows[0];
  if (!row) return undefined;
  const lag = row.Seconds_Behind_Source ?? row.Seconds_Behind_Master;
  return { lagSec: lag === null || lag === undefined ? null : Number(lag) };
}
