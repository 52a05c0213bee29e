#!/usr/bin/env node
// `npm test`: the whole suite on a fresh machine. Installs what is missing (Debian packages,
// npm dependencies), then lint, typecheck, build, Electron security scan, unit, integration, e2e.
// `npm test -- unit integration` runs only the named steps.
import { ROOT, checkNode, ensureNpmDeps, ensureSystemPackages, log, run } from './lib/setup.mjs';

checkNode();
ensureSystemPackages();
ensureNpmDeps();

const npx = (...args) => ['npx', ['--no-install', ...args]];
const STEPS = {
  lint: [
    // The lock file must satisfy `npm ci` on a fresh machine (this one may have node_modules already).
    ['npm', ['ci', '--dry-run', '--ignore-scripts', '--no-audit', '--no-fund']],
    npx('eslint', '.', '--max-warnings=0'),
    npx('prettier', '--check', '.', '--log-level', 'warn'),
  ],
  typecheck: [
    npx('tsc', '-p', 'tsconfig.json', '--noEmit'),
    npx('tsc', '-p', 'tsconfig.web.json', '--noEmit'),
  ],
  build: [npx('electron-vite', 'build')],
  security: [['node', ['scripts/electronegativity.mjs']]],
  unit: [npx('vitest', 'run', '--project', 'unit', '--project', 'component')],
  integration: [npx('vitest', 'run', '--project', 'integration')],
  e2e: [npx('playwright', 'test')],
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((s) => !(s in STEPS));
if (unknown.length > 0) {
  log(`unknown step(s): ${unknown.join(', ')}; steps are: ${Object.keys(STEPS).join(', ')}`);
  process.exit(2);
}
const steps = wanted.length > 0 ? wanted : Object.keys(STEPS);
const timings = [];
for (const step of steps) {
  const t0 = Date.now();
  log(`── ${step} ──`);
  for (const [cmd, args] of STEPS[step]) {
    const status = run(cmd, args, { cwd: ROOT, env: { npm_config_loglevel: 'error' } });
    if (status !== 0) {
      log(`${step} failed (${cmd} ${args.join(' ')} exited ${status})`);
      process.exit(1);
    }
  }
  timings.push(`${step} ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
log(`all green: ${timings.join(' · ')}`);
