import { execFile } from 'node:child_process';
import { access, cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../ports';
import { findBinary, logTail, makeTempDir } from './process';
import { guardDir, releaseDir, track, untrack } from './registry';

const execFileAsync = promisify(execFile);

export const MARIADB_INSTALL_HINT = 'apt-get install mariadb-server (npm test installs it)';

export interface MariaDbConfig {
  dir: string;
  dataDir: string;
  port: number;
  serverId: number;
  replica: boolean;
  performanceSchema: boolean;
}

/**
 * my.cnf for a private instance. Everything lives under `dir`; nothing is read from /etc/mysql
 * because mariadbd gets --defaults-file. Sized for many small instances on a 2-core machine.
 */
export function mariaDbConfig(c: MariaDbConfig): string {
  const lines = [
    '[mariadbd]',
    `datadir=${c.dataDir}`,
    `port=${c.port}`,
    'bind-address=127.0.0.1',
    `socket=${path.join(c.dir, 'mariadb.sock')}`,
    `pid-file=${path.join(c.dir, 'mariadb.pid')}`,
    `log-error=${path.join(c.dir, 'error.log')}`,
    // Never the shared /tmp: temp-table file names of concurrent bootstraps collide there, and
    // mariadb-install-db then fails or mariadbd segfaults (3 of 8 parallel runs did here).
    `tmpdir=${path.join(c.dir, 'tmp')}`,
    // mariadbd refuses to run as root unless told to; as a normal user the option would fail.
    ...(process.getuid?.() === 0 ? ['user=root'] : []),
    `server_id=${c.serverId}`,
    'skip-name-resolve',
    'max_connections=200',
    // Without /etc/mysql the compiled-in default would be latin1; production runs utf8mb4.
    'character-set-server=utf8mb4',
    'innodb_buffer_pool_size=32M',
    'innodb_log_file_size=8M',
    'innodb_buffer_pool_dump_at_shutdown=OFF',
    'innodb_buffer_pool_load_at_startup=OFF',
    // Commits reach the OS on every commit, so they survive SIGKILL of the server (what tests do);
    // skipping the fsync only risks data on an OS crash, which tests never simulate.
    'innodb_flush_log_at_trx_commit=2',
    // ~35 ms slower start and ~100 MB more RSS per instance when on; opt in per instance.
    `performance_schema=${c.performanceSchema ? 'ON' : 'OFF'}`,
    // Every instance writes a binlog so a replica can be promoted in failover tests.
    'log_bin=binlog',
    'binlog_format=ROW',
    'log_slave_updates=ON',
    'gtid_domain_id=0',
    'relay_log=relay-bin',
    ...(c.replica ? ['read_only=1'] : []),
    '',
    // Lets `mariadb --defaults-file=<dir>/my.cnf` open a shell on the instance when debugging.
    '[client]',
    'host=127.0.0.1',
    `port=${c.port}`,
    'user=root',
    '',
  ];
  return lines.join('\n');
}

/** Writes my.cnf and creates the directories it names that mariadbd will not create itself. */
export async function writeMariaDbConfig(configFile: string, config: MariaDbConfig): Promise<void> {
  await mkdir(path.join(config.dir, 'tmp'), { recursive: true });
  await writeFile(configFile, mariaDbConfig(config));
}

/** Creates the system tables in `dataDir` (the slow part: ~0.85 s here). */
export async function installDataDir(
  configFile: string,
  dataDir: string,
  logFile: string,
): Promise<void> {
  // install-db's own output is a generic blurb; the reason is in the server's error log.
  const logs = [path.join(path.dirname(configFile), 'error.log'), logFile];
  const installDb = findBinary('mariadb-install-db', MARIADB_INSTALL_HINT);
  // install-db runs mariadbd --bootstrap; fail here with the install hint rather than later.
  findBinary('mariadbd', MARIADB_INSTALL_HINT);
  try {
    const { stdout, stderr } = await execFileAsync(
      installDb,
      [
        `--defaults-file=${configFile}`,
        // Repeated on purpose: if the defaults file cannot be read, install-db falls back to
        // /var/lib/mysql, finds the system's tables there and still exits 0.
        `--datadir=${dataDir}`,
        '--auth-root-authentication-method=normal',
        '--skip-test-db',
      ],
      { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
    );
    await writeFile(logFile, stdout + stderr);
  } catch (err) {
    const out = err as { stdout?: string; stderr?: string; message: string };
    await writeFile(logFile, `${out.stdout ?? ''}${out.stderr ?? ''}`).catch(() => undefined);
    throw new Error(`mariadb-install-db failed: ${out.message}\n${logTail(logs, 40)}`, {
      cause: err,
    });
  }
  try {
    await access(path.join(dataDir, 'mysql', 'global_priv.frm'));
  } catch (err) {
    throw new Error(
      `mariadb-install-db made no system tables in ${dataDir}\n${logTail(logs, 40)}`,
      {
        cause: err,
      },
    );
  }
}

/** cp -R: about twice as fast as fs.cp for the ~200 files / 26 MB of a fresh datadir. */
async function copyDir(from: string, to: string): Promise<void> {
  try {
    await execFileAsync('cp', ['-R', '--', from, to]);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    await cp(from, to, { recursive: true }); // no cp binary on PATH
  }
}

interface Template {
  dataDir: string;
}

// One template per process: install-db once, then each instance copies the result (~30 ms).
let templatePromise: Promise<Template> | undefined;

function template(): Promise<Template> {
  templatePromise ??= buildTemplate().catch((err: unknown) => {
    templatePromise = undefined;
    throw err;
  });
  return templatePromise;
}

async function buildTemplate(): Promise<Template> {
  const dir = makeTempDir('mariadb', 'template');
  const cleanup = {
    stop: async () => {
      untrack(cleanup);
      releaseDir(dir);
      templatePromise = undefined;
      await rm(dir, { recursive: true, force: true });
    },
    abandon: () => rmSync(dir, { recursive: true, force: true }),
  };
  track(cleanup);
  guardDir(dir);
  const dataDir = path.join(dir, 'data');
  const configFile = path.join(dir, 'my.cnf');
  const config = {
    dir,
    dataDir,
    port: await freePort(),
    serverId: 1,
    replica: false,
    performanceSchema: false,
  };
  await writeMariaDbConfig(configFile, config);
  await installDataDir(configFile, dataDir, path.join(dir, 'install.log'));
  return { dataDir };
}

/**
 * Fills `dataDir` with freshly initialised system tables, by copying the per-process template or,
 * with `useTemplate: false`, by running mariadb-install-db for this instance alone. A copied
 * datadir is indistinguishable from a fresh one: nothing instance-specific (server_id, port,
 * binlog) is stored in it by the bootstrap.
 */
export async function prepareDataDir(
  config: MariaDbConfig,
  configFile: string,
  useTemplate: boolean,
): Promise<void> {
  if (useTemplate) {
    const { dataDir } = await template();
    await copyDir(dataDir, config.dataDir);
    return;
  }
  await mkdir(config.dataDir, { recursive: true });
  await installDataDir(configFile, config.dataDir, path.join(config.dir, 'install.log'));
}
