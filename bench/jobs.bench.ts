// Jobs engine: enqueue-to-start latency (p50/p99) and throughput of no-op jobs (jobs.ping) through
// BullMQ with 1 and 3 `keel agent` workers against a private Redis + MariaDB, and the overhead per
// job versus the in-process runner (the anchor) measured in the same run.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobRecord } from '../shared/jobs';
import { createCore, type Core } from '../electron/main/bootstrap';
import { silentLogger } from '../electron/main/lib/logger';
import { KeyCipher } from '../electron/main/secrets/cipher';
import { startMariaDb, startRedis, stopAll } from '../test/support';
import { cliBuilt, startAgent, type AgentHandle } from '../test/support/agent';
import { report, type Row } from './lib';

const JOBS = Number(process.env.BENCH_JOBS ?? 500);
const ctx = {
  shell: 'server' as const,
  actor: { type: 'user' as const, name: 'bench' },
  signal: new AbortController().signal,
};

interface Run {
  p50: number;
  p99: number;
  perSec: number;
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number;
};

async function measure(core: Core, envId: string): Promise<Run> {
  const t0 = Date.now();
  const ids: string[] = [];
  let issued = 0;
  // Enqueue from 8 concurrent callers, as a busy team would.
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (issued < JOBS) {
        issued++;
        const r = await core.router.dispatch(
          'jobs.start',
          { kind: 'jobs.ping', payload: { envId } },
          ctx,
        );
        if (!r.ok) throw new Error(r.error.message);
        ids.push((r.value as JobRecord).id);
      }
    }),
  );
  const recs = await Promise.all(ids.map((id) => core.services.jobs.wait(id)));
  const end = Math.max(...recs.map((r) => Date.parse(r.finishedAt ?? '')));
  const lat = recs.map((r) => Date.parse(r.startedAt ?? '') - Date.parse(r.createdAt));
  if (recs.some((r) => r.state !== 'completed')) throw new Error('a ping did not complete');
  return { p50: pct(lat, 50), p99: pct(lat, 99), perSec: JOBS / ((end - t0) / 1000) };
}

async function main(): Promise<void> {
  if (!cliBuilt()) throw new Error('build first: npx electron-vite build');
  const [db, redis] = await Promise.all([
    startMariaDb({ name: 'bench-jobs' }),
    startRedis({ name: 'bench-jobs' }),
  ]);
  const rows: Row[] = [];
  const homes: string[] = [];
  const agents: AgentHandle[] = [];
  try {
    const mk = async (env: NodeJS.ProcessEnv, work: boolean): Promise<Core> => {
      const home = await mkdtemp(join(tmpdir(), 'keel-bench-'));
      homes.push(home);
      return createCore({
        shell: 'server',
        version: 'bench',
        userDataDir: home,
        cipher: new KeyCipher('b', Buffer.alloc(32)),
        logger: silentLogger(),
        env,
        work,
      });
    };
    // Anchor: the in-process runner (no Redis in the environment), file-backed records.
    const local = await mk(
      { KEEL_ENV_ID: 'solo', KEEL_CONN_CORE_URI: `mysql://root@127.0.0.1:${db.port}/` },
      true,
    );
    const anchor = await measure(local, 'solo');
    await local.dispose();

    const env = {
      KEEL_ENV_ID: 'team',
      KEEL_CONN_CORE_URI: `mysql://root@127.0.0.1:${db.port}/`,
      KEEL_CONN_CACHE_URI: `redis://127.0.0.1:${redis.port}/0`,
    };
    const console1 = await mk(env, false);
    agents.push(await startAgent(env, 'bench-1'));
    await measure(console1, 'team'); // warm-up
    const one = await measure(console1, 'team');
    agents.push(await startAgent(env, 'bench-2'), await startAgent(env, 'bench-3'));
    const three = await measure(console1, 'team');
    await console1.dispose();

    rows.push(
      {
        metric: 'enqueue→start p50, 1 worker',
        keel: one.p50,
        anchor: anchor.p50,
        anchorName: 'in-process runner',
        unit: 'ms',
        ratio: null,
        target: 'report',
        pass: true,
      },
      {
        metric: 'enqueue→start p99, 1 worker',
        keel: one.p99,
        anchor: anchor.p99,
        anchorName: 'in-process runner',
        unit: 'ms',
        ratio: null,
        target: 'report',
        pass: true,
      },
      {
        metric: 'enqueue→start p50, 3 workers',
        keel: three.p50,
        anchor: anchor.p50,
        anchorName: 'in-process runner',
        unit: 'ms',
        ratio: null,
        target: 'report',
        pass: true,
      },
      {
        metric: 'enqueue→start p99, 3 workers',
        keel: three.p99,
        anchor: anchor.p99,
        anchorName: 'in-process runner',
        unit: 'ms',
        ratio: null,
        target: 'report',
        pass: true,
      },
      {
        metric: 'no-op jobs, 1 worker',
        keel: one.perSec,
        anchor: anchor.perSec,
        anchorName: 'in-process runner',
        unit: 'jobs/s',
        ratio: one.perSec / anchor.perSec,
        target: 'report',
        pass: true,
      },
      {
        metric: 'no-op jobs, 3 workers',
        keel: three.perSec,
        anchor: anchor.perSec,
        anchorName: 'in-process runner',
        unit: 'jobs/s',
        ratio: three.perSec / anchor.perSec,
        target: 'report',
        pass: true,
      },
      {
        metric: 'overhead per job vs in-process (1 worker)',
        keel: 1000 / one.perSec - 1000 / anchor.perSec,
        anchor: null,
        anchorName: '–',
        unit: 'ms',
        ratio: null,
        target: 'report',
        pass: true,
      },
    );
  } finally {
    await Promise.all(agents.map((a) => a.stop()));
    await stopAll();
    await Promise.all(homes.map((h) => rm(h, { recursive: true, force: true })));
  }
  await report('jobs', 'Jobs engine: BullMQ vs in-process (issue 4)', rows, [
    `${JOBS} \`jobs.ping\` jobs enqueued by 8 concurrent callers through the contract; latency = record startedAt − createdAt; throughput = jobs / (last finish − first enqueue).`,
    'Every BullMQ job also writes its record to the shared core database three times (queued, running, finished): that is most of the overhead, and what makes the history shared.',
    'Workers are `keel agent` processes (the built CLI) on the same 2-core machine as Redis, MariaDB and the enqueuing console.',
  ]);
}

void main();
