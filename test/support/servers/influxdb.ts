import { rmSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { freePort } from '../ports';
import { findBinary, makeTempDir, retryOnAddressInUse, ServerProcess } from './process';
import { guardDir, releaseDir, track, untrack } from './registry';

export interface InfluxDbOptions {
  /** Shows up in the temp dir name and error messages. */
  name?: string;
}

/** The JSON body of InfluxDB 1.x /query. */
export interface InfluxQueryResponse {
  results: Array<{
    statement_id: number;
    series?: Array<{
      name: string;
      tags?: Record<string, string>;
      columns: string[];
      values: unknown[][];
    }>;
    messages?: Array<{ level: string; text: string }>;
    error?: string;
  }>;
  error?: string;
}

export interface InfluxDbHandle {
  readonly kind: 'influxdb';
  readonly name: string;
  readonly host: '127.0.0.1';
  /** HTTP API port. */
  readonly port: number;
  /** RPC port (backup/restore), the top-level bind-address. */
  readonly rpcPort: number;
  /** http://127.0.0.1:port */
  readonly url: string;
  readonly dir: string;
  /** Current server pid; changes on restart(). */
  readonly pid: number;
  readonly running: boolean;
  /**
   * InfluxQL via /query. Reads (SELECT/SHOW) use GET; anything else POST, as 1.x warns about
   * writes "in a read only context" otherwise. Throws on HTTP errors and statement errors.
   */
  query(q: string, options?: { db?: string; epoch?: string }): Promise<InfluxQueryResponse>;
  /** Line protocol via /write (precision ns unless given). */
  write(db: string, lines: string, options?: { precision?: string }): Promise<void>;
  /** Sends `signal` (default SIGKILL) and resolves once influxd has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts again on the same ports and directories (the WAL is replayed). */
  restart(): Promise<void>;
  /** SIGTERM, wait, delete the directory. Idempotent. */
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const INSTALL_HINT = 'apt-get install influxdb (npm test installs it)';

function influxConfig(dir: string, httpPort: number, rpcPort: number): string {
  return [
    'reporting-enabled = false',
    `bind-address = "${HOST}:${rpcPort}"`,
    '[meta]',
    `  dir = "${path.join(dir, 'meta')}"`,
    '[data]',
    `  dir = "${path.join(dir, 'data')}"`,
    `  wal-dir = "${path.join(dir, 'wal')}"`,
    '  query-log-enabled = false',
    // _internal would add a database, and background writes, to every instance.
    '[monitor]',
    '  store-enabled = false',
    '[http]',
    `  bind-address = "${HOST}:${httpPort}"`,
    '  auth-enabled = false',
    '  log-enabled = false',
    '[logging]',
    '  level = "warn"',
    '  suppress-logo = true',
    '',
  ].join('\n');
}

export async function startInfluxDb(options: InfluxDbOptions = {}): Promise<InfluxDbHandle> {
  const influxd = findBinary('influxd', INSTALL_HINT);
  const name = options.name ?? 'influxdb';
  const dir = makeTempDir('influxdb', name);
  guardDir(dir);
  const configFile = path.join(dir, 'influxdb.conf');
  let port = 0;
  let rpcPort = 0;
  let server: ServerProcess | undefined;
  let stopping: Promise<void> | undefined;
  const base = (): string => `http://${HOST}:${port}`;

  const processFor = (p: number): ServerProcess =>
    new ServerProcess({
      what: `InfluxDB '${name}' on ${HOST}:${p}`,
      command: influxd,
      args: ['run', '-config', configFile],
      cwd: dir,
      logFile: path.join(dir, 'influxd.log'),
      ready: async () => {
        const response = await fetch(`http://${HOST}:${p}/ping`, {
          signal: AbortSignal.timeout(1_000),
        });
        return response.status === 204;
      },
    });

  const handle: InfluxDbHandle = {
    kind: 'influxdb',
    name,
    host: HOST,
    get port() {
      return port;
    },
    get rpcPort() {
      return rpcPort;
    },
    get url() {
      return base();
    },
    dir,
    get pid() {
      return server?.pid ?? -1;
    },
    get running() {
      return server?.running ?? false;
    },
    async query(q, queryOptions = {}) {
      const params = new URLSearchParams({ q });
      if (queryOptions.db) params.set('db', queryOptions.db);
      if (queryOptions.epoch) params.set('epoch', queryOptions.epoch);
      const read = /^\s*(SELECT|SHOW)\b/i.test(q);
      const response = read
        ? await fetch(`${base()}/query?${params}`)
        : await fetch(`${base()}/query`, { method: 'POST', body: params });
      const body = (await response.json()) as InfluxQueryResponse;
      const statementError = body.results?.find((r) => r.error)?.error;
      if (!response.ok || body.error || statementError) {
        const detail = body.error ?? statementError ?? response.statusText;
        throw new Error(`InfluxDB query failed (${response.status}): ${detail}: ${q}`);
      }
      return body;
    },
    async write(db, lines, writeOptions = {}) {
      const params = new URLSearchParams({ db, precision: writeOptions.precision ?? 'ns' });
      const response = await fetch(`${base()}/write?${params}`, { method: 'POST', body: lines });
      if (response.status !== 204) {
        throw new Error(`InfluxDB write failed (${response.status}): ${await response.text()}`);
      }
    },
    async kill(signal = 'SIGKILL') {
      await server?.kill(signal);
    },
    async restart() {
      if (stopping) throw new Error(`InfluxDB '${name}' was stopped; start a new one`);
      if (!server) throw new Error(`InfluxDB '${name}' never started`);
      if (server.running) await server.terminate();
      const current = server;
      await retryOnAddressInUse(() => current.start(), { attempts: 15, delayMs: 200 });
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
    await retryOnAddressInUse(async () => {
      port = await freePort();
      do rpcPort = await freePort();
      while (rpcPort === port);
      await writeFile(configFile, influxConfig(dir, port, rpcPort));
      server = processFor(port);
      await server.start();
    });
  } catch (err) {
    await handle.stop().catch(() => undefined);
    throw err;
  }
  return handle;
}
