import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const BENCH_DIR = new URL('.', import.meta.url).pathname;
/** Where results go: bench/ itself, or BENCH_OUT_DIR (a test's tiny run must not overwrite them). */
const OUT_DIR = process.env.BENCH_OUT_DIR ?? BENCH_DIR;

export interface Row {
  metric: string;
  keel: number;
  anchor: number | null;
  anchorName: string;
  unit: string;
  /** keel / anchor for throughput, or value vs target for bounds. */
  ratio: number | null;
  target: string;
  pass: boolean;
}

/** Run `fn` repeatedly for `ms` and return operations per second (ops counted by fn's return). */
export async function throughput(ms: number, fn: () => Promise<number>): Promise<number> {
  const end = performance.now() + ms;
  let ops = 0;
  const t0 = performance.now();
  while (performance.now() < end) ops += await fn();
  return ops / ((performance.now() - t0) / 1000);
}

export interface Measure {
  opsPerSec: number;
  /** CPU time this process spent per operation (user + system): the client-side cost. */
  cpuUsPerOp: number;
}

/** Throughput and this process's CPU per operation over `ms`. */
export async function measure(ms: number, fn: () => Promise<number>): Promise<Measure> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const opsPerSec = await throughput(ms, fn);
  const cpu = process.cpuUsage(c0);
  const ops = (opsPerSec * (performance.now() - t0)) / 1000;
  return { opsPerSec, cpuUsPerOp: (cpu.user + cpu.system) / ops };
}

/** Medians of paired rounds of two measured sides: throughput, CPU per op, per-round ratio. */
export async function compare(
  rounds: number,
  ms: number,
  anchor: () => Promise<number>,
  keel: () => Promise<number>,
): Promise<{ anchor: Measure; keel: Measure; ratio: number }> {
  const a: Measure[] = [];
  const k: Measure[] = [];
  for (let i = 0; i < rounds; i++) {
    // ABBA: neither side always runs first (after the other's garbage).
    if (i % 2 === 0) {
      a.push(await measure(ms, anchor));
      k.push(await measure(ms, keel));
    } else {
      k.push(await measure(ms, keel));
      a.push(await measure(ms, anchor));
    }
  }
  const med = (xs: Measure[]): Measure => ({
    opsPerSec: median(xs.map((x) => x.opsPerSec)),
    cpuUsPerOp: median(xs.map((x) => x.cpuUsPerOp)),
  });
  return {
    anchor: med(a),
    keel: med(k),
    ratio: median(k.map((x, i) => x.opsPerSec / (a[i] as Measure).opsPerSec)),
  };
}

/**
 * Alternate A and B for several rounds (so drift and noisy neighbours hit both) and return the
 * median of each side plus the median of the per-round ratios B/A, which is what targets compare.
 */
export async function interleaved(
  rounds: number,
  a: () => Promise<number>,
  b: () => Promise<number>,
): Promise<[number, number, number]> {
  const as: number[] = [];
  const bs: number[] = [];
  // ABBA order: neither side always runs first (after the other's garbage).
  for (let i = 0; i < rounds; i++) {
    if (i % 2 === 0) {
      as.push(await a());
      bs.push(await b());
    } else {
      bs.push(await b());
      as.push(await a());
    }
  }
  return [median(as), median(bs), median(bs.map((x, i) => x / (as[i] as number)))];
}

export function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** Write `results/<name>.json` and replace this benchmark's section of RESULTS.md. */
export async function report(
  name: string,
  title: string,
  rows: Row[],
  notes: string[],
): Promise<void> {
  await mkdir(join(OUT_DIR, 'results'), { recursive: true });
  const machine = {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpus: (await import('node:os')).cpus().length,
  };
  await writeFile(
    join(OUT_DIR, 'results', `${name}.json`),
    JSON.stringify({ name, at: new Date().toISOString(), machine, rows, notes }, null, 2) + '\n',
  );
  const fmt = (n: number | null) =>
    n === null ? '–' : n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2);
  const table = [
    `## ${title}`,
    '',
    `_${new Date().toISOString().slice(0, 16)}Z, Node ${process.version}, ${machine.cpus} cores (\`npm run bench -- ${name}\`)_`,
    '',
    '| metric | Keel | anchor | anchor value | ratio | target | pass |',
    '|---|---:|---|---:|---:|---|:---:|',
    ...rows.map(
      (r) =>
        `| ${r.metric} | ${fmt(r.keel)} ${r.unit} | ${r.anchorName} | ${fmt(r.anchor)} | ${fmt(r.ratio)} | ${r.target} | ${r.pass ? '✅' : '❌'} |`,
    ),
    '',
    ...notes.map((n) => `- ${n}`),
    '',
  ].join('\n');
  const file = join(OUT_DIR, 'RESULTS.md');
  let text = await readFile(file, 'utf8').catch(
    () =>
      '# Benchmark results\n\nWritten by the benchmarks in bench/ (`npm run bench`). Each compares Keel against a named anchor measured in the same run.\n\n',
  );
  const start = text.indexOf(`<!-- ${name} -->`);
  const end = text.indexOf(`<!-- /${name} -->`);
  const block = `<!-- ${name} -->\n${table}<!-- /${name} -->`;
  text =
    start >= 0 && end > start
      ? text.slice(0, start) + block + text.slice(end + `<!-- /${name} -->`.length)
      : `${text.trimEnd()}\n\n${block}\n`;
  await writeFile(file, text);
  console.log(table);
}
