import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupSummary, VerifyReport } from '../../../shared/backups';
import type { JobRecord } from '../../../shared/jobs';
import { decodeRedisRecords } from '../../../electron/main/services/backups/redis-format';
import { startBackupCore, type BackupCore } from '../../support/backup-core';
import { readChunk, readStoreManifest, restoreRedis } from '../../support/backups-stores';
import { startRedis, waitFor, type RedisHandle } from '../../support/index';

const STABLE = 5000;

/** Every key of a database with its type, value (read per type) and whether it expires. */
async function contents(r: Redis, db: number): Promise<Map<string, unknown>> {
  await r.select(db);
  const out = new Map<string, unknown>();
  const keys = (await r.keysBuffer('*')).sort(Buffer.compare);
  for (const k of keys) {
    const type = await r.type(k);
    const value =
      type === 'string'
        ? (await r.getBuffer(k))?.toString('hex')
        : type === 'list'
          ? await r.lrange(k, 0, -1)
          : type === 'set'
            ? (await r.smembers(k)).sort()
            : type === 'zset'
              ? await r.zrange(k, 0, -1, 'WITHSCORES')
              : type === 'hash'
                ? await r.hgetall(k)
                : await r.xrange(k, '-', '+');
    out.set(k.toString('hex'), { type, value, expires: (await r.pttl(k)) > 0 });
  }
  return out;
}

