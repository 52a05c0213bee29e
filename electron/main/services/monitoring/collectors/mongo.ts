import type { Document } from 'mongodb';
import { isKeelError } from '../../../../../shared/errors';
import type { MongoStore } from '../../../stores/mongo.store';
import { num } from '../counters';
import { Points, tagValue, type CollectContext } from './types';

const OPS = ['insert', 'query', 'update', 'delete', 'getmore', 'command'] as const;

/** MongoDB's "not running with --replSet" (NoReplicationEnabled). */
const NO_REPLICATION = 76;

const denied = (e: unknown): boolean => isKeelError(e) && e.code === 'PERMISSION_DENIED';

/**
 * MongoDB: `serverStatus` (without its large metrics and locks sections) every sweep,
 * `replSetGetStatus` when the server is a replica-set member, `listDatabases` on the slow
 * cadence. Commands the user may not run are skipped with their reason.
 */
export async function collectMongo(
  store: MongoStore,
  ctx: CollectContext,
): Promise<Points['list']> {
  const p = new Points();
  if (ctx.fast === false) {
    if (ctx.slow) await databases(store, ctx, p);
    return p.list;
  }
  const st = await store.command('admin', { serverStatus: 1, metrics: 0, locks: 0 }, ctx.call);
  const t = Date.now();

  const conns = (st.connections ?? {}) as Document;
  p.add('mongo.connections_current', num(conns.current));
  p.add('mongo.connections_available', num(conns.available));

  const counters = (st.opcounters ?? {}) as Document;
  const d = ctx.counters.next(
    'mongo.opcounters',
    t,
    Object.fromEntries(OPS.map((op) => [op, num(counters[op])])),
  );
  for (const op of OPS) p.add('mongo.opcounters', d.rate(op), { op });

  const queue = ((st.globalLock as Document | undefined)?.currentQueue ?? {}) as Document;
  if (queue.total !== undefined) p.add('mongo.queue_total', num(queue.total));
  if (queue.readers !== undefined) p.add('mongo.queue_readers', num(queue.readers));
  if (queue.writers !== undefined) p.add('mongo.queue_writers', num(queue.writers));

  const cache = ((st.wiredTiger as Document | undefined)?.cache ?? {}) as Document;
  const used = num(cache['bytes currently in the cache']);
  const max = num(cache['maximum bytes configured']);
  p.add('mongo.cache_used_bytes', used);
  p.add('mongo.cache_max_bytes', max);
  if (max > 0) p.add('mongo.cache_ratio', used / max);

  if (st.repl) await replication(store, ctx, p);
  if (ctx.slow) await databases(store, ctx, p);
  return p.list;
}

/** Lag of each secondary behind the primary, from their last applied op times. */
async function replication(store: MongoStore, ctx: CollectContext, p: Points): Promise<void> {
  let rs: Document;
  try {
    rs = await store.command('admin', { replSetGetStatus: 1 }, ctx.call);
  } catch (e) {
    if (denied(e)) return ctx.skip('replication', (e as Error).message);
    if (isKeelError(e) && e.details?.driverCode === NO_REPLICATION) return;
    throw e;
  }
  const members = (rs.members ?? []) as Array<{
    name?: string;
    stateStr?: string;
    optimeDate?: Date;
  }>;
  const primary = members.find((m) => m.stateStr === 'PRIMARY')?.optimeDate;
  if (!(primary instanceof Date)) return;
  for (const m of members) {
    if (m.stateStr !== 'SECONDARY' || !(m.optimeDate instanceof Date)) continue;
    const member = tagValue(m.name);
    if (!member) continue;
    const lag = Math.max(0, (primary.getTime() - m.optimeDate.getTime()) / 1000);
    p.add('mongo.replication_lag_sec', lag, { member });
  }
}

async function databases(store: MongoStore, ctx: CollectContext, p: Points): Promise<void> {
  let list: Document;
  try {
    list = await store.command('admin', { listDatabases: 1 }, ctx.call);
  } catch (e) {
    if (denied(e)) return ctx.skip('database sizes', (e as Error).message);
    throw e;
  }
  for (const db of (list.databases ?? []) as Array<{ name?: string; sizeOnDisk?: unknown }>) {
    const database = tagValue(db.name);
    if (database) p.add('mongo.database_bytes', num(db.sizeOnDisk), { database });
  }
}
