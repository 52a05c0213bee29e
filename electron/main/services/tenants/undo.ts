import mysql from 'mysql2/promise';
import { setTimeout as delay } from 'node:timers/promises';
import { isKeelError, type ErrorCode } from '../../../../shared/errors';
import type { RedisCommand, RedisStore } from '../../stores/redis.store';
import type { Catalog, UndoAction } from './catalog';
import type { StoreAccess } from './names';

/** Errors that say the store is away for now, not that the undo is wrong. */
const TRANSIENT = new Set<ErrorCode>(['CONN_REFUSED', 'TIMEOUT', 'UNAVAILABLE']);

/** SCAN's MATCH pattern for a literal prefix (its glob characters escaped). */
const globPrefix = (prefix: string): string => `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;

/**
 * The logical databases of a Redis server: CONFIG GET databases, or where CONFIG is refused (a
 * managed Redis) SELECT tried up to the first index out of range. A cluster has only database 0.
 */
export async function databases(redis: RedisStore, signal?: AbortSignal): Promise<number[]> {
  if (redis.connection.redis?.mode === 'cluster') return [0];
  const count = await redis
    .command(['CONFIG', 'GET', 'databases'], { ...(signal && { signal }) })
    .then((r) => Number((r as string[])[1]))
    .catch(() => undefined);
  if (count && Number.isInteger(count) && count > 0)
    return Array.from({ length: count }, (_, i) => i);
  const own = Number(redis.connection.database ?? 0);
  const probe = Array.from({ length: 256 }, (_, i): RedisCommand => ['SELECT', i]);
  const out = await redis.pipeline([...probe, ['SELECT', own]], { ...(signal && { signal }) });
  const first = out.findIndex(([e]) => e !== null);
  if (first === 0) throw out[0]?.[0] as Error; // SELECT itself refused: purging would be a guess
  return Array.from({ length: first < 0 || first >= 256 ? 256 : first }, (_, i) => i);
}

/**
 * Undo one object provisioning created. Every action is idempotent: undoing what is already gone
 * succeeds, so a rollback that stopped half-way can simply be run again.
 */
export class Undoer {
  constructor(
    private readonly stores: StoreAccess,
    private readonly catalog: Catalog,
  ) {}

  static describe(a: UndoAction): string {
    switch (a.store) {
      case 'mysql':
        return `drop database ${a.dropDatabase}`;
      case 'mongodb':
        return `drop collection ${a.database}.${a.dropCollection}`;
      case 'redis':
        return 'deleteAclUser' in a
          ? `delete ACL user ${a.deleteAclUser}`
          : `delete keys ${a.deleteKeysWithPrefix}* (${a.db === 'all' ? 'every database' : `db ${a.db}`})`;
      case 'influxdb':
        return `drop bucket ${a.dropDatabase}`;
      case 'catalog':
        return `remove ${a.deleteTenant} from the catalog`;
    }
  }

  /**
   * Undo one object, waiting out a store that is briefly away (a cut connection, its breaker
   * open, a time-out) until `deadline` (epoch ms): a blip in the middle of a rollback must not
   * strand a half-made tenant. Past the deadline, or on any other error, it throws, and the
   * caller leaves the tenant in the interrupted list.
   */
  async runPatiently(a: UndoAction, deadline: number): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.run(a, AbortSignal.timeout(60_000));
        return;
      } catch (e) {
        if (!isKeelError(e) || !TRANSIENT.has(e.code)) throw e;
        const retryIn = Number(e.details?.retryInMs ?? 0);
        const wait = Math.min(5_000, Math.max(retryIn, 100 * 2 ** attempt));
        if (Date.now() + wait > deadline) throw e;
        await delay(wait);
      }
    }
  }

  async run(a: UndoAction, signal: AbortSignal): Promise<void> {
    switch (a.store) {
      case 'mysql': {
        const my = await this.stores.mysql(a.connectionId);
        await my.query(`DROP DATABASE IF EXISTS ${mysql.escapeId(a.dropDatabase)}`, [], {
          signal,
          timeoutMs: 120_000,
        });
        return;
      }
      case 'mongodb': {
        const mongo = await this.stores.mongo(a.connectionId);
        try {
          await mongo.command(a.database, { drop: a.dropCollection }, { signal });
        } catch (e) {
          if (!(isKeelError(e) && e.details?.codeName === 'NamespaceNotFound')) throw e;
        }
        return;
      }
      case 'redis': {
        const redis = await this.stores.redis(a.connectionId);
        if ('deleteAclUser' in a) {
          await redis.command(['ACL', 'DELUSER', a.deleteAclUser], { signal });
          await redis
            .command(['CLIENT', 'KILL', 'USER', a.deleteAclUser], { signal })
            .catch(() => undefined);
        } else {
          const dbs = a.db === 'all' ? await databases(redis, signal) : [a.db];
          for (const db of dbs) await this.deleteKeys(redis, db, a.deleteKeysWithPrefix, signal);
        }
        return;
      }
      case 'influxdb': {
        const influx = await this.stores.influx(a.connectionId);
        await influx.dropDatabase(a.dropDatabase, { signal });
        return;
      }
      case 'catalog':
        await this.catalog.deleteTenant(a.deleteTenant);
        return;
    }
  }

  /** Keys under a prefix in a logical database (SCAN, never KEYS). */
  async countKeys(redis: RedisStore, db: number, prefix: string, max = 1_000_000): Promise<number> {
    let cursor = '0';
    let n = 0;
    do {
      const [r] = await redis.pipelineIn(db, [
        ['SCAN', cursor, 'MATCH', globPrefix(prefix), 'COUNT', 1000],
      ]);
      if (r?.[0]) throw r[0];
      const [next, keys] = r?.[1] as [string, string[]];
      cursor = next;
      n += keys.length;
    } while (cursor !== '0' && n < max);
    return n;
  }

  private async deleteKeys(
    redis: RedisStore,
    db: number,
    prefix: string,
    signal: AbortSignal,
  ): Promise<void> {
    let cursor = '0';
    do {
      signal.throwIfAborted();
      const [r] = await redis.pipelineIn(
        db,
        [['SCAN', cursor, 'MATCH', globPrefix(prefix), 'COUNT', 1000]],
        { signal },
      );
      if (r?.[0]) throw r[0];
      const [next, keys] = r?.[1] as [string, string[]];
      cursor = next;
      if (keys.length > 0) {
        const [d] = await redis.pipelineIn(db, [['UNLINK', ...keys]], { signal });
        if (d?.[0]) throw d[0];
      }
    } while (cursor !== '0');
  }
}