describe('Redis backups: SCAN + DUMP + PTTL, every type, TTLs, verified', () => {
  let src: RedisHandle;
  let dst: RedisHandle;
  let k: BackupCore;
  let r: Redis;
  let root: string;

  beforeAll(async () => {
    [src, dst] = await Promise.all([
      startRedis({ name: 'backup-redis-src' }),
      startRedis({ name: 'backup-redis-dst' }),
    ]);
    r = new Redis({ port: src.port, lazyConnect: true });
    // The kill test takes this server away: the client reconnects by itself.
    r.on('error', () => undefined);
    await r.connect();
    const p = r.pipeline();
    for (let i = 0; i < STABLE; i++) p.set(`stable:${i}`, `value ${i}`);
    p.set(Buffer.from([0x00, 0xff, 0x2a, 0x0a]), Buffer.from([0xde, 0xad, 0x00, 0xbe]));
    p.rpush('a:list', 'x', 'y', 'z', 'y');
    p.sadd('a:set', 'm1', 'm2', 'm3');
    p.zadd('a:zset', 1.5, 'one', -2, 'two', 1e10, 'big');
    p.hset('a:hash', { f1: 'v1', f2: 'v2' });
    p.xadd('a:stream', '1-1', 'field', 'value');
    p.set('a:ttl', 'soon', 'PX', 3_600_000);
    p.hset('a:hash-ttl', { f: 'v' });
    p.pexpire('a:hash-ttl', 7_200_000);
    // Glob characters in a key must not confuse the prefix match of a tenant scope.
    p.set('glob*[x]?', 'g');
    await p.exec();
    await r.select(2);
    await r.set('other:db', 'two');
    await r.select(0);
    k = await startBackupCore('backup-redis', {
      KEEL_CONN_CACHE_URI: `redis://127.0.0.1:${src.port}/0`,
      KEEL_BACKUP_CHUNK_ROWS: '1000',
    });
    root = join(k.home, 'backups', 'bk');
  }, 120_000);

  afterAll(async () => {
    r?.disconnect();
    await k?.stop();
    await Promise.all([src?.stop(), dst?.stop()]);
  });

  const run = async (scope: unknown): Promise<{ rec: JobRecord; dir: string }> => {
    const job = await k.call<JobRecord>('backups.run', {
      envId: 'bk',
      connectionId: 'cache',
      scope,
    });
    const rec = await k.wait(job.id);
    const id = (rec.result as BackupSummary | undefined)?.id ?? '';
    return { rec, dir: join(root, id) };
  };

  it('round-trips every database, type, binary key and TTL into another server', async () => {
    const { rec, dir } = await run({ type: 'server' });
    expect(rec.state, JSON.stringify(rec.error)).toBe('completed');
    const m = await readStoreManifest(dir, 'redis');
    expect(m.snapshot).toMatchObject({ kind: 'scan', consistent: false });
    expect(m.keyspaces.map((x) => [x.db, x.keys])).toEqual([
      [0, STABLE + 9],
      [2, 1],
    ]);
    expect(m.keyspaces[0]?.chunks.length).toBeGreaterThan(4);
    expect((rec.result as BackupSummary).consistent).toBe(false);

    const before = [await contents(r, 0), await contents(r, 2)];
    await r.select(0);
    expect(await restoreRedis(dir, dst.port)).toBe(STABLE + 10);
    const d = new Redis({ port: dst.port, lazyConnect: true });
    await d.connect();
    try {
      expect(await contents(d, 0)).toEqual(before[0]);
      expect(await contents(d, 2)).toEqual(before[1]);
      await d.select(0);
      const ttl = await d.pttl('a:ttl');
      expect(ttl).toBeGreaterThan(3_500_000);
      expect(ttl).toBeLessThanOrEqual(3_600_000);
      expect(await d.pttl('a:list')).toBe(-1);
    } finally {
      d.disconnect();
    }
    const report = await k.call<VerifyReport>('backups.verify', { envId: 'bk', id: m.id });
    expect(report).toMatchObject({ ok: true, problems: [] });
    expect(report.filesChecked).toBe(m.totals.chunks + 1);
  });

  it('takes every key that lives through the run exactly once while others churn', async () => {
    let stop = false;
    const churn = (async () => {
      const w = new Redis({ port: src.port, lazyConnect: true });
      await w.connect();
      for (let i = 0; !stop; i++) {
        // New keys grow the dict (rehashing: SCAN may then return keys twice) and old ones go.
        const p = w.pipeline();
        for (let j = 0; j < 200; j++) p.set(`churn:${i}:${j}`, 'x');
        p.del(...Array.from({ length: 200 }, (_, j) => `churn:${i - 3}:${j}`));
        await p.exec();
      }
      w.disconnect();
    })();
    const { rec, dir } = await run({ type: 'databases', databases: ['0'] });
    stop = true;
    await churn;
    expect(rec.state, JSON.stringify(rec.error)).toBe('completed');
    const m = await readStoreManifest(dir, 'redis');
    const ks = m.keyspaces[0];
    expect(ks?.db).toBe(0);
    const seen = new Map<string, number>();
    for (const c of ks?.chunks ?? []) {
      for (const rec2 of decodeRedisRecords(await readChunk(dir, c, m.compression))) {
        const key = rec2.key.toString('latin1');
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
    }
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    for (let i = 0; i < STABLE; i++) expect(seen.has(`stable:${i}`), `stable:${i}`).toBe(true);
    expect(seen.size).toBe(ks?.keys);
  });

  it('verify catches a flipped bit in a chunk', async () => {
    const { rec, dir } = await run({ type: 'databases', databases: ['2'] });
    expect(rec.state).toBe('completed');
    const m = await readStoreManifest(dir, 'redis');
    const chunk = m.keyspaces[0]?.chunks[0];
    if (!chunk) throw new Error('no chunk');
    const bytes = await readFile(join(dir, chunk.file));
    const at = bytes.length >> 1;
    bytes[at] = (bytes[at] as number) ^ 0x10;
    await writeFile(join(dir, chunk.file), bytes);
    const report = await k.call<VerifyReport>('backups.verify', { envId: 'bk', id: m.id });
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      expect.objectContaining({ file: chunk.file, kind: 'sha256' }),
    ]);
  });

  it('refuses a scope Redis does not have, writing nothing', async () => {
    const before = await readdir(root).catch(() => []);
    const cases: Array<[unknown, string, RegExp]> = [
      [{ type: 'databases', databases: ['app'] }, 'VALIDATION', /is a number/],
      [{ type: 'databases', databases: ['99'] }, 'VALIDATION', /database 99 does not exist/],
      [{ type: 'tables', tables: [{ database: '0', table: 'x' }] }, 'VALIDATION', /no tables/],
      [{ type: 'tenant', tenantId: 'acme' }, 'PRECONDITION_FAILED', /catalog/],
    ];
    for (const [scope, code, message] of cases) {
      const e = await k.refused('backups.run', { envId: 'bk', connectionId: 'cache', scope });
      expect(e.code, JSON.stringify(scope)).toBe(code);
      expect(e.message, JSON.stringify(scope)).toMatch(message);
    }
    expect(await readdir(root).catch(() => [])).toEqual(before);
  });

  it('a run whose server is killed mid-dump fails with the reason, leaves no files, and a retry succeeds', async () => {
    // Slow enough to be caught half-way: about 12,000 commands at 2,000 a second.
    await k.stop();
    k = await startBackupCore('backup-redis-slow', {
      KEEL_CONN_CACHE_URI: `redis://127.0.0.1:${src.port}/0`,
      KEEL_BACKUP_CHUNK_ROWS: '500',
      KEEL_BACKUP_REDIS_OPS: '2000',
    });
    root = join(k.home, 'backups', 'bk');
    const job = await k.call<JobRecord>('backups.run', {
      envId: 'bk',
      connectionId: 'cache',
      scope: { type: 'databases', databases: ['0'] },
    });
    const dataDir = async (): Promise<string[]> => {
      const dirs = (await readdir(root).catch(() => [])).filter((n) => n.startsWith('b_'));
      const files = await Promise.all(
        dirs.map((d) => readdir(join(root, d, 'data')).catch(() => [] as string[])),
      );
      return files.flat().filter((f) => !f.endsWith('.tmp'));
    };
    await waitFor(async () => (await dataDir()).length > 0, {
      timeoutMs: 30_000,
      intervalMs: 5,
      what: 'a first Redis chunk on disk',
    });
    await src.kill();
    const rec = await k.wait(job.id);
    expect(rec.state).toBe('failed');
    expect(rec.error?.code).toMatch(/CONN_REFUSED|TIMEOUT|CONN_LOST|UNAVAILABLE/);
    expect(await dataDir()).toEqual([]);
    const list = await k.call<BackupSummary[]>('backups.list', { envId: 'bk' });
    expect(list[0]).toMatchObject({ status: 'failed', store: 'redis' });
    expect(list[0]?.error?.message).toBeTruthy();
    const [st] = await k.call<Array<Record<string, unknown>>>('backups.status', { envId: 'bk' });
    expect(st).toMatchObject({
      lastFailed: true,
      failuresSinceSuccess: 1,
      lastSuccessAgeSec: null,
    });
    await src.restart();
    await r.set('after:restart', '1');
    const retry = await run({ type: 'databases', databases: ['0'] });
    expect(retry.rec.state, JSON.stringify(retry.rec.error)).toBe('completed');
    expect((retry.rec.result as BackupSummary).rows).toBe(1);
    const [after] = await k.call<Array<Record<string, unknown>>>('backups.status', { envId: 'bk' });
    expect(after).toMatchObject({ lastFailed: false, failuresSinceSuccess: 0, store: 'redis' });
  });
});
