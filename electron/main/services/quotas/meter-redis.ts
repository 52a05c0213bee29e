import { fillTemplate } from '../../../../shared/blueprint';
import type { RedisCommand, RedisStore } from '../../stores/redis.store';
import { cost, estimate, exact, messageOf, put, UNKNOWN, type MeterResult } from './tally';

export interface RedisMeterSettings {
  /** COUNT hint of each SCAN round. */
  scanCount: number;
  /** Keys a pass reads at most: past this the counts are extrapolated and say so. */
  maxScanKeys: number;
  /** Keys per tenant whose MEMORY USAGE is read; a tenant with more is estimated from them. */
  memorySamples: number;
  /** Commands per pipeline. */
  batch: number;
}

export const DEFAULT_REDIS_METER: RedisMeterSettings = {
  scanCount: 1000,
  maxScanKeys: 5_000_000,
  memorySamples: 8,
  batch: 2000,
};

export interface RedisTarget {
  connectionId: string;
  store: RedisStore;
  db: number;
  /** The blueprint's key prefix template, e.g. `t:{tenant}:`. */
  keyPrefix: string;
  tenantIds: string[];
  /** `YYYYMM` of this month: the platform's counters are `<prefix>api_calls:YYYYMMDD`. */
  month: string;
  /** `YYYYMMDD` of today. */
  today: string;
}

interface Seen {
  keys: number;
  samples: string[];
  counters: string[];
}

/** Tenant of a key, from the text around `{tenant}` in the prefix template. */
export function tenantOfKey(template: string): (key: string) => string | undefined {
  const at = template.indexOf('{tenant}');
  const before = template.slice(0, at);
  const after = template.slice(at + '{tenant}'.length);
  return (key) => {
    if (!key.startsWith(before)) return undefined;
    const end = after ? key.indexOf(after, before.length) : key.length;
    return end > before.length ? key.slice(before.length, end) : undefined;
  };
}

/**
 * Keys, memory and this month's API-call counters of every tenant in one budgeted SCAN of the
 * business database (no MATCH: the cursor then tells what share of the keyspace was read).
 * Memory is MEMORY USAGE of up to `memorySamples` keys per tenant — exact for a tenant with
 * no more keys than that, else their mean × keys with a 95 % bound from their spread. Counters
 * are read with MGET. Everything in pipelines: a few hundred round trips for 10,000 tenants.
 */
