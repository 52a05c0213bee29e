import { readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupSummary, VerifyReport } from '../../../shared/backups';
import type { JobRecord } from '../../../shared/jobs';
import { startBackupCore, type BackupCore } from '../../support/backup-core';
import { startMariaDb, type MariaDbHandle } from '../../support/index';

const CORRUPTIONS = 250;

/** A small deterministic PRNG: a failure names its seed and iteration, and replays. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else out.push(p);
  }
  return out;
}

describe('verify catches every corruption of a real backup', () => {
  let db: MariaDbHandle;
  let k: BackupCore;
  let id: string;
  let dir: string;

  beforeAll(async () => {
    db = await startMariaDb({ name: 'backup-verify' });
    await db.query('CREATE DATABASE app');
    await db.query('CREATE TABLE app.items (id INT PRIMARY KEY, name VARCHAR(40), qty INT)');
    await db.query('CREATE TABLE app.tags (tag VARCHAR(20) PRIMARY KEY, n INT)');
    const rows = Array.from({ length: 3000 }, (_, i) => `(${i + 1}, 'item ${i}', ${i % 17})`);
    await db.query(`INSERT INTO app.items VALUES ${rows.join(',')}`);
    await db.query("INSERT INTO app.tags VALUES ('a', 1), ('b', 2)");
    await db.query('ANALYZE TABLE app.items');
    k = await startBackupCore('backup-verify', {
      KEEL_CONN_CORE_URI: `mysql://root@127.0.0.1:${db.port}/`,
      KEEL_BACKUP_CHUNK_ROWS: '400',
    });
    const job = await k.call<JobRecord>('backups.run', {
      envId: 'bk',
      connectionId: 'core',
      scope: { type: 'databases', databases: ['app'] },
    });
    const done = await k.wait(job.id);
    expect(done.state, JSON.stringify(done.error)).toBe('completed');
    id = (done.result as BackupSummary).id;
    dir = join(k.home, 'backups', 'bk', id);
  }, 120_000);

  afterAll(async () => {
    await k?.stop();
    await db?.stop();
  });

  it(`reports each of ${CORRUPTIONS} random corruptions, naming the damaged file`, async () => {
    const verify = (): Promise<VerifyReport> => k.core.services.backups.verify('bk', id);
    expect((await verify()).ok).toBe(true);
    const paths = await filesUnder(dir);
    const chunks = paths.filter((p) => p.includes('/data/'));
    expect(chunks.length).toBeGreaterThan(5);
    const originals = new Map(
      await Promise.all(paths.map(async (p) => [p, await readFile(p)] as const)),
    );
    const seed = Date.now() % 1_000_000;
    const rnd = prng(seed);
    const pick = <T>(a: T[]): T => a[Math.floor(rnd() * a.length)] as T;
    const kinds = ['flip', 'truncate', 'delete', 'append', 'same-size', 'swap', 'manifest-edit'];
    const seen = new Map<string, number>();
    for (let i = 0; i < CORRUPTIONS; i++) {
      const kind = pick(kinds);
      seen.set(kind, (seen.get(kind) ?? 0) + 1);
      const target = kind === 'swap' || kind === 'manifest-edit' ? pick(chunks) : pick(paths);
      const data = originals.get(target) as Buffer;
      const damaged: string[] = [relative(dir, target)];
      switch (kind) {
        case 'flip': {
          const b = Buffer.from(data);
          const at = Math.floor(rnd() * b.length);
          b[at] = (b[at] as number) ^ (1 << Math.floor(rnd() * 8));
          await writeFile(target, b);
          break;
        }
        case 'truncate':
          await truncate(target, Math.floor(rnd() * data.length));
          break;
        case 'delete':
          await rm(target);
          break;
        case 'append':
          await writeFile(target, Buffer.concat([data, Buffer.from([Math.floor(rnd() * 256)])]));
          break;
        case 'same-size': {
          const b = Buffer.from(data);
          b.writeUInt8((b[b.length - 1] as number) ^ 0xff, b.length - 1);
          await writeFile(
            target,
            Buffer.concat([b.subarray(0, b.length - 1).reverse(), b.subarray(b.length - 1)]),
          );
          break;
        }
        case 'swap': {
          const other = pick(chunks.filter((c) => c !== target));
          await writeFile(target, originals.get(other) as Buffer);
          await writeFile(other, data);
          damaged.push(relative(dir, other));
          break;
        }
        case 'manifest-edit': {
          // A plausible edit: a chunk's recorded size or rows changed, the self-hash left as is.
          const m = JSON.parse(
            (originals.get(join(dir, 'manifest.json')) as Buffer).toString('utf8'),
          );
          const table = pick(
            m.databases[0].tables as Array<{ chunks: Array<Record<string, number>> }>,
          );
          const chunk = pick(table.chunks);
          const field = pick(['size', 'rows']);
          chunk[field] = (chunk[field] as number) + 1 + Math.floor(rnd() * 10);
          await writeFile(join(dir, 'manifest.json'), JSON.stringify(m, null, 1) + '\n');
          damaged.splice(0, 1, 'manifest.json');
          break;
        }
      }
      const report = await verify();
      const why = `seed ${seed}, #${i} ${kind} of ${damaged.join(' + ')}`;
      expect(report.ok, why).toBe(false);
      const named = new Set(report.problems.map((p) => p.file));
      // A damaged manifest hides which files it lists: the manifest itself is reported.
      const wantFiles = damaged.includes('manifest.json') ? ['manifest.json'] : damaged;
      for (const f of wantFiles) expect(named.has(f) || named.has('manifest.json'), why).toBe(true);
      if (!damaged.includes('manifest.json'))
        expect([...named], why).toEqual(expect.arrayContaining(wantFiles));
      for (const p of paths) {
        const now = await readFile(p).catch(() => undefined);
        if (!now?.equals(originals.get(p) as Buffer))
          await writeFile(p, originals.get(p) as Buffer);
      }
    }
    expect([...seen.keys()].sort()).toEqual([...kinds].sort());
    expect((await verify()).ok).toBe(true);
    expect((await stat(join(dir, 'manifest.json'))).isFile()).toBe(true);
  }, 120_000);
});
