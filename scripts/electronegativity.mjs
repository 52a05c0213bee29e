#!/usr/bin/env node
// Electron security scan (Doyensec electronegativity) over electron/: fails on any HIGH or MEDIUM
// finding and on files it could not parse (an unscanned file is not a clean file).
// Its CLI breaks on the commander version npm hoists, so its programmatic runner is used.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const run = require('@doyensec/electronegativity');
const root = new URL('..', import.meta.url).pathname;
const out = join(mkdtempSync(join(tmpdir(), 'keel-eng-')), 'report.json');

const electronVersion = JSON.parse(
  readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8'),
).version;
const result = await run(
  {
    input: join(root, 'electron'),
    output: out,
    isSarif: false,
    customScan: [],
    severitySet: 'informational',
    confidenceSet: 'tentative',
    isRelative: true,
    electronVersionOverride: electronVersion,
    parserPlugins: [],
  },
  false,
);
rmSync(out, { force: true });

const findings = result.issues ?? [];
const serious = findings.filter((f) =>
  ['HIGH', 'MEDIUM'].includes(String(f.severity?.name).toUpperCase()),
);
const unparsed = (result.errors ?? []).filter((e) => !e.tolerable);
for (const f of findings) {
  const sev = `${f.severity?.name ?? '?'}/${f.confidence?.name ?? '?'}`;
  console.log(
    `${sev.padEnd(22)} ${f.id}  ${f.file}:${f.location?.line ?? ''}  ${f.description ?? ''}`,
  );
}
for (const e of unparsed) console.log(`UNPARSED      ${e.file}: ${e.message}`);
console.log(
  `electronegativity: ${result.atomicChecks} + ${result.globalChecks} checks over electron/; ${findings.length} finding(s), ${serious.length} high/medium, ${unparsed.length} unparsed file(s)`,
);
process.exit(serious.length > 0 || unparsed.length > 0 ? 1 : 0);
