#!/usr/bin/env node
// `npm run bench [-- name…]`: run benchmarks in bench/ (each writes bench/results/<name>.json and
// its section of bench/RESULTS.md). Benchmarks are not part of `npm test`.
import { readdirSync } from 'node:fs';
import { ROOT, checkNode, ensureNpmDeps, ensureSystemPackages, log, run } from './lib/setup.mjs';

checkNode();
ensureSystemPackages(['mariadb-server', 'mariadb-client', 'redis-server', 'influxdb']);
ensureNpmDeps();
const all = readdirSync(`${ROOT}/bench`)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace('.bench.ts', ''));
const wanted = process.argv.slice(2).length > 0 ? process.argv.slice(2) : all;
let failed = false;
for (const name of wanted) {
  if (!all.includes(name)) {
    log(`no benchmark "${name}" (have: ${all.join(', ')})`);
    process.exit(2);
  }
  log(`bench ${name}`);
  if (run('npx', ['--no-install', 'tsx', `bench/${name}.bench.ts`]) !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
