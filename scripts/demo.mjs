#!/usr/bin/env node
// `npm run demo`: the console on the demo environment, on a fresh machine. Installs what is
// missing, builds, starts private MariaDB (primary + delayed replica), Redis and InfluxDB on
// loopback and the test-only MongoDB stand-in (or KEEL_DEMO_MONGO_URL), builds the platform from
// the default blueprint and seeds 200 tenants, then opens the Electron window, or serves the
// console and prints its URL where no Electron binary (or no display) is available. Ctrl-C stops
// everything.
import { spawn } from 'node:child_process';
import {
  ROOT,
  checkNode,
  ensureElectronBinary,
  ensureNpmDeps,
  ensureSystemPackages,
  log,
  run,
} from './lib/setup.mjs';

checkNode();
ensureSystemPackages(['mariadb-server', 'mariadb-client', 'redis-server', 'influxdb']);
ensureNpmDeps();
log('building Keel…');
if (
  run('npx', ['--no-install', 'electron-vite', 'build'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  }) !== 0
)
  process.exit(1);

const display =
  process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
const desktop = !process.argv.includes('--serve') && display && ensureElectronBinary();
// Node itself (not npx) runs the demo, so a SIGTERM forwarded here reaches it.
const child = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    'scripts/demo/run.ts',
    desktop ? '--desktop' : '--serve',
    ...process.argv.slice(2),
  ],
  {
    cwd: ROOT,
    stdio: 'inherit',
  },
);
const forward = (sig) => child.kill(sig);
process.on('SIGINT', forward);
process.on('SIGTERM', forward);
child.on('exit', (code) => process.exit(code ?? 0));
