import { Redis, Cluster, type RedisOptions } from 'ioredis';
import { KeelError } from '../../../shared/errors';
import type { PoolStats } from '../../../shared/models/health';
import { NOT_WRITABLE, mapStoreError } from './errors';
import { backoffDelay } from './guard';
import {
  addressOf,
  type CallOptions,
  type EndpointName,
  type ProbeFacts,
  type StoreClient,
} from './types';
import { BaseStore, type GuardedCall } from './base-store';

export type RedisCommand = [name: string, ...args: Array<string | number | Buffer>];

/** Reconnect back-off cap: short, so a store that returns is seen within a probe interval or two. */
const MAX_RECONNECT_MS = 5000;
/** How long close() waits for QUIT before dropping the socket. */
const QUIT_WAIT_MS = 1000;

/**
 * Redis through ioredis: standalone, Sentinel or Cluster. One multiplexed connection per endpoint
 * (Redis pipelines on one socket), so "pool" statistics are its in-flight and queued commands.
 * The offline queue is off: while Redis is down a command fails at once instead of piling up.
 */
export class RedisStore extends BaseStore implements StoreClient {
  readonly kind = 'redis' as const;
  private readonly clients = new Map<EndpointName, Redis | Cluster>();
  private readonly connecting = new Map<EndpointName, Promise<void>>();
  /** The last connection-level error, reported while ioredis reconnects in the background. */
  private lastError: Error | undefined;
  /**
   * Why the connection is down, as the failure that took it down: a hung server (it accepts
   * connections and answers nothing) gives its reconnects no error of their own, and must stay a
   * TIMEOUT, not become "nothing answered". Cleared when the connection is ready again.
   */
  private outage: KeelError | undefined;

  /** One command. */
  command(cmd: RedisCommand, opts: CallOptions = {}): Promise<unknown> {
    return this.run(opts, async (client) => client.call(cmd[0], ...cmd.slice(1)));
  }

  /** Many commands in one round trip; per-command errors are returned in place, not thrown. */
  pipeline(cmds: RedisCommand[], opts: CallOptions = {}): Promise<Array<[Error | null, unknown]>> {
    return this.run(opts, async (client) => {
      const p = client.pipeline();
      for (const [name, ...args] of cmds) void p.call(name, ...args);
      return (await p.exec()) ?? [];
    });
  }

  /**
   * A pipeline in another logical database: `SELECT db … SELECT <own db>` written as one batch,
   * so no other caller's command runs in between. Cluster mode has only database 0.
   */
  async pipelineIn(
    db: number,
    cmds: RedisCommand[],
    opts: CallOptions = {},
  ): Promise<Array<[Error | null, unknown]>> {
    const own = this.connection.database === undefined ? 0 : Number(this.connection.database);
    if (db === own) return this.pipeline(cmds, opts);
    if (this.connection.redis?.mode === 'cluster') {
      throw new KeelError('UNSUPPORTED', `Redis Cluster has only database 0, not ${db}`);
    }
    const out = await this.pipeline([['SELECT', db], ...cmds, ['SELECT', own]], opts);
    const restored = out.at(-1);
    if (restored?.[0]) throw restored[0];
    return out.slice(1, -1);
  }

  /** The underlying client, for streaming APIs (SCAN streams). Calls must still honour signals. */
  async client(): Promise<Redis | Cluster> {
    return this.ensure('primary');
  }

