// Store layer vs raw drivers, in one run against private servers:
//   mysql2 pool queries/s through Keel ≥ 0.9× raw mysql2 pool;
//   Redis pipelined commands/s through Keel ≥ 0.9× raw ioredis pipeline;
//   health sweep over 50 connections ≤ 1 s.
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore } from '../electron/main/bootstrap';
import { silentLogger } from '../electron/main/lib/logger';
import { KeyCipher } from '../electron/main/secrets/cipher';
import { MysqlStore } from '../electron/main/stores/mysql.store';
import { RedisStore } from '../electron/main/stores/redis.store';
import { conn } from '../test/support/connections';
import { startInfluxDb, startMariaDb, startRedis, stopAll } from '../test/support';
import { compare, median, report, throughput, type Row } from './lib';

const CONCURRENCY = 16;
const WINDOW_MS = 2000;
const ROUNDS = 10;

async function main(): Promise<void> {
  const [db, redis, influx] = await Promise.all([
    startMariaDb({ name: 'bench' }),
    startRedis({ name: 'bench' }),
    startInfluxDb({ name: 'bench' }),
  ]);
  const rows: Row[] = [];
  try {
    // MySQL: CONCURRENCY callers issuing point queries for WINDOW_MS.
    const raw = mysql.createPool({
      host: db.host,
      port: db.port,
      user: 'root',
      connectionLimit: 10,
    });
    const keel = new MysqlStore({
      connection: conn('mysql', db.host, db.port, {
        pool: { max: 10, min: 0, idleTimeoutMs: 60_000 },
      }),
      secret: undefined,
    });
    const burst = (q: () => Promise<unknown>) => () =>
      Promise.all(Array.from({ length: CONCURRENCY }, q)).then(() => CONCURRENCY);
    await throughput(
      500,
      burst(() => raw.query('SELECT 1')),
    );
    await throughput(
      500,
      burst(() => keel.query('SELECT 1')),
    );
    const my = await compare(
      ROUNDS,
      WINDOW_MS,
      burst(() => raw.query('SELECT ? AS n', [1])),
      burst(() => keel.query('SELECT ? AS n', [1])),
    );
    rows.push({
      metric: 'MySQL point queries',
      keel: my.keel.opsPerSec,
      anchor: my.anchor.opsPerSec,
      anchorName: 'raw mysql2 pool',
      unit: 'q/s',
      ratio: my.ratio,
      target: '≥ 0.9× anchor',
      pass: my.ratio >= 0.9,
    });
    rows.push({
      metric: 'MySQL client CPU per query',
      keel: my.keel.cpuUsPerOp,
      anchor: my.anchor.cpuUsPerOp,
      anchorName: 'raw mysql2 pool',
      unit: 'µs',
      ratio: my.keel.cpuUsPerOp / my.anchor.cpuUsPerOp,
      target: 'informational',
      pass: true,
    });
    await raw.end();
    await keel.close();

    // Redis: pipelines of 1,000 SET+GET.
    const rawRedis = new Redis({ host: redis.host, port: redis.port });
    const keelRedis = new RedisStore({
      connection: conn('redis', redis.host, redis.port),
      secret: undefined,
    });
    const cmds = Array.from(
      { length: 500 },
      (_, i) =>
        [
          ['SET', `b:${i}`, 'v'],
          ['GET', `b:${i}`],
        ] as Array<[string, string, ...string[]]>,
    ).flat();
    const rawPipe = async () => {
      const p = rawRedis.pipeline();
      for (const [c, ...a] of cmds) void p.call(c, ...a);
      await p.exec();
      return cmds.length;
    };
    const keelPipe = async () => (await keelRedis.pipeline(cmds)).length;
    await throughput(500, rawPipe);
    await throughput(500, keelPipe);
    const rd = await compare(ROUNDS, WINDOW_MS, rawPipe, keelPipe);
    rows.push({
      metric: 'Redis pipelined commands',
      keel: rd.keel.opsPerSec,
      anchor: rd.anchor.opsPerSec,
      anchorName: 'raw ioredis pipeline',
      unit: 'cmd/s',
      ratio: rd.ratio,
      target: '≥ 0.9× anchor',
      pass: rd.ratio >= 0.9,
    });
    rows.push({
      metric: 'Redis client CPU per command',
      keel: rd.keel.cpuUsPerOp,
      anchor: rd.anchor.cpuUsPerOp,
      anchorName: 'raw ioredis pipeline',
      unit: 'µs',
      ratio: rd.keel.cpuUsPerOp / rd.anchor.cpuUsPerOp,
      target: 'informational',
      pass: true,
    });
    rawRedis.disconnect();
    await keelRedis.close();

    // Health sweep over 50 connections (20 MySQL, 20 Redis, 10 InfluxDB), cold and warm.
    const dir = await mkdtemp(join(tmpdir(), 'keel-bench-'));
    const env: NodeJS.ProcessEnv = { KEEL_ENV_ID: 'bench' };
    for (let i = 0; i < 20; i++) env[`KEEL_CONN_DB${i}_URI`] = `mysql://root@127.0.0.1:${db.port}/`;
    for (let i = 0; i < 20; i++)
      env[`KEEL_CONN_CACHE${i}_URI`] = `redis://127.0.0.1:${redis.port}/0`;
    for (let i = 0; i < 10; i++) env[`KEEL_CONN_TS${i}_URI`] = `http://127.0.0.1:${influx.port}/`;
    const core = await createCore({
      shell: 'cli',
      version: 'bench',
      userDataDir: dir,
      cipher: new KeyCipher('b', Buffer.alloc(32)),
      logger: silentLogger(),
      env,
    });
    const sweep = async () => {
      const t0 = performance.now();
      const r = await core.services.health.probe('bench');
      if (r.length !== 50 || r.some((x) => x.status === 'down'))
        throw new Error('sweep saw a down store');
      return performance.now() - t0;
    };
    const cold = await sweep();
    const warm = median([
      await sweep(),
      await sweep(),
      await sweep(),
      await sweep(),
      await sweep(),
    ]);
    rows.push({
      metric: 'health sweep, 50 connections, cold (new pools)',
      keel: cold,
      anchor: null,
      anchorName: '–',
      unit: 'ms',
      ratio: null,
      target: '≤ 1000 ms',
      pass: cold <= 1000,
    });
    rows.push({
      metric: 'health sweep, 50 connections, warm',
      keel: warm,
      anchor: null,
      anchorName: '–',
      unit: 'ms',
      ratio: null,
      target: '≤ 1000 ms',
      pass: warm <= 1000,
    });
    await core.dispose();
    await rm(dir, { recursive: true, force: true });
  } finally {
    await stopAll();
  }
  await report('stores', 'Store layer vs raw drivers (issue 3)', rows, [
    `MySQL: ${CONCURRENCY} concurrent callers, pool of 10, \`SELECT ? AS n\`; ${ROUNDS} interleaved ${WINDOW_MS} ms windows per side (ABBA); ratio = median of the per-round ratios.`,
    'Redis: pipelines of 1,000 commands (500 SET + 500 GET) on one connection; same windows.',
    "Client CPU per operation (process.cpuUsage) is the cost of the layer itself and is steadier than throughput on a shared 2-core machine; Keel turns off mysql2's per-query stack capture (`trace: false`) because it maps every driver error with its own stack.",
    'Health sweep: every probe of the 50 endpoints in parallel (round trip + version, role, uptime, replication status); cold includes creating the 50 pools.',
  ]);
  if (rows.some((r) => !r.pass)) process.exitCode = 1;
}

void main();
