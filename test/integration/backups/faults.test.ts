import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BackupSummary } from '../../../shared/backups';
import type { JobRecord } from '../../../shared/jobs';
import { startBackupCore, type BackupCore } from '../../support/backup-core';
import {
  startFaultProxy,
  startMariaDb,
  waitFor,
  type FaultProxy,
  type MariaDbHandle,
} from '../../support/index';

/** Bytes per second through the proxy: slow enough that a dump is caught half-way. */
const SLOW = 200_000;

describe('backups that fail, are cancelled or are refused leave nothing that looks valid', () => {
  let db: MariaDbHandle;
  let proxy: FaultProxy;
  let k: BackupCore;
  let root: string;

  /** Every backup directory under the root, and every chunk file inside them. */
  const onDisk = async (): Promise<{ dirs: string[]; chunks: string[] }> => {
    const dirs = (await readdir(root).catch(() => [] as string[])).filter((n) =>
      n.startsWith('b_'),
    );
    const chunks: string[] = [];
    for (const d of dirs)
      chunks.push(...(await readdir(join(root, d, 'data')).catch(() => [] as string[])));
    return { dirs, chunks };
  };

  beforeAll(async () => {
    db = await startMariaDb({ name: 'backup-faults' });
    proxy = await startFaultProxy({ targetHost: '127.0.0.1', targetPort: db.port });
    await db.query('CREATE DATABASE app');
    await db.query('CREATE TABLE app.big (id INT PRIMARY KEY, pad VARCHAR(200))');
    for (let i = 0; i < 4; i++) {
      const rows = Array.from(
        { length: 5000 },
        (_, j) => `(${i * 5000 + j + 1}, SHA2(${i * 5000 + j}, 512))`,
      );
      await db.query(`INSERT INTO app.big VALUES ${rows.join(',')}`);
    }
    await db.query('ANALYZE TABLE app.big');
    await db.query("CREATE USER 'weak'@'%' IDENTIFIED BY 'weak-pw'");
    await db.query("GRANT SELECT ON app.* TO 'weak'@'%'");
    k = await startBackupCore('backup-faults', {
      KEEL_CONN_CORE_URI: `mysql://root@127.0.0.1:${db.port}/`,
      KEEL_CONN_SLOW_URI: `mysql://root@127.0.0.1:${proxy.port}/`,
      KEEL_CONN_WEAK_URI: `mysql://weak:weak-pw@127.0.0.1:${db.port}/`,
      KEEL_CONN_METRICS_URI: 'http://127.0.0.1:1/',
      KEEL_BACKUP_CHUNK_ROWS: '1000',
      KEEL_BACKUP_WORKERS: '2',
    });
    root = join(k.home, 'backups', 'bk');
  }, 120_000);

  beforeEach(() => proxy.heal());

  afterAll(async () => {
    await k?.stop();
    await proxy?.close();
    await db?.stop();
  });

  const list = (): Promise<BackupSummary[]> => k.call('backups.list', { envId: 'bk' });
  /** Start a run and resolve once its first chunk is being written. */
  const startRun = async (connectionId: 'slow' | 'core'): Promise<JobRecord> => {
    const job = await k.call<JobRecord>('backups.run', {
      envId: 'bk',
      connectionId,
      scope: { type: 'databases', databases: ['app'] },
    });
    if (connectionId === 'slow') proxy.setBandwidth(SLOW);
    await waitFor(async () => (await onDisk()).chunks.length > 0, {
      timeoutMs: 30_000,
      intervalMs: 2,
      what: 'a first chunk on disk',
    });
    return job;
  };

  it('refuses bad input with a clear error and writes nothing', async () => {
    const cases: Array<[unknown, string, RegExp]> = [
      [{ type: 'everything' }, 'VALIDATION', /./],
      [{ type: 'databases', databases: ['..'] }, 'VALIDATION', /letters/],
      [{ type: 'databases', databases: ['../etc'] }, 'VALIDATION', /letters/],
      [{ type: 'tables', tables: [{ database: 'app', table: 'a/../b' }] }, 'VALIDATION', /letters/],
      [{ type: 'databases', databases: ['mysql'] }, 'VALIDATION', /system schemas/],
      [{ type: 'databases', databases: ['nosuch'] }, 'NOT_FOUND', /no database nosuch/],
      [{ type: 'tables', tables: [{ database: 'app', table: 'nope' }] }, 'NOT_FOUND', /app\.nope/],
      [{ type: 'tenant', tenantId: 'acme' }, 'PRECONDITION_FAILED', /catalog/],
      [{ type: 'tenant', tenantId: '../x' }, 'VALIDATION', /./],
    ];
    for (const [scope, code, message] of cases) {
      const e = await k.refused('backups.run', { envId: 'bk', connectionId: 'core', scope });
      expect(e.code, JSON.stringify(scope)).toBe(code);
      expect(e.message, JSON.stringify(scope)).toMatch(message);
    }
    const server = { type: 'server' };
    expect(
      await k.refused('backups.run', { envId: 'bk', connectionId: 'nope', scope: server }),
    ).toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/no connection "nope"/) });
    expect(
      await k.refused('backups.run', { envId: 'nope', connectionId: 'core', scope: server }),
    ).toMatchObject({ code: 'NOT_FOUND' });
    // An InfluxDB connection is backed up too: this one points at a closed port.
    expect(
      await k.refused('backups.run', { envId: 'bk', connectionId: 'metrics', scope: server }),
    ).toMatchObject({ code: 'CONN_REFUSED' });
    const weak = await k.refused('backups.run', {
      envId: 'bk',
      connectionId: 'weak',
      scope: { type: 'databases', databases: ['app'] },
    });
    expect(weak.code).toBe('PERMISSION_DENIED');
    expect(weak.message).toMatch(/RELOAD/);
    expect(
      await k.refused('backups.verify', { envId: 'bk', id: 'b_20260101T000000Z_abcdef' }),
    ).toMatchObject({ code: 'NOT_FOUND' });
    expect(await k.refused('backups.get', { envId: 'bk', id: '../../etc' })).toMatchObject({
      code: 'VALIDATION',
    });
    expect(await onDisk()).toEqual({ dirs: [], chunks: [] });
    expect(await list()).toEqual([]);
    const jobs = await k.call<JobRecord[]>('jobs.list', { kind: 'backups.run' });
    expect(jobs).toEqual([]);
  });

  it('refuses a run the backup disk has no room for, before writing anything', async () => {
    // A reserve no disk has: the same pre-flight path a nearly full disk takes.
    const full = await startBackupCore('backup-full', {
      KEEL_CONN_CORE_URI: `mysql://root@127.0.0.1:${db.port}/`,
      KEEL_BACKUP_RESERVE_MB: String(2 ** 30),
    });
    try {
      const e = await full.refused('backups.run', {
        envId: 'bk',
        connectionId: 'core',
        scope: { type: 'databases', databases: ['app'] },
      });
      expect(e.code).toBe('PRECONDITION_FAILED');
      expect(e.message).toMatch(
        /not enough free space in .*backups\/bk: .* MB free, about .* MB needed/,
      );
      const dirs = await readdir(join(full.home, 'backups', 'bk')).catch(() => []);
      expect(dirs).toEqual([]);
    } finally {
      await full.stop();
    }
  });

  it('a cancelled run removes its partial files, releases the lock and is listed as cancelled', async () => {
    const job = await startRun('slow');
    await k.call('jobs.cancel', { id: job.id });
    const done = await k.wait(job.id);
    expect(done.state).toBe('cancelled');
    expect(await onDisk()).toEqual({ dirs: [], chunks: [] });
    const [entry, ...more] = await list();
    expect(more).toEqual([]);
    expect(entry).toMatchObject({ status: 'cancelled', jobId: job.id });
    expect(entry?.error?.message).toMatch(/cancelled: partial files removed/);
    // No global lock is left behind: a write commits at once.
    await db.query('INSERT INTO app.big VALUES (100001, NULL)');
    await db.query('DELETE FROM app.big WHERE id = 100001');
  });

  it('a run whose server is killed mid-dump fails with the reason and leaves no files', async () => {
    const before = (await list()).length;
    // Direct connections: the kernel closes a killed server's sockets at once. (Through the
    // fault proxy a dead peer would look alive; that is a network partition, another case.)
    const job = await startRun('core');
    await db.kill();
    try {
      const done = await k.wait(job.id);
      expect(done.state).toBe('failed');
      expect(done.error?.code).toMatch(/CONN_REFUSED|SERVER_ERROR|TIMEOUT|UNAVAILABLE/);
      expect(await onDisk()).toEqual({ dirs: [], chunks: [] });
      const entries = await list();
      expect(entries.length).toBeGreaterThan(before);
      expect(entries.filter((b) => b.status === 'complete')).toEqual([]);
      const failed = entries.find((b) => b.status === 'failed');
      expect(failed?.error?.message).toMatch(/\S/);
    } finally {
      await db.restart();
    }
    // The same run against the restarted server completes.
    const again = await k.call<JobRecord>('backups.run', {
      envId: 'bk',
      connectionId: 'core',
      scope: { type: 'databases', databases: ['app'] },
    });
    const ok = await k.wait(again.id);
    expect(ok.state, JSON.stringify(ok.error)).toBe('completed');
    expect((await list()).filter((b) => b.status === 'complete')).toHaveLength(1);
  }, 60_000);

  it('a run whose server goes silent (partition) times out, cleans up, and its retry succeeds', async () => {
    const silent = await startBackupCore('backup-stall', {
      KEEL_CONN_SLOW_URI: `mysql://root@127.0.0.1:${proxy.port}/`,
      KEEL_BACKUP_CHUNK_ROWS: '1000',
      KEEL_BACKUP_WORKERS: '2',
      KEEL_BACKUP_STALL_SEC: '2',
    });
    const silentRoot = join(silent.home, 'backups', 'bk');
    try {
      const job = await silent.call<JobRecord>('backups.run', {
        envId: 'bk',
        connectionId: 'slow',
        scope: { type: 'databases', databases: ['app'] },
      });
      proxy.setBandwidth(SLOW);
      // Mid-chunk: a chunk file is being written.
      await waitFor(
        async () => {
          const dirs = await readdir(silentRoot).catch(() => [] as string[]);
          const d = dirs.find((x) => x.startsWith('b_'));
          return (
            d !== undefined &&
            (await readdir(join(silentRoot, d, 'data')).catch(() => [])).length > 0
          );
        },
        { timeoutMs: 30_000, intervalMs: 5, what: 'the run to start a chunk' },
      );
      proxy.blackhole(true);
      const list = (): Promise<BackupSummary[]> => silent.call('backups.list', { envId: 'bk' });
      await waitFor(async () => (await list()).some((b) => b.status === 'failed'), {
        timeoutMs: 30_000,
        what: 'the first attempt to time out',
      });
      const [failed] = await list();
      expect(failed?.error).toMatchObject({
        code: 'TIMEOUT',
        message: expect.stringMatching(/no rows from the server for 2 s while dumping app\.big/),
      });
      proxy.heal();
      const done = await silent.wait(job.id);
      expect(done.state, JSON.stringify(done.error)).toBe('completed');
      expect(done.attempts).toBeGreaterThan(1);
      const after = await list();
      expect(after.map((b) => b.status).sort()).toEqual(['complete', 'failed']);
      const dirs = (await readdir(silentRoot)).filter((d) => d.startsWith('b_'));
      expect(dirs).toEqual([(done.result as BackupSummary).id]);
    } finally {
      proxy.heal();
      await silent.stop();
    }
  }, 90_000);

  it('deletes a complete backup only with its id typed', async () => {
    const [complete] = (await list()).filter((b) => b.status === 'complete');
    if (!complete) throw new Error('no complete backup from the previous test');
    expect(
      await k.refused('backups.delete', { envId: 'bk', id: complete.id, confirm: 'yes' }),
    ).toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(complete.id) });
    expect((await onDisk()).dirs).toEqual([complete.id]);
    await k.call('backups.delete', { envId: 'bk', id: complete.id, confirm: complete.id });
    expect((await onDisk()).dirs).toEqual([]);
    expect((await list()).some((b) => b.id === complete.id)).toBe(false);
  });
});
