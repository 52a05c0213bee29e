import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startInfluxDb, startMariaDbPair, startRedis, stopAll } from '../support';

export const E2E_TOKEN = 'e2e-token-5b2c9f1e7d3a4c68';

/**
 * Private servers + `keel serve` (the built CLI) for the whole e2e run. The URL and the servers'
 * ports reach the specs through environment variables.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const cli = join(process.cwd(), 'out/main/cli.js');
  if (!existsSync(cli))
    throw new Error('out/main/cli.js is missing: run `npx electron-vite build` first');
  const [{ primary, replica }, redis, influx] = await Promise.all([
    startMariaDbPair({ delaySec: 2, name: 'e2e' }),
    startRedis({ name: 'e2e' }),
    startInfluxDb({ name: 'e2e' }),
  ]);
  const home = await mkdtemp(join(tmpdir(), 'keel-e2e-home-'));
  const env = {
    ...process.env,
    KEEL_HOME: home,
    KEEL_SERVER_TOKEN: E2E_TOKEN,
    KEEL_LOG_LEVEL: 'warn',
    KEEL_ENV_ID: 'demo',
    KEEL_ENV_NAME: 'Demo',
    KEEL_CONN_CORE_URI: `mysql://root@127.0.0.1:${primary.port}/`,
    KEEL_CONN_CORE_NAME: 'Core MySQL',
    KEEL_CONN_CORE_REPLICA: `127.0.0.1:${replica.port}`,
    KEEL_CONN_CACHE_URI: `redis://127.0.0.1:${redis.port}/0`,
    KEEL_CONN_CACHE_NAME: 'Cache',
    KEEL_CONN_METRICS_URI: `http://127.0.0.1:${influx.port}/?db=keel_metrics`,
    KEEL_CONN_METRICS_NAME: 'Metrics',
    // Metrics every 2 s, so alerts and charts have data within the tests' time.
    KEEL_MONITOR_INTERVAL_MS: '2000',
  };
  const server: ChildProcess = spawn(process.execPath, [cli, '--json', 'serve', '--port', '0'], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: server.stdout! });
    rl.once('line', (line) => resolve((JSON.parse(line) as { url: string }).url));
    server.once('exit', (code) => reject(new Error(`keel serve exited with ${code}`)));
    setTimeout(() => reject(new Error('keel serve did not start within 30 s')), 30_000).unref();
  });
  process.env.KEEL_E2E_URL = url;
  process.env.KEEL_E2E_TOKEN = E2E_TOKEN;
  process.env.KEEL_E2E_REDIS_PORT = String(redis.port);
  process.env.KEEL_E2E_MYSQL_PORT = String(primary.port);
  return async () => {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    await stopAll();
    await rm(home, { recursive: true, force: true });
  };
}
