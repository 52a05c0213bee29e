// Monitoring, in one run against private servers:
//   sample ingest through Keel's writer into InfluxDB ≥ 0.8× a bare batched line-protocol POST of
//   the same points (5,000 lines per request, 2 in flight), with one request per point alongside;
//   one collection sweep over 50 connections (25 MariaDB + 25 Redis) ≤ 1 s, cold and warm;
//   CPU time the collectors cost the monitored MariaDB (and Redis) per collection.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore } from '../electron/main/bootstrap';
import { silentLogger } from '../electron/main/lib/logger';
import { KeyCipher } from '../electron/main/secrets/cipher';
import { SampleWriter } from '../electron/main/services/monitoring/sample-writer';
import { InfluxStore } from '../electron/main/stores/influx.store';
import { METRICS, type MetricName, type Sample } from '../shared/monitoring';
import { conn } from '../test/support/connections';
import { startInfluxDb, startMariaDb, startRedis, stopAll } from '../test/support';
import { median, report, type Row } from './lib';

const POINTS = Number(process.env.BENCH_POINTS ?? 200_000);
const ROUNDS = 8;
const BATCH = 5000;
const IN_FLIGHT = 2;
const PER_POINT_MS = 3000;
const SWEEPS_FOR_CPU = 60;

/** Points as sweeps make them: 50 connections × their metrics, one timestamp per sweep. */
function makeSamples(n: number, round: number): Sample[] {
  const metrics = (Object.keys(METRICS) as MetricName[]).filter(
    (m) => !('tags' in METRICS[m]) && (m.startsWith('mysql.') || m.startsWith('redis.')),
  );
  const out: Sample[] = [];
  const t0 = Date.UTC(2026, 0, 1) + round * 86_400_000;
  for (let sweep = 0; out.length < n; sweep++) {
    for (let c = 0; c < 50 && out.length < n; c++) {
      const kind = c < 25 ? 'mysql' : 'redis';
      for (const metric of metrics) {
        if (!metric.startsWith(kind) || out.length >= n) continue;
        out.push({
          envId: 'bench',
          connectionId: `${kind}${c}`,
          kind,
          metric,
          value: (sweep * 7 + c) % 1000,
          unit: METRICS[metric].unit,
          at: t0 + sweep * 10_000,
        });
      }
    }
  }
  return out;
}

/** The bare anchor's lines: the same points, formatted with a plain template (no escaping). */
const bareLines = (samples: Sample[]): string[] =>
  samples.map(
    (s) =>
      `keel.${s.metric},conn=${s.connectionId},env=${s.envId},kind=${s.kind} value=${s.value} ${s.at}000000`,
  );

function post(port: number, agent: http.Agent, db: string, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: 'POST', path: `/write?db=${db}&precision=ns`, agent },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 204 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** `lines` in requests of `size` lines, `inFlight` at a time; returns points/s. */
async function barePost(
  port: number,
  agent: http.Agent,
  db: string,
  lines: string[],
  size: number,
  inFlight: number,
  maxMs = Infinity,
): Promise<number> {
  let next = 0;
  let sent = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < lines.length && performance.now() - t0 < maxMs) {
        const chunk = lines.slice(next, next + size);
        next += size;
        await post(port, agent, db, chunk.join('\n'));
        sent += chunk.length;
      }
    }),
  );
  return sent / ((performance.now() - t0) / 1000);
}

/** Through Keel: samples handed to the writer sweep by sweep (1,000 at a time), until written. */
async function viaWriter(store: InfluxStore, db: string, samples: Sample[]): Promise<number> {
  const writer = new SampleWriter((lines) => store.writeLines({ db }, lines), {
    batchSize: BATCH,
    maxInFlight: IN_FLIGHT,
    capacity: samples.length + 1,
  });
  const t0 = performance.now();
  for (let i = 0; i < samples.length; i += 1000) {
    writer.add(samples.slice(i, i + 1000));
    await new Promise((r) => setImmediate(r));
  }
  if (!(await writer.drain(120_000))) throw new Error('writer did not drain');
  const s = writer.stats();
  if (s.written !== samples.length || s.dropped > 0) throw new Error(`writer lost samples`);
  const rate = samples.length / ((performance.now() - t0) / 1000);
  await writer.dispose();
  return rate;
}