  async probe(endpoint: EndpointName, opts: CallOptions = {}): Promise<ProbeFacts> {
    if (endpoint === 'replica')
      throw new Error('Redis replicas are probed as their own connection');
    const timeoutMs = this.probeTimeout(opts);
    return this.run({ ...opts, timeoutMs, probe: true }, async (client) => {
      const t0 = performance.now();
      await client.ping();
      const latencyMs = performance.now() - t0;
      const node = client instanceof Cluster ? client.nodes('master')[0] : client;
      const [server, repl] = await Promise.all([node?.info('server'), node?.info('replication')]);
      const s = parseInfo(server ?? '');
      const r = parseInfo(repl ?? '');
      const isReplica = r.role === 'slave' || r.role === 'replica';
      return {
        latencyMs,
        version: s.redis_version,
        uptimeSec: Number(s.uptime_in_seconds ?? 0),
        serverRole: isReplica
          ? 'replica'
          : Number(r.connected_slaves ?? 0) > 0
            ? 'primary'
            : 'standalone',
        ...(isReplica && {
          replicationLagSec:
            r.master_link_status === 'up' ? Number(r.master_last_io_seconds_ago ?? 0) : null,
        }),
      };
    });
  }

  stats(): PoolStats {
    let inUse = 0;
    let waiting = 0;
    let idle = 0;
    for (const c of this.clients.values()) {
      const internals = c as unknown as {
        commandQueue?: { length: number };
        offlineQueue?: { length: number };
      };
      const inflight = internals.commandQueue?.length ?? 0;
      inUse += inflight;
      waiting += internals.offlineQueue?.length ?? 0;
      if (c.status === 'ready' && inflight === 0) idle++;
    }
    return { inUse, idle, waiting, created: this.created, errors: this.errors };
  }

  async close(): Promise<void> {
    const clients = [...this.clients.values()];
    this.clients.clear();
    // QUIT waits for an answer a hung server never gives: bounded, then the socket is dropped.
    await Promise.allSettled(
      clients.map((c) => {
        if (c.status !== 'ready') return c.disconnect();
        let timer: ReturnType<typeof setTimeout> | undefined;
        const late = new Promise<void>((resolve) => {
          timer = setTimeout(() => {
            c.disconnect();
            resolve();
          }, QUIT_WAIT_MS);
        });
        return Promise.race([c.quit().catch(() => c.disconnect()), late]).finally(() =>
          clearTimeout(timer),
        );
      }),
    );
  }

  private options(): RedisOptions {
    const c = this.connection;
    return {
      username: c.user,
      password: this.secret?.password,
      db: c.database === undefined ? 0 : Number(c.database),
      connectTimeout: c.timeouts.connectMs,
      // No per-command timer (it costs one per command in a pipeline): guarded() bounds each call.
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: (times) => backoffDelay(times, 200, MAX_RECONNECT_MS),
      connectionName: 'keel',
      // Fallback wait for a socket that does not close by itself; the 2 s default holds up shutdown.
      disconnectTimeout: 300,
      ...(c.tls.enabled && {
        tls: {
          rejectUnauthorized: c.tls.verify,
          ...(c.tls.ca && { ca: c.tls.ca }),
          ...(c.tls.cert && { cert: c.tls.cert }),
          ...(this.secret?.tlsKey && { key: this.secret.tlsKey }),
          ...(c.tls.servername && { servername: c.tls.servername }),
        },
      }),
    };
  }

  private create(): Redis | Cluster {
    const c = this.connection;
    const topo = c.redis ?? { mode: 'standalone' as const };
    const base = this.options();
    if (topo.mode === 'cluster') {
      return new Cluster(topo.nodes, {
        redisOptions: base,
        lazyConnect: true,
        enableOfflineQueue: false,
        clusterRetryStrategy: (times) => backoffDelay(times, 200, MAX_RECONNECT_MS),
      });
    }
    if (topo.mode === 'sentinel') {
      return new Redis({ ...base, sentinels: topo.sentinels, name: topo.masterName });
    }
    return new Redis({ ...base, host: c.host, port: c.port });
  }

