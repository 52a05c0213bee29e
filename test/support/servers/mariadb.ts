import { rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { createConnection } from 'mysql2/promise';
import { freePort, waitFor } from '../ports';
import { MARIADB_INSTALL_HINT, prepareDataDir, writeMariaDbConfig } from './mariadb-datadir';
import type { MariaDbConfig } from './mariadb-datadir';
import { findBinary, makeTempDir, retryOnAddressInUse, ServerProcess } from './process';
import { guardDir, releaseDir, track, untrack } from './registry';

export type Row = Record<string, unknown>;

export interface MariaDbOptions {
  /** Make this instance a replica of `replicaOf` (read_only, GTID replication as user `repl`). */
  replicaOf?: MariaDbHandle;
  /** MASTER_DELAY for the replica, in seconds: real, controllable replication lag. */
  delaySec?: number;
  /** Shows up in the temp dir name and error messages. */
  name?: string;
  /** performance_schema costs ~35 ms of startup and ~100 MB RSS, so it is off unless asked for. */
  performanceSchema?: boolean;
  /** false: run mariadb-install-db for this instance instead of copying the per-process template. */
  useTemplate?: boolean;
}

export interface MariaDbHandle {
  readonly kind: 'mariadb';
  readonly name: string;
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly user: 'root';
  readonly password: '';
  /** mysql://root@127.0.0.1:port */
  readonly url: string;
  readonly dir: string;
  readonly dataDir: string;
  readonly configFile: string;
  readonly serverId: number;
  /** Current server pid; changes on restart(). */
  readonly pid: number;
  readonly running: boolean;
  /** Set for replicas. */
  readonly primary: MariaDbHandle | undefined;
  /** One-shot query on a short-lived root connection; statements without a result set give []. */
  query<T = Row>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Sends `signal` (default SIGKILL) and resolves once mariadbd has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts again on the same port and datadir; a replica waits until replication runs again. */
  restart(): Promise<void>;
  /** SIGTERM, wait, delete the directory. Idempotent. */
  stop(): Promise<void>;
}

export const REPLICATION_USER = 'repl';
export const REPLICATION_PASSWORD = 'keel-repl-pw';

const HOST = '127.0.0.1';
// Per process, and offset by pid so instances from parallel workers differ too (helps when
// reading logs; replication itself only needs primary and replica to differ).
let nextServerId = 1 + (process.pid % 1000) * 1000;

export function startMariaDb(options: MariaDbOptions = {}): Promise<MariaDbHandle> {
  return startInstance(options, options.replicaOf);
}

/**
 * `replicaOf` may still be starting (a promise): the replica's own startup overlaps with the
 * primary's and only attaching replication waits for it.
 */
async function startInstance(
  options: Omit<MariaDbOptions, 'replicaOf'>,
  replicaOf: MariaDbHandle | Promise<MariaDbHandle> | undefined,
): Promise<MariaDbHandle> {
  const mariadbd = findBinary('mariadbd', MARIADB_INSTALL_HINT);
  let primary = replicaOf instanceof Promise ? undefined : replicaOf;
  const name = options.name ?? (primary ? `${primary.name}-replica` : 'mariadb');
  const dir = makeTempDir('mariadb', name);
  guardDir(dir);
  const configFile = path.join(dir, 'my.cnf');
  const config: MariaDbConfig = {
    dir,
    dataDir: path.join(dir, 'data'),
    port: 0,
    serverId: nextServerId++,
    replica: replicaOf !== undefined,
    performanceSchema: options.performanceSchema ?? false,
  };

  let server: ServerProcess | undefined;
  let stopping: Promise<void> | undefined;

  const processFor = (port: number): ServerProcess =>
    new ServerProcess({
      what: `MariaDB '${name}' on ${HOST}:${port}`,
      command: mariadbd,
      args: [`--defaults-file=${configFile}`],
      cwd: dir,
      logFile: path.join(dir, 'mariadbd.out.log'),
      extraLogs: [path.join(dir, 'error.log')],
      ready: () => ping(port),
    });

  const waitForReplication = async (): Promise<void> => {
    if (!primary) return;
    // With the primary down the IO thread can only be "Connecting"; the SQL thread must run.
    const needIo = primary.running;
    await waitFor(
      async () => {
        const status = (await handle.query('SHOW SLAVE STATUS'))[0];
        if (!status) throw new Error('SHOW SLAVE STATUS is empty');
        const io = status.Slave_IO_Running;
        const sql = status.Slave_SQL_Running;
        if (sql === 'Yes' && (io === 'Yes' || (!needIo && io !== 'No'))) return true;
        const errors = [status.Last_IO_Error, status.Last_SQL_Error].filter(Boolean).join('; ');
        throw new Error(`IO ${String(io)}, SQL ${String(sql)}${errors ? `: ${errors}` : ''}`);
      },
      { timeoutMs: 20_000, intervalMs: 50, what: `replication into MariaDB '${name}'` },
    );
  };

  const handle: MariaDbHandle = {
    kind: 'mariadb',
    name,
    host: HOST,
    get port() {
      return config.port;
    },
    user: 'root',
    password: '',
    get url() {
      return `mysql://root@${HOST}:${config.port}`;
    },
    dir,
    dataDir: config.dataDir,
    configFile,
    serverId: config.serverId,
    get pid() {
      return server?.pid ?? -1;
    },
    get running() {
      return server?.running ?? false;
    },
    get primary() {
      return primary;
    },
    query: (sql, params) => oneShotQuery(config.port, sql, params),
    async kill(signal = 'SIGKILL') {
      await server?.kill(signal);
    },
    async restart() {
      if (stopping) throw new Error(`MariaDB '${name}' was stopped; start a new one`);
      if (!server) throw new Error(`MariaDB '${name}' never started`);
      if (server.running) await server.terminate();
      const current = server;
      // Same port: a lingering socket of the killed server can make the bind fail for a moment.
      await retryOnAddressInUse(() => current.start(), { attempts: 15, delayMs: 200 });
      await waitForReplication();
    },
    stop() {
      stopping ??= (async () => {
        await server?.terminate();
        untrack(tracked);
        await rm(dir, { recursive: true, force: true });
        releaseDir(dir);
      })();
      return stopping;
    },
  };

  const tracked = {
    stop: () => handle.stop(),
    abandon: () => {
      server?.killSync();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  track(tracked);

  try {
    config.port = await freePort();
    await writeMariaDbConfig(configFile, config);
    await prepareDataDir(config, configFile, options.useTemplate ?? true);
    // Another process may take the "free" port before mariadbd binds it: then try a new one.
    await retryOnAddressInUse(async (attempt) => {
      if (attempt > 1) {
        config.port = await freePort();
        await writeMariaDbConfig(configFile, config);
      }
      server = processFor(config.port);
      await server.start();
    });
    if (replicaOf) {
      primary = await replicaOf;
      await startReplication(handle, primary, options.delaySec ?? 0);
    }
    await waitForReplication();
  } catch (err) {
    await handle.stop().catch(() => undefined);
    throw err;
  }
  return handle;
}

/** A primary and a replica of it, optionally lagging by `delaySec` (MASTER_DELAY). */
export async function startMariaDbPair(
  options: { delaySec?: number; name?: string; performanceSchema?: boolean } = {},
): Promise<{ primary: MariaDbHandle; replica: MariaDbHandle }> {
  const name = options.name ?? 'mariadb';
  const { performanceSchema, delaySec } = options;
  const starting = startInstance({ name: `${name}-primary`, performanceSchema }, undefined);
  const [primary, replica] = await Promise.allSettled([
    starting,
    startInstance({ name: `${name}-replica`, performanceSchema, delaySec }, starting),
  ]);
  if (primary.status === 'fulfilled' && replica.status === 'fulfilled') {
    return { primary: primary.value, replica: replica.value };
  }
  // A failed start cleans up after itself; only the one that did start is left to stop.
  for (const result of [replica, primary]) {
    if (result.status === 'fulfilled') await result.value.stop().catch(() => undefined);
  }
  throw primary.status === 'rejected' ? primary.reason : (replica as PromiseRejectedResult).reason;
}

async function startReplication(
  replica: MariaDbHandle,
  primary: MariaDbHandle,
  delaySec: number,
): Promise<void> {
  if (!Number.isInteger(delaySec) || delaySec < 0) {
    throw new Error(`delaySec must be a non-negative integer, got ${delaySec}`);
  }
  // IF NOT EXISTS: several replicas may be attached to one primary, possibly concurrently.
  await primary.query('CREATE USER IF NOT EXISTS ?@? IDENTIFIED BY ?', [
    REPLICATION_USER,
    '%',
    REPLICATION_PASSWORD,
  ]);
  await primary.query('GRANT REPLICATION SLAVE ON *.* TO ?@?', [REPLICATION_USER, '%']);
  // MASTER_CONNECT_RETRY=1: after a primary restart the replica reconnects within a second
  // instead of the default 60 s.
  await replica.query(
    `CHANGE MASTER TO MASTER_HOST=?, MASTER_PORT=?, MASTER_USER=?, MASTER_PASSWORD=?,
       MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1, MASTER_DELAY=?`,
    [primary.host, primary.port, REPLICATION_USER, REPLICATION_PASSWORD, delaySec],
  );
  await replica.query('START SLAVE');
}

async function oneShotQuery<T>(port: number, sql: string, params?: unknown[]): Promise<T[]> {
  const connection = await createConnection({
    host: HOST,
    port,
    user: 'root',
    password: '',
    connectTimeout: 5_000,
  });
  try {
    const [rows] = await connection.query(sql, params);
    return Array.isArray(rows) ? (rows as T[]) : [];
  } finally {
    await connection.end().catch(() => connection.destroy());
  }
}

async function ping(port: number): Promise<boolean> {
  const connection = await createConnection({
    host: HOST,
    port,
    user: 'root',
    password: '',
    connectTimeout: 1_000,
  });
  try {
    await connection.query('SELECT 1');
    return true;
  } finally {
    connection.destroy();
  }
}