export async function meterRedis(
  r: RedisTarget,
  settings: RedisMeterSettings,
  signal: AbortSignal,
): Promise<MeterResult> {
  const t0 = performance.now();
  const tallies: MeterResult['tallies'] = new Map();
  const known = new Set(r.tenantIds);
  const tenantOf = tenantOfKey(r.keyPrefix);
  const seen = new Map<string, Seen>();
  let queries = 0;
  const opts = { signal, timeoutMs: 60_000 };
  const run = async (cmds: RedisCommand[]): Promise<unknown[]> => {
    const out: unknown[] = [];
    for (let i = 0; i < cmds.length; i += settings.batch) {
      signal.throwIfAborted();
      const res = await r.store.pipelineIn(r.db, cmds.slice(i, i + settings.batch), opts);
      queries++;
      for (const [err, v] of res) out.push(err ? null : v);
    }
    return out;
  };
  try {
    let cursor = '0';
    let scanned = 0;
    do {
      signal.throwIfAborted();
      const [res] = await r.store.pipelineIn(
        r.db,
        [['SCAN', cursor, 'COUNT', settings.scanCount]],
        opts,
      );
      queries++;
      if (res?.[0]) throw res[0];
      const [next, keys] = res?.[1] as [string, string[]];
      cursor = next;
      scanned += keys.length;
      for (const key of keys) {
        const id = tenantOf(key);
        if (!id || !known.has(id)) continue;
        let s = seen.get(id);
        if (!s) seen.set(id, (s = { keys: 0, samples: [], counters: [] }));
        s.keys++;
        if (s.samples.length < settings.memorySamples) s.samples.push(key);
        const counter = `${fillTemplate(r.keyPrefix, id)}api_calls:${r.month}`;
        if (key.startsWith(counter) && key.length === counter.length + 2) s.counters.push(key);
      }
    } while (cursor !== '0' && scanned < settings.maxScanKeys);
    const complete = cursor === '0';
    let scale = 1;
    let unseen = 0;
    if (!complete) {
      const [size] = await r.store.pipelineIn(r.db, [['DBSIZE']], opts);
      queries++;
      const total = Number(size?.[1] ?? scanned);
      scale = scanned > 0 ? total / scanned : 1;
      unseen = Math.max(0, total - scanned);
    }
    const entries = [...seen.entries()];
    const samples = entries.flatMap(([, s]) => s.samples);
    const mem = await run(samples.map((k): RedisCommand => ['MEMORY', 'USAGE', k]));
    const counterKeys = entries.flatMap(([, s]) => s.counters);
    const values: unknown[] = [];
    for (let i = 0; i < counterKeys.length; i += 1000) {
      const got = await run([['MGET', ...counterKeys.slice(i, i + 1000)]]);
      values.push(...((got[0] as unknown[] | null) ?? []));
    }
    let mi = 0;
    let ci = 0;
    for (const [id, s] of entries) {
      const m = mem.slice(mi, mi + s.samples.length).map((v) => Number(v ?? 0));
      mi += s.samples.length;
      const calls = values
        .slice(ci, ci + s.counters.length)
        .reduce<number>((a, v) => a + (Number(v) || 0), 0);
      const todayAt = s.counters.findIndex((k) => k.endsWith(`api_calls:${r.today}`));
      const today = todayAt < 0 ? 0 : Number(values[ci + todayAt]) || 0;
      put(tallies, id, 'apiCallsToday', exact(today));
      ci += s.counters.length;
      const keys = complete
        ? exact(s.keys)
        : estimate(s.keys * scale, Math.max(s.keys * scale - s.keys, unseen));
      put(tallies, id, 'redisKeys', keys);
      const sum = m.reduce((a, v) => a + v, 0);
      if (complete && m.length === s.keys) {
        put(tallies, id, 'redisBytes', exact(sum));
      } else {
        const mean = m.length ? sum / m.length : 0;
        const sd = Math.sqrt(
          m.reduce((a, v) => a + (v - mean) ** 2, 0) / Math.max(1, m.length - 1),
        );
        const n = keys.value;
        const fpc = Math.sqrt(Math.max(0, 1 - m.length / Math.max(n, 1)));
        put(
          tallies,
          id,
          'redisBytes',
          estimate(
            mean * n,
            (1.96 * sd * n * fpc) / Math.sqrt(Math.max(1, m.length)) + mean * keys.error,
          ),
        );
      }
      put(tallies, id, 'apiCalls', complete ? exact(calls) : estimate(calls, calls * (scale - 1)));
    }
    for (const id of r.tenantIds) {
      if (seen.has(id)) continue;
      const none = complete ? exact(0) : estimate(0, unseen);
      put(tallies, id, 'redisKeys', none);
      put(tallies, id, 'redisBytes', none.method === 'exact' ? exact(0) : estimate(0, 0));
      put(tallies, id, 'apiCalls', none);
    }
    const method = complete
      ? `SCAN of db ${r.db} (${scanned} keys), MEMORY USAGE of ≤ ${settings.memorySamples} keys per tenant`
      : `SCAN budget of ${settings.maxScanKeys} keys reached: counts extrapolated over the rest of db ${r.db}`;
    return { tallies, costs: [cost('redis', r.connectionId, queries, t0, method)] };
  } catch (e) {
    signal.throwIfAborted();
    for (const id of r.tenantIds) {
      for (const f of ['redisKeys', 'redisBytes', 'apiCalls'] as const)
        put(tallies, id, f, UNKNOWN);
    }
    return {
      tallies,
      costs: [cost('redis', r.connectionId, queries, t0, 'SCAN', messageOf(e))],
    };
  }
}