  private async ensure(endpoint: EndpointName): Promise<Redis | Cluster> {
    let client = this.clients.get(endpoint);
    if (!client) {
      client = this.create();
      client.on('connect', () => void this.created++);
      client.on('ready', () => {
        this.lastError = undefined;
        this.outage = undefined;
      });
      // Errors surface through the calls; keeping the last one lets a call fail with its real cause.
      client.on('error', (e: Error) => {
        this.lastError = e;
        this.outage = undefined;
      });
      this.clients.set(endpoint, client);
    }
    const pending = this.connecting.get(endpoint);
    if (pending && (client.status === 'connecting' || client.status === 'connect')) {
      // Callers arriving while the first one connects wait for the same attempt.
      await pending;
    } else if (client.status === 'wait' || client.status === 'end') {
      // connect() rejects with a generic "Connection is closed"; the error event has the cause.
      const attempt = client
        .connect()
        .catch((e: unknown) => {
          throw this.lastError ?? e;
        })
        .finally(() => this.connecting.delete(endpoint));
      this.connecting.set(endpoint, attempt);
      await attempt;
    } else if (client.status === 'connect' || client.status === 'connecting') {
      // ioredis's own reconnect is under way: wait for it (the call's time-out bounds the wait,
      // and a time-out drops the socket, so a handshake a hung server swallowed is retried).
      await this.settled(client);
    } else if (client.status !== 'ready') {
      throw this.downError();
    }
    return client;
  }

  private run<R>(opts: GuardedCall, fn: (client: Redis | Cluster) => Promise<R>): Promise<R> {
    return this.call('primary', opts, async () => fn(await this.ensure('primary')));
  }

  /** Resolves when a connecting client is ready; rejects with why it is down if it closes. */
  private settled(client: Redis | Cluster): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const done = (e?: Error): void => {
        client.off('ready', ready);
        client.off('close', closed);
        client.off('end', closed);
        if (e) reject(e);
        else resolve();
      };
      const ready = (): void => done();
      const closed = (): void => done(this.downError());
      client.on('ready', ready);
      client.on('close', closed);
      client.on('end', closed);
    });
  }

  /** Why a call cannot go out now: what took the connection down, in Keel's words. */
  private downError(): KeelError {
    if (this.outage) {
      const { code, details } = this.outage;
      const address = addressOf(this.connection);
      const words =
        code === 'TIMEOUT'
          ? `${address} did not answer in time and is not answering yet (reconnecting)`
          : `${address} is not connected (reconnecting)`;
      return new KeelError(code, words, { ...details, reconnecting: true });
    }
    if (this.lastError) return mapStoreError(this.lastError, this.errorContext());
    return new KeelError(
      'CONN_REFUSED',
      `${addressOf(this.connection)} is not connected (reconnecting)`,
    );
  }

  protected override failed(e: KeelError): KeelError {
    // ioredis refused the command because its connection is down: say why it is down.
    if (NOT_WRITABLE.test(String(e.details?.driverMessage ?? ''))) {
      return this.outage || this.lastError ? this.downError() : e;
    }
    if (e.code !== 'TIMEOUT' && e.code !== 'CANCELLED') return e;
    // Refused while ioredis reconnects on its own back-off: no socket of this call to drop.
    if (e.details?.reconnecting === true) return e;
    if (e.code === 'TIMEOUT') this.outage = e;
    // A timed-out or abandoned command may still be answered later, and ioredis would pair that
    // answer with the next command: start a fresh connection instead of trusting this one.
    this.clients.get('primary')?.disconnect(true);
    // While ioredis retried (a Sentinel that does not know the master…), it saw why.
    const why = this.lastError && mapStoreError(this.lastError, this.errorContext());
    // ioredis's own "not writeable" is no reason: it only says that the socket was down.
    const said = why ? String(why.details?.driverMessage ?? why.message) : '';
    if (e.code === 'TIMEOUT' && why && said && !NOT_WRITABLE.test(said)) {
      return new KeelError('TIMEOUT', `${e.message}; last error: ${said}`, {
        ...e.details,
        lastCode: why.code,
      });
    }
    return e;
  }
}

/** `INFO` text → key/value pairs. */
export function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) out[line.slice(0, i)] = line.slice(i + 1).trim();
  }
  return out;
}
