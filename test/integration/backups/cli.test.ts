import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupSummary, VerifyReport } from '../../../shared/backups';
import type { JobRecord } from '../../../shared/jobs';
import { startBackupCore } from '../../support/backup-core';
import {
  startFaultProxy,
  startMariaDb,
  waitFor,
  type FaultProxy,
  type MariaDbHandle,
} from '../../support/index';

const CLI = join(process.cwd(), 'out/main/cli.js');

describe.skipIf(!existsSync(CLI))('keel backups (built CLI)', () => {
  let db: MariaDbHandle;
  let home: string;
  let env: NodeJS.ProcessEnv;
  let proxy: FaultProxy;

  beforeAll(async () => {
    db = await startMariaDb({ name: 'backup-cli' });
    await db.query('CREATE DATABASE app');
    await db.query('CREATE TABLE app.t (id INT PRIMARY KEY, v VARCHAR(20))');
    await db.query("INSERT INTO app.t VALUES (1, 'a'), (2, 'b'), (3, NULL)");
    await db.query('CREATE TABLE app.big (id INT PRIMARY KEY, pad VARCHAR(200))');
    for (let i = 0; i < 4; i++) {
      const rows = Array.from({ length: 5000 }, (_, j) => `(${i * 5000 + j + 1}, SHA2(${j}, 512))`);
      await db.query(`INSERT INTO app.big VALUES ${rows.join(',')}`);
    }
    await db.query('ANALYZE TABLE app.big');
    proxy = await startFaultProxy({ targetHost: '127.0.0.1', targetPort: db.port });
    home = await mkdtemp(join(tmpdir(), 'keel-backup-cli-'));
    env = {
      ...process.env,
      KEEL_HOME: home,
      KEEL_ENV_ID: 'bk',
      KEEL_CONN_CORE_URI: `mysql://root@127.0.0.1:${db.port}/`,
      KEEL_CONN_SLOW_URI: `mysql://root@127.0.0.1:${proxy.port}/`,
      KEEL_BACKUP_CHUNK_ROWS: '1000',
    };
  }, 120_000);

  afterAll(async () => {
    await proxy?.close();
    await db?.stop();
    if (home) await rm(home, { recursive: true, force: true });
  });

  const keel = (...args: string[]) =>
    spawnSync(process.execPath, [CLI, ...args], { env, encoding: 'utf8', timeout: 60_000 });

  it('runs, lists, verifies and deletes a backup with --json', async () => {
    const run = keel('--json', 'backups', 'run', '-e', 'bk', '-c', 'core', '--tables', 'app.t');
    expect(run.status, run.stderr).toBe(0);
    const job = JSON.parse(run.stdout) as JobRecord;
    expect(job.state).toBe('completed');
    const id = (job.result as BackupSummary).id;

    const list = keel('--json', 'backups', 'list', '-e', 'bk');
    expect(list.status, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)).toMatchObject([{ id, status: 'complete', rows: 3 }]);

    const ok = keel('--json', 'backups', 'verify', id, '-e', 'bk');
    expect(ok.status, ok.stderr).toBe(0);
    expect((JSON.parse(ok.stdout) as VerifyReport).ok).toBe(true);

    const data = join(home, 'backups', 'bk', id, 'data');
    const [chunk] = await readdir(data);
    const bytes = await readFile(join(data, chunk as string));
    await writeFile(join(data, chunk as string), bytes.subarray(0, bytes.length - 1));
    const bad = keel('--json', 'backups', 'verify', id, '-e', 'bk');
    expect(bad.status).toBe(1);
    expect((JSON.parse(bad.stdout) as VerifyReport).problems).toMatchObject([
      { file: `data/${chunk}`, kind: 'size' },
    ]);

    const unconfirmed = keel('backups', 'delete', id, '-e', 'bk');
    expect(unconfirmed.status).toBe(2);
    expect(unconfirmed.stderr).toMatch(/--yes/);
    const deleted = keel('--json', 'backups', 'delete', id, '-e', 'bk', '--yes');
    expect(deleted.status, deleted.stderr).toBe(0);
    expect(JSON.parse(keel('--json', 'backups', 'list', '-e', 'bk').stdout)).toEqual([]);
  });

  it('refuses two scopes at once and a bad table name (exit 2), a missing database (exit 1)', () => {
    const two = keel(
      'backups',
      'run',
      '-e',
      'bk',
      '-c',
      'core',
      '--databases',
      'a',
      '--tenant',
      'b',
    );
    expect(two.status).toBe(2);
    expect(two.stderr).toMatch(/one of/);
    const table = keel('backups', 'run', '-e', 'bk', '-c', 'core', '--tables', 'justatable');
    expect(table.status).toBe(2);
    expect(table.stderr).toMatch(/db\.table/);
    const missing = keel(
      '--json',
      'backups',
      'run',
      '-e',
      'bk',
      '-c',
      'core',
      '--databases',
      'nope',
    );
    expect(missing.status).toBe(1);
    expect(missing.stdout + missing.stderr).toMatch(/no database nope/);
  });

  it('a Keel killed mid-run leaves nothing that looks valid: the next Keel removes the leftovers', async () => {
    proxy.setBandwidth(150_000);
    const child = spawn(
      process.execPath,
      [CLI, 'backups', 'run', '-e', 'bk', '-c', 'slow', '--databases', 'app'],
      { env, stdio: 'ignore' },
    );
    const root = join(home, 'backups', 'bk');
    let id = '';
    try {
      await waitFor(
        async () => {
          const d = (await readdir(root).catch(() => [] as string[])).find((x) =>
            x.startsWith('b_'),
          );
          if (!d) return false;
          id = d;
          return (await readdir(join(root, d, 'data')).catch(() => [])).length > 0;
        },
        { timeoutMs: 30_000, intervalMs: 5, what: 'the CLI run to write a chunk' },
      );
    } finally {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      proxy.heal();
    }
    expect(await readdir(root)).toContain(id);
    // The next Keel on the same state directory (its job store marks the job interrupted).
    const next = await startBackupCore('backup-cli-next', env, home);
    try {
      const list = await next.call<BackupSummary[]>('backups.list', { envId: 'bk' });
      const entry = list.find((b) => b.id === id);
      expect(entry).toMatchObject({ status: 'failed' });
      expect(entry?.error?.message).toMatch(/interrupted.*partial files removed/);
      expect(list.filter((b) => b.status === 'complete')).toEqual([]);
      expect(await readdir(root)).not.toContain(id);
      expect(await next.refused('backups.verify', { envId: 'bk', id })).toMatchObject({
        code: 'PRECONDITION_FAILED',
      });
    } finally {
      await next.stop();
    }
  }, 90_000);
});
