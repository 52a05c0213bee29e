import type { Footprint, TenantSummary } from '../../../../shared/tenants';
import { message, type Ctx } from './context';
import { namesOf } from './names';
import { Platform } from './platform';
import { Undoer } from './undo';

/** What a tenant has in every store now (a store that does not answer is listed in `errors`). */
export async function footprint(c: Ctx, t: TenantSummary): Promise<Footprint> {
  const errors: Footprint['errors'] = [];
  const n = namesOf(c.targets, t.id);
  const out: Footprint = { errors };
  const guard = async (store: string, fn: () => Promise<void>): Promise<void> => {
    try {
      await fn();
    } catch (e) {
      errors.push({ store, message: message(e) });
    }
  };
  await Promise.all([
    guard('mysql', async () => {
      const platform = new Platform(c.targets, c.stores, c.catalog);
      const tables = await platform.rowCounts(t);
      out.mysql = {
        connectionId: t.placement.connectionId,
        database: t.placement.database ?? '(shared databases)',
        tables,
      };
    }),
    c.targets.mongoBusiness &&
      guard('mongodb', async () => {
        const conn = c.targets.mongoBusiness;
        if (!conn) return;
        const mongo = await c.stores.mongo(conn.id);
        const db = c.targets.blueprint.mongo.business.database;
        const names = c.targets.blueprint.mongo.business.tenantCollections.map(
          (x) => `${n.collectionPrefix}${x.name}`,
        );
        const listed = await mongo.command(db, {
          listCollections: 1,
          nameOnly: true,
          filter: { name: { $in: names } },
        });
        const present = ((listed.cursor?.firstBatch ?? []) as Array<{ name: string }>)
          .map((x) => x.name)
          .sort();
        const collections = await Promise.all(
          present.map(async (name) => {
            const [count, idx] = await Promise.all([
              mongo.command(db, { count: name }),
              mongo.command(db, { listIndexes: name }),
            ]);
            return {
              name,
              documents: Number(count.n ?? 0),
              indexes: (idx.cursor?.firstBatch ?? []).length as number,
            };
          }),
        );
        out.mongo = { connectionId: conn.id, database: db, collections };
      }),
    c.targets.redis &&
      guard('redis', async () => {
        const conn = c.targets.redis;
        if (!conn) return;
        const redis = await c.stores.redis(conn.id);
        const db = c.targets.blueprint.redis.businessDb;
        const keys = await new Undoer(c.stores, c.catalog).countKeys(redis, db, n.keyPrefix);
        const acl = (await redis.command(['ACL', 'GETUSER', n.aclUser])) as unknown[] | null;
        let enabled: boolean | null = null;
        if (Array.isArray(acl)) {
          const i = acl.indexOf('flags');
          const flags = (i >= 0 ? acl[i + 1] : []) as string[];
          enabled = flags.includes('on');
        }
        out.redis = {
          connectionId: conn.id,
          db,
          prefix: n.keyPrefix,
          keys,
          aclUser: n.aclUser,
          aclEnabled: enabled,
        };
      }),
    c.targets.influx &&
      guard('influxdb', async () => {
        const conn = c.targets.influx;
        if (!conn) return;
        const influx = await c.stores.influx(conn.id);
        out.influx = {
          connectionId: conn.id,
          bucket: n.bucket,
          exists: await influx.databaseExists(n.bucket),
        };
      }),
  ]);
  return out;
}
