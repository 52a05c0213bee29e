import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { KeelError } from '../../../shared/errors';
import type { Connection, ConnectionSecret, StoreKind } from '../../../shared/models/environment';
import { DisposableOwner, intervalTimer } from '../lib/disposables';
import { InfluxStore } from './influx.store';
import { MongoStore } from './mongo.store';
import { MysqlStore } from './mysql.store';
import { RedisStore } from './redis.store';
import type { StoreClient, StoreClientInit } from './types';

export type Resolver = (envId: string, connectionId: string) => Promise<StoreClientInit>;

interface KindMap {
  mysql: MysqlStore;
  mongodb: MongoStore;
  redis: RedisStore;
  influxdb: InfluxStore;
}

export function createStoreClient(init: StoreClientInit): StoreClient {
  switch (init.connection.kind) {
    case 'mysql':
      return new MysqlStore(init);
    case 'mongodb':
      return new MongoStore(init);
    case 'redis':
      return new RedisStore(init);
    case 'influxdb':
      return new InfluxStore(init);
  }
}

interface Entry {
  envId: string;
  client: StoreClient;
  fingerprint: string;
}

/**
 * One pooled client per connection, created on first use and reused. A changed connection or
 * secret replaces its client; clients unused for longer than their idle time-out are closed;
 * everything is closed on dispose.
 */
export class ClientRegistry extends DisposableOwner {
  private readonly entries = new Map<string, Entry>();
  private readonly creating = new Map<string, Promise<Entry>>();

  constructor(
    private readonly resolve: Resolver,
    private readonly logger: Logger,
    sweepEveryMs = 30_000,
  ) {
    super();
    // The idle sweeper: closes clients nobody used for twice their idle time-out.
    this._register(intervalTimer(sweepEveryMs, () => void this.closeIdle()));
  }

  async get(envId: string, connectionId: string): Promise<StoreClient> {
    const key = `${envId}/${connectionId}`;
    const init = await this.resolve(envId, connectionId);
    const fingerprint = fingerprintOf(init.connection, init.secret);
    const existing = this.entries.get(key);
    if (existing?.fingerprint === fingerprint) return existing.client;
    if (existing) await this.drop(key);
    let pending = this.creating.get(key);
    if (!pending) {
      pending = Promise.resolve({ envId, client: createStoreClient(init), fingerprint });
      this.creating.set(key, pending);
    }
    try {
      const entry = await pending;
      this.entries.set(key, entry);
      return entry.client;
    } finally {
      this.creating.delete(key);
    }
  }

  /** The client of a connection of a known kind. */
  async of<K extends StoreKind>(kind: K, envId: string, connectionId: string): Promise<KindMap[K]> {
    const client = await this.get(envId, connectionId);
    if (client.kind !== kind) {
      throw new KeelError(
        'VALIDATION',
        `connection ${connectionId} is ${client.kind}, not ${kind}`,
      );
    }
    return client as unknown as KindMap[K];
  }

  /** Open clients, for statistics. */
  open(): Array<{ envId: string; client: StoreClient }> {
    return [...this.entries.values()].map((e) => ({ envId: e.envId, client: e.client }));
  }

  /** Close the client(s) of a connection or a whole environment (after an edit or removal). */
  async invalidate(envId: string, connectionId?: string): Promise<void> {
    const prefix = connectionId === undefined ? `${envId}/` : `${envId}/${connectionId}`;
    await Promise.all(
      [...this.entries.keys()]
        .filter((k) => (connectionId === undefined ? k.startsWith(prefix) : k === prefix))
        .map((k) => this.drop(k)),
    );
  }

  /** The sweeper stops, then every client closes. */
  override async dispose(): Promise<void> {
    await super.dispose();
    await Promise.all([...this.entries.keys()].map((k) => this.drop(k)));
  }

  private async closeIdle(): Promise<void> {
    const now = Date.now();
    for (const [key, e] of this.entries) {
      if (now - e.client.lastUsed > e.client.connection.pool.idleTimeoutMs * 2) {
        this.logger.debug({ key }, 'closing idle store client');
        await this.drop(key);
      }
    }
  }

  private async drop(key: string): Promise<void> {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    await e.client.close().catch((err: unknown) => this.logger.warn({ err, key }, 'close failed'));
  }
}

/** A hash, so a secret never sits in a comparison string. */
function fingerprintOf(c: Connection, s: ConnectionSecret | undefined): string {
  return createHash('sha256')
    .update(JSON.stringify([c, s ?? null]))
    .digest('hex');
}
