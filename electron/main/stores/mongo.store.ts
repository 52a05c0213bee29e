import { MongoClient, type Db, type Document, type MongoClientOptions } from 'mongodb';
import type { PoolStats } from '../../../shared/models/health';
import {
  addressOf,
  type CallOptions,
  type EndpointName,
  type ProbeFacts,
  type StoreClient,
} from './types';
import { BaseStore, type GuardedCall } from './base-store';

interface Counters {
  total: number;
  inUse: number;
  waiting: number;
}

/**
 * MongoDB through the official driver: one MongoClient per endpoint with the connection's
 * maxPoolSize / minPoolSize. Statistics come from the driver's connection-pool (CMAP) events.
 */
export class MongoStore extends BaseStore implements StoreClient {
  readonly kind = 'mongodb' as const;
  private readonly clients = new Map<EndpointName, MongoClient>();
  private readonly counters = new Map<EndpointName, Counters>();

  /** Run a database command. */
  command(dbName: string, cmd: Document, opts: CallOptions = {}): Promise<Document> {
    return this.run('primary', opts, (client, timeoutMS) =>
      client.db(dbName).command(cmd, { timeoutMS }),
    );
  }

  /** Work with a database handle under the guard (time-out, breaker, error mapping). */
  withDb<R>(
    dbName: string,
    fn: (db: Db, timeoutMS: number) => Promise<R>,
    opts: CallOptions = {},
  ): Promise<R> {
    return this.run('primary', opts, (client, timeoutMS) => fn(client.db(dbName), timeoutMS));
  }

  async probe(endpoint: EndpointName, opts: CallOptions = {}): Promise<ProbeFacts> {
    const timeoutMs = this.probeTimeout(opts);
    return this.run(endpoint, { ...opts, timeoutMs, probe: true }, async (client, timeoutMS) => {
      const admin = client.db('admin');
      const t0 = performance.now();
      await admin.command({ ping: 1 }, { timeoutMS });
      const latencyMs = performance.now() - t0;
      const [hello, build, status] = await Promise.all([
        admin.command({ hello: 1 }, { timeoutMS }),
        admin.command({ buildInfo: 1 }, { timeoutMS }),
        admin.command({ serverStatus: 1, repl: 0, metrics: 0, locks: 0 }, { timeoutMS }),
      ]);
      const inSet = typeof hello.setName === 'string';
      const role = !inSet
        ? 'standalone'
        : hello.isWritablePrimary
          ? 'primary'
          : hello.secondary
            ? 'replica'
            : 'unknown';
      const facts: ProbeFacts = {
        latencyMs,
        version: String(build.version ?? ''),
        uptimeSec: Number(status.uptime ?? 0),
        serverRole: role,
      };
      if (role === 'replica') facts.replicationLagSec = await replicaLag(client, timeoutMS);
      return facts;
    });
  }

  stats(): PoolStats {
    let inUse = 0;
    let idle = 0;
    let waiting = 0;
    for (const c of this.counters.values()) {
      inUse += c.inUse;
      idle += Math.max(0, c.total - c.inUse);
      waiting += c.waiting;
    }
    return { inUse, idle, waiting, created: this.created, errors: this.errors };
  }

  async close(): Promise<void> {
    const clients = [...this.clients.values()];
    this.clients.clear();
    this.counters.clear();
    await Promise.allSettled(clients.map((c) => c.close(true)));
  }

  private client(name: EndpointName): MongoClient {
    let client = this.clients.get(name);
    if (client) return client;
    const c = this.connection;
    const ep = this.endpoint(name);
    const options: MongoClientOptions = {
      maxPoolSize: name === 'replica' ? Math.min(2, c.pool.max) : c.pool.max,
      minPoolSize: name === 'replica' ? 0 : c.pool.min,
      maxIdleTimeMS: c.pool.idleTimeoutMs,
      connectTimeoutMS: c.timeouts.connectMs,
      serverSelectionTimeoutMS: c.timeouts.connectMs,
      // Talk to exactly this member: the primary and the replica are probed one by one.
      directConnection: true,
      appName: 'keel',
      ...(c.user && {
        auth: { username: c.user, password: this.secret?.password ?? '' },
        authSource: c.database ?? 'admin',
      }),
      ...(c.tls.enabled && {
        tls: true,
        tlsAllowInvalidCertificates: !c.tls.verify,
        tlsAllowInvalidHostnames: !c.tls.verify,
        ...(c.tls.ca && { ca: c.tls.ca }),
        ...(c.tls.cert && { cert: c.tls.cert }),
        ...(this.secret?.tlsKey && { key: this.secret.tlsKey }),
      }),
    };
    client = new MongoClient(`mongodb://${addressOf(ep)}/`, options);
    const n: Counters = { total: 0, inUse: 0, waiting: 0 };
    this.counters.set(name, n);
    client.on('connectionCreated', () => void (this.created++, n.total++));
    client.on('connectionClosed', () => void (n.total = Math.max(0, n.total - 1)));
    client.on('connectionCheckOutStarted', () => void n.waiting++);
    client.on('connectionCheckOutFailed', () => void (n.waiting = Math.max(0, n.waiting - 1)));
    client.on(
      'connectionCheckedOut',
      () => void ((n.waiting = Math.max(0, n.waiting - 1)), n.inUse++),
    );
    client.on('connectionCheckedIn', () => void (n.inUse = Math.max(0, n.inUse - 1)));
    this.clients.set(name, client);
    return client;
  }

  private run<R>(
    endpoint: EndpointName,
    opts: GuardedCall,
    fn: (client: MongoClient, timeoutMS: number) => Promise<R>,
  ): Promise<R> {
    const timeoutMs = opts.timeoutMs ?? this.connection.timeouts.operationMs;
    return this.call(endpoint, { ...opts, timeoutMs }, () => fn(this.client(endpoint), timeoutMs));
  }
}

/** Seconds this member's last applied op trails the primary's, from replSetGetStatus. */
async function replicaLag(client: MongoClient, timeoutMS: number): Promise<number | null> {
  const st = await client.db('admin').command({ replSetGetStatus: 1 }, { timeoutMS });
  const members = (st.members ?? []) as Array<{
    stateStr?: string;
    self?: boolean;
    optimeDate?: Date;
  }>;
  const primary = members.find((m) => m.stateStr === 'PRIMARY');
  const self = members.find((m) => m.self);
  if (!primary?.optimeDate || !self?.optimeDate) return null;
  return Math.max(0, (primary.optimeDate.getTime() - self.optimeDate.getTime()) / 1000);
}