/** utime + stime of a process, in ms (from /proc; clock ticks are 10 ms). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

async function main(): Promise<void> {
  const [db, redis, influx] = await Promise.all([
    startMariaDb({ name: 'bench-mon' }),
    startRedis({ name: 'bench-mon' }),
    startInfluxDb({ name: 'bench-mon' }),
  ]);
  const rows: Row[] = [];
  const notes: string[] = [];
  try {
    // --- Ingest ---------------------------------------------------------------------------
    await influx.query('CREATE DATABASE bench_keel');
    await influx.query('CREATE DATABASE bench_bare');
    await influx.query('CREATE DATABASE bench_single');
    const agent = new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
    const store = new InfluxStore({
      connection: conn('influxdb', influx.host, influx.port, {
        timeouts: { connectMs: 5000, operationMs: 60_000 },
      }),
      secret: undefined,
    });
    // Warm both paths (JIT, sockets, the databases' shards).
    await viaWriter(store, 'bench_keel', makeSamples(20_000, 99));
    await barePost(influx.port, agent, 'bench_bare', bareLines(makeSamples(20_000, 99)), BATCH, 2);
    const keel: number[] = [];
    const bare: number[] = [];
    const keelCpu: number[] = [];
    const bareCpu: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const samples = makeSamples(POINTS, r);
      const lines = bareLines(samples);
      const runKeel = async () => {
        const c0 = process.cpuUsage();
        keel.push(await viaWriter(store, 'bench_keel', samples));
        const c = process.cpuUsage(c0);
        keelCpu.push((c.user + c.system) / POINTS);
      };
      const runBare = async () => {
        const c0 = process.cpuUsage();
        bare.push(await barePost(influx.port, agent, 'bench_bare', lines, BATCH, IN_FLIGHT));
        const c = process.cpuUsage(c0);
        bareCpu.push((c.user + c.system) / POINTS);
      };
      if (r % 2 === 0) await runBare().then(runKeel);
      else await runKeel().then(runBare);
    }
    const single = await barePost(
      influx.port,
      agent,
      'bench_single',
      bareLines(makeSamples(50_000, 50)),
      1,
      IN_FLIGHT,
      PER_POINT_MS,
    );
    const ratio = median(keel.map((k, i) => k / (bare[i] as number)));
    rows.push({
      metric: 'sample ingest into InfluxDB through the writer',
      keel: median(keel),
      anchor: median(bare),
      anchorName: 'bare batched POST (5,000 lines, 2 in flight)',
      unit: 'points/s',
      ratio,
      target: '≥ 0.8× anchor',
      pass: ratio >= 0.8,
    });
    rows.push({
      metric: 'sample ingest vs one request per point',
      keel: median(keel),
      anchor: single,
      anchorName: 'one POST per point (2 in flight)',
      unit: 'points/s',
      ratio: median(keel) / single,
      target: 'informational',
      pass: true,
    });
    rows.push({
      metric: 'client CPU per point',
      keel: median(keelCpu),
      anchor: median(bareCpu),
      anchorName: 'bare batched POST (lines pre-formatted)',
      unit: 'µs',
      ratio: median(keelCpu) / median(bareCpu),
      target: 'informational',
      pass: true,
    });
    agent.destroy();
    await store.close();

    // --- Sweeps over 50 connections ----------------------------------------------------------
    await db.query('CREATE DATABASE shop');
    await db.query(
      `CREATE TABLE shop.orders (id INT NOT NULL, d DATE NOT NULL, PRIMARY KEY (id, d))
         PARTITION BY RANGE COLUMNS(d) (PARTITION p1 VALUES LESS THAN ('2026-01-01'),
           PARTITION p2 VALUES LESS THAN ('2026-02-01'), PARTITION pmax VALUES LESS THAN (MAXVALUE))`,
    );
    const dir = await mkdtemp(join(tmpdir(), 'keel-bench-mon-'));
    const env: NodeJS.ProcessEnv = { KEEL_ENV_ID: 'bench' };
    for (let i = 0; i < 25; i++) env[`KEEL_CONN_DB${i}_URI`] = `mysql://root@127.0.0.1:${db.port}/`;
    for (let i = 0; i < 25; i++)
      env[`KEEL_CONN_CACHE${i}_URI`] = `redis://127.0.0.1:${redis.port}/0`;
    const core = await createCore({
      shell: 'cli',
      version: 'bench',
      userDataDir: dir,
      cipher: new KeyCipher('b', Buffer.alloc(32)),
      logger: silentLogger(),
      env,
    });
    const mon = core.services.monitoring;
    const sweep = async (): Promise<number> => {
      const t0 = performance.now();
      await mon.collectNow('bench');
      const ms = performance.now() - t0;
      const latest = await mon.latest('bench');
      const failed = latest.connections.filter((c) => !c.lastSweep?.ok);
      if (latest.connections.length !== 50 || failed.length > 0)
        throw new Error(`sweep failed on ${failed.map((c) => c.connectionId).join(', ')}`);
      return ms;
    };
    const cold = await sweep(); // sweep 0 of each connection: also sizes and partitions
    const warm: number[] = [];
    for (let i = 1; i < 10; i++) warm.push(await sweep());
    const warmSlow = await sweep(); // sweep 10: sizes and partitions again, on warm pools
    const sweepRow = (metric: string, v: number): Row => ({
      metric,
      keel: v,
      anchor: null,
      anchorName: '–',
      unit: 'ms',
      ratio: null,
      target: '≤ 1000 ms',
      pass: v <= 1000,
    });
    rows.push(sweepRow('collection sweep, 50 connections, cold (new pools, with sizes)', cold));
    rows.push(sweepRow('collection sweep, 50 connections, warm', median(warm)));
    rows.push(sweepRow('collection sweep, 50 connections, warm with sizes + partitions', warmSlow));

    // --- Server CPU the collectors cost --------------------------------------------------------
    const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
    await pause(1000);
    const c0 = { db: cpuMs(db.pid), redis: cpuMs(redis.pid) };
    const t0 = performance.now();
    for (let i = 0; i < SWEEPS_FOR_CPU; i++) await mon.collectNow('bench');
    const busyMs = performance.now() - t0;
    const c1 = { db: cpuMs(db.pid), redis: cpuMs(redis.pid) };
    await pause(busyMs);
    const c2 = { db: cpuMs(db.pid), redis: cpuMs(redis.pid) };
    const collections = SWEEPS_FOR_CPU * 25;
    const perCollection = (k: 'db' | 'redis') =>
      Math.max(0, c1[k] - c0[k] - (c2[k] - c1[k])) / collections;
    const dbCpu = perCollection('db');
    const redisCpu = perCollection('redis');
    // Share of one core per monitored connection at the default 10 s interval.
    const share = (ms: number) => (ms / 10_000) * 100;
    rows.push({
      metric: 'MariaDB CPU per collection (1 in 10 with sizes)',
      keel: dbCpu,
      anchor: null,
      anchorName: '–',
      unit: 'ms',
      ratio: share(dbCpu),
      target: '≤ 0.5 % of a core per connection at 10 s',
      pass: share(dbCpu) <= 0.5,
    });
    rows.push({
      metric: 'Redis CPU per collection',
      keel: redisCpu,
      anchor: null,
      anchorName: '–',
      unit: 'ms',
      ratio: share(redisCpu),
      target: '≤ 0.5 % of a core per connection at 10 s',
      pass: share(redisCpu) <= 0.5,
    });
    notes.push(
      `Ingest: ${POINTS.toLocaleString('en-US')} points per round (50 connections' untagged MySQL / Redis metrics, new timestamps each round), ${ROUNDS} interleaved rounds (ABBA), each side into its own database of the same private InfluxDB ${'1.6'}; ratio = median of the per-round ratios. Keel's side is timed from the first sample handed to the writer (1,000 per call, as sweeps arrive) until InfluxDB acknowledged the last batch, so it includes building the line protocol; the bare anchor's lines are formatted before its clock starts.`,
      `One request per point: ${PER_POINT_MS / 1000} s of single-line POSTs, 2 in flight, keep-alive.`,
      `Sweeps: ${'`monitoring.collectNow`'} over 25 MariaDB + 25 Redis connections to one private server each, all in parallel; warm = median of 9; every 10th sweep of a connection also reads database sizes and rows per partition from information_schema.`,
      `Server CPU: utime + stime of mariadbd / redis-server from /proc/<pid>/stat (10 ms ticks) over ${SWEEPS_FOR_CPU} sweeps of 25 connections each (${collections.toLocaleString('en-US')} collections, ${Math.round(busyMs)} ms), minus an idle period of the same length; the ratio column is the share of one core per monitored connection at the default 10 s interval.`,
    );
    await core.dispose();
    await rm(dir, { recursive: true, force: true });
  } finally {
    await stopAll();
  }
  await report(
    'monitoring',
    'Monitoring: sample ingest, collection sweeps, server cost',
    rows,
    notes,
  );
  if (rows.some((r) => !r.pass)) process.exitCode = 1;
}

void main();
