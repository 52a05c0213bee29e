// The demo environment: private servers from the test harness (test/support), described to Keel
// with KEEL_* variables, then the console itself. Run by scripts/demo.mjs.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { startInfluxDb, startMariaDbPair, startRedis, stopAll } from '../../test/support';

const ROOT = new URL('../..', import.meta.url).pathname;
const desktop = process.argv.includes('--desktop');
const port = Number(process.env.KEEL_DEMO_PORT ?? 7420);

function say(msg: string): void {
  process.stderr.write(`\x1b[36m[keel]\x1b[0m ${msg}\n`);
}

async function main(): Promise<void> {
  say('starting private MariaDB (primary + replica 5 s behind), Redis and InfluxDB on 127.0.0.1…');
  const [{ primary, replica }, redis, influx] = await Promise.all([
    startMariaDbPair({ delaySec: 5, name: 'demo' }),
    startRedis({ name: 'demo' }),
    startInfluxDb({ name: 'demo' }),
  ]);
  const home = process.env.KEEL_HOME ?? join(ROOT, '.keel-dev', 'demo-home');
  await mkdir(home, { recursive: true, mode: 0o700 });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KEEL_HOME: home,
    KEEL_LOG_LEVEL: process.env.KEEL_LOG_LEVEL ?? 'warn',
    KEEL_ENV_ID: 'demo',
    KEEL_ENV_NAME: 'Demo',
    KEEL_CONN_CORE_URI: `mysql://root@127.0.0.1:${primary.port}/`,
    KEEL_CONN_CORE_NAME: 'Core MySQL (saas_unified_core)',
    KEEL_CONN_CORE_REPLICA: `127.0.0.1:${replica.port}`,
    KEEL_CONN_CACHE_URI: `redis://127.0.0.1:${redis.port}/0`,
    KEEL_CONN_CACHE_NAME: 'Cache',
    KEEL_CONN_METRICS_URI: `http://127.0.0.1:${influx.port}/?db=keel_metrics`,
    KEEL_CONN_METRICS_NAME: 'Metrics',
    ...(process.env.KEEL_DEMO_MONGO_URL && {
      KEEL_CONN_PLATFORM_URI: process.env.KEEL_DEMO_MONGO_URL,
      KEEL_CONN_PLATFORM_NAME: 'platform_db',
    }),
  };
  if (!process.env.KEEL_DEMO_MONGO_URL) {
    say('no MongoDB in the demo (none can be installed here); set KEEL_DEMO_MONGO_URL to add one.');
  }

  let app: ChildProcess;
  if (desktop) {
    say('opening the Keel window…');
    app = spawn('npx', ['--no-install', 'electron', '.'], { cwd: ROOT, env, stdio: 'inherit' });
  } else {
    app = spawn(process.execPath, ['out/main/cli.js', 'serve', '--port', String(port)], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    // Ask for the sign-in URL only once serve has created (or read) its token.
    app.stdout?.once('data', () => {
      const token = spawn(process.execPath, ['out/main/cli.js', 'token', '--port', String(port)], {
        cwd: ROOT,
        env,
      });
      let url = '';
      token.stdout.on('data', (d: Buffer) => (url += String(d)));
      token.on('exit', () => say(`open ${url.trim()} in a browser (Ctrl-C stops the demo)`));
    });
    app.stdout?.on('data', (d: Buffer) => process.stdout.write(d));
  }

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    say('stopping the demo…');
    app.kill('SIGTERM');
    await stopAll();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  app.on('exit', () => void stop());
}

main().catch(async (e: unknown) => {
  say(`the demo could not start: ${e instanceof Error ? e.message : String(e)}`);
  await stopAll();
  process.exit(1);
});
