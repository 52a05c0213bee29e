// Shared by `npm run demo` and `npm test`: make a fresh Debian/Ubuntu machine ready, or say
// exactly what is missing. Plain Node, no dependencies (runs before `npm ci`).
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');

/** Debian packages → the commands (or absolute file paths) that prove they are installed. */
const PACKAGES = {
  'mariadb-server': ['mariadbd', 'mariadb-install-db'],
  'mariadb-client': ['mariadb'],
  'redis-server': ['redis-server'],
  influxdb: ['influxd'],
  chromium: ['chromium'],
  xvfb: ['Xvfb'],
  // Chinese glyphs for the zh-CN UI in headless Chromium (screenshots, e2e); 5 MB.
  'fonts-wqy-microhei': ['/usr/share/fonts/truetype/wqy/wqy-microhei.ttc'],
};

const SBIN = ['/usr/sbin', '/usr/local/sbin', '/sbin'];

export function which(cmd) {
  const dirs = [...(process.env.PATH ?? '').split(':'), ...SBIN];
  return dirs.map((d) => join(d, cmd)).find((p) => existsSync(p));
}

export function log(msg) {
  process.stderr.write(`\x1b[36m[keel]\x1b[0m ${msg}\n`);
}

export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, {
    stdio: 'inherit',
    cwd: ROOT,
    ...opts,
    env: { ...process.env, ...opts.env },
  });
  return r.status ?? 1;
}

export function checkNode() {
  const [maj, min] = process.versions.node.split('.').map(Number);
  if (maj < 20 || (maj === 20 && min < 19)) {
    log(`Node ${process.versions.node} is too old: Keel needs Node 20.19 or newer.`);
    process.exit(2);
  }
}

/** Install the missing Debian packages with apt-get (as root, or with passwordless sudo). */
export function ensureSystemPackages(names = Object.keys(PACKAGES)) {
  const present = (c) => (c.startsWith('/') ? existsSync(c) : Boolean(which(c)));
  const missing = names.filter((p) => PACKAGES[p].some((c) => !present(c)));
  if (missing.length === 0) return;
  const isRoot = process.getuid?.() === 0;
  const sudo = !isRoot && which('sudo') && spawnSync('sudo', ['-n', 'true']).status === 0;
  if (!which('apt-get') || (!isRoot && !sudo)) {
    log(`missing system packages: ${missing.join(' ')}`);
    log(`install them, then run this again:  sudo apt-get install -y ${missing.join(' ')}`);
    process.exit(2);
  }
  const prefix = isRoot ? [] : ['sudo', '-n'];
  const apt = (args) =>
    run(
      prefix[0] ?? 'apt-get',
      [...prefix.slice(1), ...(prefix.length ? ['apt-get'] : []), ...args],
      { env: { DEBIAN_FRONTEND: 'noninteractive' } },
    );
  log(`installing ${missing.join(' ')} (apt-get)…`);
  if (
    apt(['update', '-qq']) !== 0 ||
    apt(['install', '-y', '-qq', '--no-install-recommends', ...missing]) !== 0
  ) {
    log(`apt-get could not install: ${missing.join(' ')}`);
    process.exit(2);
  }
}

/** `npm ci` when node_modules is missing or older than the lock file. The Electron binary is
 * fetched separately (ensureElectronBinary) because its download fails on closed networks. */
export function ensureNpmDeps() {
  const marker = join(ROOT, 'node_modules', '.package-lock.json');
  const lock = join(ROOT, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  log('installing npm dependencies (npm ci)…');
  if (
    run('npm', ['ci', '--no-audit', '--no-fund'], {
      env: { ELECTRON_SKIP_BINARY_DOWNLOAD: '1', npm_config_loglevel: 'error' },
    }) !== 0
  ) {
    log('npm ci failed (see above)');
    process.exit(2);
  }
}

/** Try to download the Electron binary once; false when it cannot be had here. */
export function ensureElectronBinary() {
  const pathTxt = join(ROOT, 'node_modules', 'electron', 'path.txt');
  if (existsSync(pathTxt)) return true;
  log('fetching the Electron binary…');
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'electron', 'install.js')], {
    cwd: ROOT,
    stdio: 'pipe',
    timeout: 180_000,
  });
  if (r.status === 0 && existsSync(pathTxt)) return true;
  log('no Electron binary could be downloaded on this machine: using server mode instead.');
  return false;
}
