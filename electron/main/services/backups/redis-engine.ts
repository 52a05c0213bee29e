import { setTimeout as sleep } from 'node:timers/promises';
import type { Cluster, Redis } from 'ioredis';
import type { BackupRun, RedisManifest } from '../../../../shared/backups';
import { KeelError } from '../../../../shared/errors';
import { mapStoreError } from '../../stores/errors';
import { RedisStore, parseInfo } from '../../stores/redis.store';
import type { StoreClientInit } from '../../stores/types';
import type { ChunkWriter } from './chunk-writer';
import { ContentHash } from './codec';
import {
  errorContextOf,
  manifestCommon,
  withChunks,
  type BackupEngine,
  type RunWriter,
} from './lifecycle';
import { checkFreeSpace, SPACE_RATIO } from './preflight';
import {
  encodeRedisRecord,
  keyPattern,
  REDIS_CONTENT_HASH,
  REDIS_RECORD,
  REDIS_RESTORE,
  SeenKeys,
} from './redis-format';
import type { RunnerDeps } from './runner';
import type { ManifestBody } from './storage';

/** Keys asked per SCAN (a hint to the server) and so DUMPs per round trip. */
const SCAN_COUNT = 1000;

const SCAN_NOTE =
  'SCAN is not a snapshot: each key is as DUMP read it, between snapshot.at and timings.finishedAt. A key that existed for the whole run is in the backup exactly once; a key created or deleted during the run may or may not be. TTLs are recorded as absolute expiry times (RESTORE … ABSTTL).';

interface Keyspace {
  db: number;
  node?: string;
  client: Redis;
  prefix: string;
}

/**
 * Redis: per logical database (and per Cluster master), SCAN … MATCH <prefix>* with DUMP and
 * PTTL of each batch pipelined together with the next SCAN (one round trip per batch), under a
 * commands-per-second budget, into compressed chunks of records.
 *
 * SCAN + DUMP rather than BGSAVE + copying the RDB file: the RDB is only reachable on the
 * server's own disk (not through Sentinel, Cluster or a managed Redis), holds every database at
 * once (no tenant prefix), and restores all-or-nothing. The manifest says the point in time is
 * per key (`snapshot.consistent: false`).
 */
export function redisEngine(d: RunnerDeps, run: BackupRun, init: StoreClientInit): BackupEngine {
  const store = new RedisStore(init);
  const ctxErr = errorContextOf(init);
  const mode = init.connection.redis?.mode ?? 'standalone';
  let keyspaces: Keyspace[] = [];
  let version = '';
  const error = (e: unknown): Error => mapStoreError(e, ctxErr);
  return {
    store: 'redis',
    error,
    kill: () => void store.close(),
    close: () => store.close(),
    async preflight() {
      const client = await store.client();
      const nodes = mode === 'cluster' ? (client as Cluster).nodes('master') : [client as Redis];
      const server = parseInfo(String(await nodes[0]?.info('server')));
      version = server.redis_version ?? '';
      const prefix = await prefixOf(d, run);
      keyspaces = [];
      let dataset = 0;
      for (const node of nodes) {
        const info = parseInfo(String(await node.info()));
        dataset += Number(info.used_memory_dataset ?? info.used_memory ?? 0);
        const here = Object.keys(info)
          .map((k) => /^db(\d+)$/.exec(k)?.[1])
          .filter((x): x is string => x !== undefined)
          .map(Number);
        const dbs = dbsOf(run, here, mode);
        const name = mode === 'cluster' ? `${node.options.host}:${node.options.port}` : undefined;
        for (const db of dbs)
          keyspaces.push({ db, client: node, prefix, ...(name && { node: name }) });
      }
      await checkAccess(keyspaces, mode);
      const storage = d.storageOf(run.envId);
      // A prefix is a part of the dataset Keel cannot size up front: only the reserve is checked.
      const estimate = prefix ? 0 : Math.ceil(dataset * SPACE_RATIO);
      checkFreeSpace(estimate, await storage.freeBytes(), storage.root, d.settings.reserveBytes);
    },
    async dump(w: RunWriter): Promise<ManifestBody<RedisManifest>> {
      const t0 = performance.now();
      const budget = new OpsBudget(d.settings.redisOpsPerSec, w.ctx.signal);
      const out: RedisManifest['keyspaces'] = [];
      let keys = 0;
      let bytes = 0;
      for (const [i, ks] of keyspaces.entries()) {
        const { result: r, chunks } = await withChunks(
          w,
          d.settings.chunkRows,
          (c) => `data/k${String(i).padStart(4, '0')}.c${String(c).padStart(5, '0')}.rdmp`,
          (writer) =>
            dumpKeyspace(ks, writer, budget, d.settings.stallMs, (n) => {
              keys += n;
              w.ctx.progress({ done: i, total: keyspaces.length, message: `${keys} keys` });
            }),
        );
        bytes += chunks.reduce((s, c) => s + c.size, 0);
        out.push({
          db: ks.db,
          ...(ks.node && { node: ks.node }),
          prefix: ks.prefix,
          keys: r.hash.rows,
          vanished: r.vanished,
          contentHash: r.hash.hex(),
          chunks,
        });
      }
      return {
        ...manifestCommon(w, run, d.keelVersion, t0),
        store: 'redis',
        server: { version, mode },
        snapshot: {
          kind: 'scan',
          consistent: false,
          at: w.startedAt.toISOString(),
          note: SCAN_NOTE,
        },
        chunkFormat: { kind: 'redis-dump/1', record: REDIS_RECORD, restore: REDIS_RESTORE },
        contentHash: REDIS_CONTENT_HASH,
        keyspaces: out,
        totals: { bytes, rows: keys, chunks: out.reduce((s, k) => s + k.chunks.length, 0) },
      };
    },
  };
}

