// The demo environment: private servers from the test harness (test/support), described to Keel
// with KEEL_* variables, a platform built from the blueprint and seeded with 200 tenants, then
// the console itself, with light background traffic. Run by scripts/demo.mjs.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { startInfluxDb, startMariaDbPair, startRedis, stopAll } from '../../test/support';
import { startMongoStandIn, type MongoStandIn } from '../../test/support/standins/mongo/index';
import { startActivity, type Activity } from './activity';
import { loadBlueprint } from './columns';
import { instanceVars, roster } from './roster';
import { errorText, say } from './say';
import { buildAndSeed, stopSeeding, type SeedState } from './seed';

const ROOT = new URL('../..', import.meta.url).pathname;
const desktop = process.argv.includes('--desktop');
const port = Number(process.env.KEEL_DEMO_PORT ?? 7420);
const realMongo = process.env.KEEL_DEMO_MONGO_URL;

/** What is running, so Ctrl-C can stop it at any point (even half-way through seeding). */
const running: { app?: ChildProcess; activity?: Activity; mongo?: MongoStandIn; seed: SeedState } =
  { seed: {} };

async function main(): Promise<void> {
  say('starting private MariaDB (primary + replica 5 s behind), Redis and InfluxDB on 127.0.0.1…');
  const [{ primary, replica }, redis, influx, standIn] = await Promise.all([
    startMariaDbPair({ delaySec: 5, name: 'demo' }),
    startRedis({ name: 'demo' }),
    startInfluxDb({ name: 'demo' }),
    realMongo ? undefined : startMongoStandIn(),
  ]);
  running.mongo = standIn;
  const mongoUrl = realMongo ?? standIn?.url ?? '';
  say(
    standIn
      ? `MongoDB: Keel's TEST-ONLY stand-in (in this process on port ${standIn.port}), NOT a real MongoDB server; set KEEL_DEMO_MONGO_URL=mongodb://… to use a real one`
      : 'MongoDB: the server in KEEL_DEMO_MONGO_URL',
  );
  const home = process.env.KEEL_HOME ?? join(ROOT, '.keel-dev', 'demo-home');
  await mkdir(home, { recursive: true, mode: 0o700 });
  const coreUri = `mysql://root@127.0.0.1:${primary.port}/`;
  const tenants = roster();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KEEL_HOME: home,
    KEEL_LOG_LEVEL: process.env.KEEL_LOG_LEVEL ?? 'warn',
    KEEL_ENV_ID: 'demo',
    KEEL_ENV_NAME: 'Demo',
    KEEL_CONN_CORE_URI: coreUri,
    KEEL_CONN_CORE_NAME: 'Core MySQL (saas_unified_core)',
    KEEL_CONN_CORE_REPLICA: `127.0.0.1:${replica.port}`,
    KEEL_CONN_CACHE_URI: `redis://127.0.0.1:${redis.port}/0`,
    KEEL_CONN_CACHE_NAME: 'Cache',
    KEEL_CONN_METRICS_URI: `http://127.0.0.1:${influx.port}/?db=keel_metrics`,
    KEEL_CONN_METRICS_NAME: 'Metrics',
    KEEL_CONN_DOCS_URI: mongoUrl,
    KEEL_CONN_DOCS_ROLE: 'business_db',
    KEEL_CONN_DOCS_NAME: standIn
      ? 'MongoDB (test stand-in, not a real server)'
      : 'MongoDB (business_db)',
    ...instanceVars(tenants, coreUri),
  };
  say(
    `MariaDB primary on port ${primary.port}, replica ${replica.port}; Redis ${redis.port}; InfluxDB ${influx.port}`,
  );

  await buildAndSeed(
    {
      envId: 'demo',
      home,
      env,
      mysqlPort: primary.port,
      redisPort: redis.port,
      influxUrl: influx.url,
      mongoUrl,
      tenants,
    },
    running.seed,
  );
  if (stopping) return;

  const activity = () =>
    loadBlueprint()
      .then((blueprint) =>
        startActivity({
          mysqlPort: primary.port,
          redisPort: redis.port,
          influxUrl: influx.url,
          blueprint,
        }),
      )
      .then((a) => {
        if (stopping) return a.stop();
        running.activity = a;
      })
      .catch((e: unknown) => say(`background activity did not start: ${errorText(e)}`));

  let app: ChildProcess;
  if (desktop) {
    say('opening the Keel window…');
    app = spawn('npx', ['--no-install', 'electron', '.'], { cwd: ROOT, env, stdio: 'inherit' });
    void activity();
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
      void activity();
    });
    app.stdout?.on('data', (d: Buffer) => process.stdout.write(d));
  }
  running.app = app;
  app.on('exit', () => void stop());
}

/** Resolves when the child has exited, or after `ms`. */
const exited = (child: ChildProcess, ms: number): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => {
        const timer = setTimeout(resolve, ms);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      });

let stopping = false;
async function stop(code = 0): Promise<void> {
  if (stopping) return;
  stopping = true;
  say('stopping the demo…');
  await running.activity?.stop().catch(() => undefined);
  if (running.app) {
    running.app.kill('SIGTERM');
    // Let the console close its pools before the servers go away.
    await exited(running.app, 5_000);
  }
  await stopSeeding(running.seed).catch(() => undefined);
  await running.mongo?.stop().catch(() => undefined);
  await stopAll();
  process.exit(code);
}

process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
main().catch((e: unknown) => {
  if (stopping) return;
  say(`the demo could not start: ${errorText(e)}`);
  void stop(1);
});
