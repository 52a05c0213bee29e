import mysql from 'mysql2/promise';
import { isKeelError } from '../../../../shared/errors';
import type { RedisStore } from '../../stores/redis.store';
import type { Catalog, UndoAction } from './catalog';
import type { StoreAccess } from './steps';

/** SCAN's MATCH pattern for a literal prefix (its glob characters escaped). */
const globPrefix = (prefix: string): string => `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;

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
          : `delete keys ${a.deleteKeysWithPrefix}* (db ${a.db})`;
      case 'influxdb':
        return `drop bucket ${a.dropDatabase}`;
      case 'catalog':
        return `remove ${a.deleteTenant} from the catalog`;
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
          await this.deleteKeys(redis, a.db, a.deleteKeysWithPrefix, signal);
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