async function prefixOf(d: RunnerDeps, run: BackupRun): Promise<string> {
  if (run.scope.type === 'tables')
    throw new KeelError(
      'VALIDATION',
      'Redis has no tables: back up the server, databases or a tenant',
    );
  if (run.scope.type !== 'tenant') return '';
  return (await d.tenantNames(run.envId, run.connectionId, run.scope.tenantId)).keyPrefix;
}

/** The logical databases a scope covers on one node (`here`: the ones holding keys). */
function dbsOf(run: BackupRun, here: number[], mode: string): number[] {
  if (run.scope.type !== 'databases') return here.sort((a, b) => a - b);
  const asked = run.scope.databases.map((s) => {
    if (!/^\d{1,5}$/.test(s))
      throw new KeelError('VALIDATION', `a Redis database is a number (0, 1, …), not "${s}"`);
    return Number(s);
  });
  if (mode === 'cluster' && asked.some((n) => n !== 0))
    throw new KeelError('VALIDATION', 'Redis Cluster has only database 0');
  return [...new Set(asked)].sort((a, b) => a - b);
}

/** Ask the server whether this account may SCAN, DUMP and PTTL in each database. */
async function checkAccess(keyspaces: Keyspace[], mode: string): Promise<void> {
  for (const ks of keyspaces) {
    const p = ks.client.pipeline();
    if (mode !== 'cluster') p.select(ks.db);
    p.callBuffer('SCAN', '0', 'COUNT', '1');
    p.callBuffer('DUMP', 'keel:backup:probe');
    p.callBuffer('PTTL', 'keel:backup:probe');
    const res = (await p.exec()) ?? [];
    for (const [err] of res) {
      if (!err) continue;
      const msg = err.message;
      if (/out of range|invalid DB/i.test(msg))
        throw new KeelError('VALIDATION', `Redis database ${ks.db} does not exist on this server`);
      if (/NOPERM/i.test(msg))
        throw new KeelError(
          'PERMISSION_DENIED',
          `the account may not back up database ${ks.db}: it needs +scan +dump +pttl (${msg})`,
        );
      throw err;
    }
  }
}

/** Spend at most `perSec` commands a second (a one-second burst allowed). */
class OpsBudget {
  private readonly t0 = performance.now();
  private spent = 0;
  constructor(
    private readonly perSec: number,
    private readonly signal: AbortSignal,
  ) {}

  async take(n: number): Promise<void> {
    this.spent += n;
    const due = ((this.spent - this.perSec) / this.perSec) * 1000 - (performance.now() - this.t0);
    if (due > 0) await sleep(due, undefined, { signal: this.signal });
  }
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new KeelError('TIMEOUT', `no answer from Redis for ${Math.round(ms / 1000)} s ${what}`),
        ),
      ms,
    );
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

async function dumpKeyspace(
  ks: Keyspace,
  writer: ChunkWriter,
  budget: OpsBudget,
  stallMs: number,
  onKeys: (n: number) => void,
): Promise<{ hash: ContentHash; vanished: number }> {
  const hash = new ContentHash();
  let vanished = 0;
  const seen = new SeenKeys();
  const pattern = keyPattern(ks.prefix);
  const where = `while backing up database ${ks.db}${ks.node ? ` on ${ks.node}` : ''}`;
  let cursor: string | null;
  const first = ks.client.pipeline();
  if (ks.node === undefined) first.select(ks.db);
  first.callBuffer('SCAN', '0', 'MATCH', pattern, 'COUNT', SCAN_COUNT);
  let res = (await withTimeout(first.exec(), stallMs, where)) ?? [];
  for (;;) {
    const scan = res.at(-1);
    if (scan?.[0]) throw scan[0];
    const [next, found] = scan?.[1] as [Buffer, Buffer[]];
    cursor = next.toString() === '0' ? null : next.toString();
    const keys = found.filter((k) => !seen.seen(k));
    await budget.take(keys.length * 2 + 1);
    if (keys.length === 0 && cursor === null) break;
    // DUMP + PTTL of this batch and the next SCAN in one round trip.
    const p = ks.client.pipeline();
    for (const k of keys) {
      p.callBuffer('PTTL', k);
      p.callBuffer('DUMP', k);
    }
    if (cursor !== null) p.callBuffer('SCAN', cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT);
    res = (await withTimeout(p.exec(), stallMs, where)) ?? [];
    const now = Date.now();
    const parts: Buffer[] = [];
    let n = 0;
    for (let i = 0; i < keys.length; i++) {
      const [e1, pttl] = res[i * 2] ?? [];
      const [e2, payload] = res[i * 2 + 1] ?? [];
      if (e1 ?? e2) throw (e1 ?? e2) as Error;
      const ttl = Number(pttl);
      if (payload === null || ttl === -2) {
        vanished++;
        continue;
      }
      const { record, identity } = encodeRedisRecord(
        keys[i] as Buffer,
        ttl >= 0 ? now + ttl : 0,
        payload as Buffer,
      );
      hash.add(identity);
      parts.push(record);
      n++;
    }
    if (n > 0) await writer.write(Buffer.concat(parts), n);
    onKeys(n);
    if (cursor === null) break;
  }
  return { hash, vanished };
}
