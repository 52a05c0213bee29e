import { mapStoreError } from '../../../stores/errors';
import { parseInfo, type RedisStore } from '../../../stores/redis.store';
import { addressOf } from '../../../stores/types';
import { num } from '../counters';
import { Points, type CollectContext } from './types';

/**
 * Redis: `INFO` and `SLOWLOG LEN` in one pipelined round trip. Rates come from
 * total_commands_processed, keyspace_hits / misses and evicted_keys between sweeps. In Cluster
 * mode the commands reach one node, so the numbers are that node's.
 */
export async function collectRedis(
  store: RedisStore,
  ctx: CollectContext,
): Promise<Points['list']> {
  const p = new Points();
  const [info, slowlog] = await store.pipeline([['INFO'], ['SLOWLOG', 'LEN']], ctx.call);
  if (!info || info[0]) {
    // A pipeline returns per-command errors in place, unmapped: map INFO's as a call would be.
    const where = { kind: 'redis' as const, address: addressOf(store.connection) };
    throw mapStoreError(info?.[0] ?? new Error('INFO returned nothing'), where);
  }
  const t = Date.now();
  const i = parseInfo(String(info[1]));

  const d = ctx.counters.next('redis.stats', t, {
    commands: num(i.total_commands_processed),
    hits: num(i.keyspace_hits),
    misses: num(i.keyspace_misses),
    evicted: num(i.evicted_keys),
  });
  p.add('redis.ops_per_sec', d.rate('commands'));
  p.add('redis.hit_ratio', d.hitRatio('hits', 'misses'));
  p.add('redis.evictions_per_sec', d.rate('evicted'));

  const used = num(i.used_memory);
  const max = num(i.maxmemory);
  p.add('redis.used_memory_bytes', used);
  if (max > 0) {
    p.add('redis.maxmemory_bytes', max);
    p.add('redis.memory_ratio', used / max);
  }
  p.add('redis.connected_clients', num(i.connected_clients));
  p.add('redis.blocked_clients', num(i.blocked_clients));

  for (const [key, value] of Object.entries(i)) {
    const db = /^db(\d+)$/.exec(key)?.[1];
    if (db === undefined) continue;
    p.add('redis.keys', num(/(?:^|,)keys=(\d+)/.exec(value)?.[1]), { database: db });
  }

  if (!slowlog || slowlog[0]) {
    ctx.skip('slowlog', slowlog?.[0]?.message ?? 'SLOWLOG LEN returned nothing');
  } else {
    p.add('redis.slowlog_length', num(slowlog[1]));
  }

  if (i.role === 'master') {
    const offset = num(i.master_repl_offset);
    for (const [key, value] of Object.entries(i)) {
      if (!/^slave\d+$/.test(key)) continue;
      const f = Object.fromEntries(value.split(',').map((kv) => kv.split('=') as [string, string]));
      const replica = f.ip && f.port ? `${f.ip}:${f.port}` : key;
      p.add('redis.replica_offset_lag_bytes', Math.max(0, offset - num(f.offset)), { replica });
    }
  } else if (i.role === 'slave' || i.role === 'replica') {
    p.add('redis.master_link_up', i.master_link_status === 'up' ? 1 : 0);
    const lastIo = num(i.master_last_io_seconds_ago);
    if (lastIo >= 0) p.add('redis.master_last_io_sec', lastIo);
  }
  return p.list;
}
