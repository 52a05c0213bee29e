import { rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { freePort } from '../ports';
import { findBinary, makeTempDir, retryOnAddressInUse, ServerProcess } from './process';
import { guardDir, releaseDir, track, untrack } from './registry';

export interface RedisOptions {
  /** Sets --requirepass; the url then carries it. */
  password?: string;
  /** Keep data across restarts (AOF, fsync on every write), for tests that restart Redis. */
  persistent?: boolean;
  /** More server arguments, e.g. ['--cluster-enabled', 'yes']. */
  args?: string[];
  /** Run a Sentinel (redis-server --sentinel) monitoring this master instead of a data server. */
  sentinelOf?: { host: string; port: number; masterName: string };
  /** Shows up in the temp dir name and error messages. */
  name?: string;
}

export interface RedisHandle {
  readonly kind: 'redis';
  readonly name: string;
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly password: string | undefined;
  /** redis://127.0.0.1:port, or redis://:password@127.0.0.1:port */
  readonly url: string;
  readonly dir: string;
  /** Current server pid; changes on restart(). */
  readonly pid: number;
  readonly running: boolean;
  /** Sends `signal` (default SIGKILL) and resolves once redis-server has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts again on the same port (the data is gone: persistence is off). */
  restart(): Promise<void>;
  /** SIGTERM, wait, delete the directory. Idempotent. */
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const INSTALL_HINT = 'apt-get install redis-server (npm test installs it)';

export async function startRedis(options: RedisOptions = {}): Promise<RedisHandle> {
  const redisServer = findBinary('redis-server', INSTALL_HINT);
  const name = options.name ?? 'redis';
  const password = options.password;
  const dir = makeTempDir('redis', name);
  guardDir(dir);
  let port = 0;
  let server: ServerProcess | undefined;
  let stopping: Promise<void> | undefined;

  const processFor = (p: number): ServerProcess =>
    new ServerProcess({
      what: `Redis '${name}' on ${HOST}:${p}`,
      command: redisServer,
      args: [
        ...(options.sentinelOf ? [sentinelConfig(dir, options.sentinelOf), '--sentinel'] : []),
        '--port',
        String(p),
        '--bind',
        HOST,
        ...(options.sentinelOf
          ? []
          : [
              '--save',
              '',
              '--appendonly',
              options.persistent ? 'yes' : 'no',
              '--appendfsync',
              'always',
            ]),
        // Held as a direct child so SIGKILL hits the server itself and exit is observable.
        '--daemonize',
        'no',
        '--dir',
        dir,
        '--logfile',
        path.join(dir, 'redis.log'),
        ...(password === undefined ? [] : ['--requirepass', password]),
        ...(options.args ?? []),
      ],
      cwd: dir,
      logFile: path.join(dir, 'redis.out.log'),
      extraLogs: [path.join(dir, 'redis.log')],
      ready: () => redisPing(p, password),
    });

  const handle: RedisHandle = {
    kind: 'redis',
    name,
    host: HOST,
    get port() {
      return port;
    },
    password,
    get url() {
      const auth = password === undefined ? '' : `:${encodeURIComponent(password)}@`;
      return `redis://${auth}${HOST}:${port}`;
    },
    dir,
    get pid() {
      return server?.pid ?? -1;
    },
    get running() {
      return server?.running ?? false;
    },
    async kill(signal = 'SIGKILL') {
      await server?.kill(signal);
    },
    async restart() {
      if (stopping) throw new Error(`Redis '${name}' was stopped; start a new one`);
      if (!server) throw new Error(`Redis '${name}' never started`);
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
      server = processFor(port);
      await server.start();
    });
  } catch (err) {
    await handle.stop().catch(() => undefined);
    throw err;
  }
  return handle;
}

/**
 * Raw RESP PING (with AUTH first when a password is set), so readiness checks do not drag in a
 * client with its own reconnect logic and log noise. True only on +PONG: a loading server
 * answers -LOADING.
 */
export function redisPing(port: number, password?: string, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: HOST, port });
    let received = '';
    const expected = password === undefined ? 1 : 2;
    const finish = (err: Error | undefined, ok = false): void => {
      socket.destroy();
      if (err) reject(err);
      else resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(new Error(`no PING reply within ${timeoutMs} ms`)));
    socket.once('error', (err) => finish(err));
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      const replies = received.split('\r\n').slice(0, -1);
      if (replies.length < expected) return;
      const [first, second] = replies;
      if (password !== undefined && first !== '+OK') {
        finish(new Error(`AUTH failed: ${first}`));
        return;
      }
      const pong = password === undefined ? first : second;
      finish(undefined, pong === '+PONG');
    });
    socket.once('connect', () => {
      const auth = password === undefined ? '' : encodeCommand(['AUTH', password]);
      socket.write(auth + encodeCommand(['PING']));
    });
  });
}

function encodeCommand(parts: string[]): string {
  const body = parts.map((p) => `$${Buffer.byteLength(p)}\r\n${p}\r\n`).join('');
  return `*${parts.length}\r\n${body}`;
}

/** Sentinel needs a writable config file naming the master it monitors (quorum 1 in tests). */
function sentinelConfig(
  dir: string,
  of: { host: string; port: number; masterName: string },
): string {
  const file = path.join(dir, 'sentinel.conf');
  writeFileSync(
    file,
    [
      `sentinel monitor ${of.masterName} ${of.host} ${of.port} 1`,
      `sentinel down-after-milliseconds ${of.masterName} 1000`,
      `sentinel failover-timeout ${of.masterName} 5000`,
      '',
    ].join('\n'),
  );
  return file;
}
