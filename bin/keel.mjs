#!/usr/bin/env node
// `npx keel` from the checkout, and the package bin: runs the built CLI (out/main/cli.js),
// building it first if this checkout has never been built.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = fileURLToPath(new URL('../out/main/cli.js', import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write('keel: building the CLI once (electron-vite build)…\n');
  const r = spawnSync('npx', ['--no-install', 'electron-vite', 'build'], {
    cwd: root,
    stdio: ['ignore', 2, 2],
  });
  if (r.status !== 0) {
    process.stderr.write('keel: the build failed; run `npm ci` first\n');
    process.exit(1);
  }
}
await import(pathToFileURL(cli).href);
