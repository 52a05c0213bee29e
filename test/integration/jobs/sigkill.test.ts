import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FINAL_STATES, type JobRecord } from '../../../shared/jobs';
import { createCore, type Core } from '../../../electron/main/bootstrap';
import { silentLogger } from '../../../electron/main/lib/logger';
import { KeyCipher } from '../../../electron/main/secrets/cipher';
import {
  startMariaDb,
  startRedis,
  waitFor,
  type MariaDbHandle,
  type RedisHandle,
} from '../../support';
import { migrateKeelSchema } from '../../../electron/main/services/shared/keel-schema';
import { MysqlStore } from '../../../electron/main/stores/mysql.store';
import { conn } from '../../support/connections';
import { requireCli, startAgent, type AgentHandle } from '../../support/agent';

const ctx = {
  shell: 'server' as const,
  actor: { type: 'user' as const, name: 'ops@test' },
  signal: new AbortController().signal,
};
// KEEL_TEST_SIGKILLS runs fewer kills (to see the assertions bite against a changed product quickly).
const KILLS = Number(process.env.KEEL_TEST_SIGKILLS ?? 50);
const ROUNDS = 6;
const ENDPOINTS = 2; // core + cache

describe(`workers SIGKILLed ${KILLS} times mid-job (needs out/main/cli.js)`, () => {
  let db: MariaDbHandle;
  let redis: RedisHandle;
  let home: string;
  let console1: Core;
  let env: NodeJS.ProcessEnv;
  const agents: AgentHandle[] = [];
  const dead: AgentHandle[] = [];

  let queue: Queue;

  beforeAll(async () => {
    requireCli();
    [db, redis] = await Promise.all([
      startMariaDb({ name: 'kill', performanceSchema: true }),
      startRedis({ name: 'kill' }),
    ]);
    env = {
      KEEL_ENV_ID: 'ops',
      KEEL_CONN_CORE_URI: `mysql://root@127.0.0.1:${db.port}/`,
      KEEL_CONN_CACHE_URI: `redis://127.0.0.1:${redis.port}/0`,
      // Short locks so a dead worker's job is taken over within ~2 s; stalls never fail a job here.
      KEEL_JOBS_LOCK_MS: '1500',
      KEEL_JOBS_STALLED_MS: '1000',
      KEEL_JOBS_MAX_STALLED: '1000',
    };
    home = await mkdtemp(join(tmpdir(), 'keel-kill-'));
    console1 = await createCore({
      shell: 'server',
      version: 't',
      userDataDir: home,
      cipher: new KeyCipher('t', Buffer.alloc(32, 4)),
      logger: silentLogger(),
      env,
    });
    // The product's sample table keeps its primary key and INSERT IGNORE, which would hide a round
    // written twice. A BEFORE INSERT trigger records every attempt to write a round — ignored ones
    // too — in a table without a key, with the pid of the Keel process whose connection wrote it
    // (mysql2 sends it as the `_pid` connection attribute). A round run by two agents, or a
    // taken-over job that restarted from round 0 instead of its last step, shows there.
    const store = new MysqlStore({
      connection: conn('mysql', db.host, db.port),
      secret: undefined,
    });
    await migrateKeelSchema(store);
    await store.close();
    await db.query('CREATE DATABASE keel_test');
    await db.query(
      'CREATE TABLE keel_test.round_run (run_key VARCHAR(128), round INT, connection_id VARCHAR(63), endpoint VARCHAR(16), pid VARCHAR(16), at DATETIME(6)) ENGINE=InnoDB',
    );
    await db.query(
      `CREATE TRIGGER keel.watch_sample_attempt BEFORE INSERT ON keel.keel_watch_sample FOR EACH ROW
       INSERT INTO keel_test.round_run VALUES (NEW.run_key, NEW.round, NEW.connection_id, NEW.endpoint,
         (SELECT ATTR_VALUE FROM performance_schema.session_connect_attrs
           WHERE PROCESSLIST_ID = CONNECTION_ID() AND ATTR_NAME = '_pid'), NOW(6))`,
    );
    queue = new Queue('jobs.health.watch', {
      connection: { port: redis.port },
      prefix: '{keel-ops}',
    });
    for (let i = 0; i < 3; i++) agents.push(await startAgent(env, `kill-${i}`));
  });

  afterAll(async () => {
    await queue?.close();
    await Promise.all([...agents, ...dead].map((a) => a.stop().catch(() => undefined)));
    await console1?.dispose();
    await Promise.all([db?.stop(), redis?.stop()]);
    await rm(home, { recursive: true, force: true });
  });

  const start = async (): Promise<string> => {
    const r = await console1.router.dispatch(
      'jobs.start',
      { kind: 'health.watch', payload: { envId: 'ops', durationSec: ROUNDS, intervalSec: 1 } },
      ctx,
    );
    if (!r.ok) throw new Error(r.error.message);
    return (r.value as JobRecord).id;
  };

  it('loses no job and doubles no side effect', async () => {
    const ids: string[] = [];
    const kills: Array<{ pid: string; jobId: string }> = [];
    for (let i = 0; i < 8; i++) ids.push(await start());
    for (let k = 0; k < KILLS; k++) {
      // Keep work in flight so every kill can hit a running job.
      const open = (await Promise.all(ids.map((id) => console1.services.jobs.get(id)))).filter(
        (j) => !FINAL_STATES.includes(j.state),
      );
      if (open.length < 4) for (let i = 0; i < 4; i++) ids.push(await start());
      // Kill an agent that holds a job's lock right now (BullMQ names the worker keel-<pid>), on a
      // job with at least two rounds to go, so the kill lands before that job can finish.
      const victim = await waitFor(
        async () => {
          const active = await queue.getJobs(['active']);
          for (const a of agents) {
            for (const j of active.filter((x) => x.processedBy === `keel-${a.pid}`)) {
              const [row] = await db.query<{ n: number }>(
                'SELECT COUNT(DISTINCT round) AS n FROM keel_test.round_run WHERE run_key = ?',
                [j.id],
              );
              if (Number(row?.n ?? 0) <= ROUNDS - 2 && j.id) return { agent: a, jobId: j.id };
            }
          }
          return undefined;
        },
        { what: `an agent holding a job before kill ${k + 1}`, timeoutMs: 30_000 },
      ).then((v) => {
        kills.push({ pid: String(v.agent.pid), jobId: v.jobId });
        return v.agent;
      });
      agents.splice(agents.indexOf(victim), 1);
      await victim.kill('SIGKILL');
      dead.push(victim);
      agents.push(await startAgent(env, `kill-r${k}`));
    }
    let open: JobRecord[] = [];
    const records = await waitFor(
      async () => {
        const all = await Promise.all(ids.map((id) => console1.services.jobs.get(id)));
        open = all.filter((j) => !FINAL_STATES.includes(j.state));
        return open.length === 0 ? all : undefined;
      },
      { timeoutMs: 200_000, intervalMs: 500, what: 'every job final' },
    ).catch(async (e: unknown) => {
      // Say which jobs are stuck and what BullMQ thinks of them.
      const states = await Promise.all(
        open.map(
          async (j) =>
            `${j.id}: record ${j.state} (attempt ${j.attempts}, updated ${j.updatedAt}), queue ${await queue.getJobState(j.id)}; log: ${j.log.map((l) => l.msg).join(' | ')}`,
        ),
      );
      throw new Error(`${(e as Error).message}\n${states.join('\n')}`);
    });
    // None lost: every job completed (a failed attempt is retried; a dead worker's job is taken over).
    expect(records.map((r) => r.state).filter((s) => s !== 'completed')).toEqual([]);
    // Kills really hit running jobs.
    expect(
      records.filter((r) => r.log.some((l) => /taken over/.test(l.msg))).length,
    ).toBeGreaterThan(0);
    expect(kills).toHaveLength(KILLS);
    // Every attempt to write a round, in the order the server took them.
    const runs = await db.query<{ run_key: string; round: number; pid: string | null; n: number }>(
      `SELECT run_key, round, pid, COUNT(*) AS n FROM keel_test.round_run
        WHERE run_key IN (${ids.map(() => '?').join(',')})
        GROUP BY run_key, round, pid ORDER BY run_key, MIN(at)`,
      ids,
    );
    expect(
      runs.filter((r) => r.pid === null),
      'rounds without a writer pid',
    ).toEqual([]);
    // No round ran twice, on one agent or on two: one pid per round, one write per endpoint.
    const twice = runs.filter(
      (r, i) =>
        Number(r.n) !== ENDPOINTS ||
        runs.some((o, j) => j !== i && o.run_key === r.run_key && o.round === r.round),
    );
    expect(twice, 'rounds run more than once').toEqual([]);
    const resumedMidway: string[] = [];
    for (const id of ids) {
      const mine = runs.filter((r) => r.run_key === id);
      // Every round ran, in order: a taken-over job resumed from its last step, never from 0.
      expect(
        mine.map((r) => Number(r.round)),
        id,
      ).toEqual(Array.from({ length: ROUNDS }, (_, i) => i));
      const pids = mine.map((r) => r.pid);
      if (new Set(pids).size > 1) resumedMidway.push(id);
      // The pids form runs (agent A rounds 0-2, agent B rounds 3-5), never interleave.
      const segments = pids.filter((p, i) => i === 0 || p !== pids[i - 1]);
      expect(new Set(segments).size, `${id}: ${pids.join(',')}`).toBe(segments.length);
    }
    expect(resumedMidway.length, 'jobs another agent finished').toBeGreaterThan(0);
    // Each kill hit the agent while it held that job: it never wrote the job's last round, and
    // another agent did.
    for (const { pid, jobId } of kills) {
      const mine = runs.filter((r) => r.run_key === jobId);
      expect(mine.filter((r) => r.pid === pid).length, `kill of ${pid} on ${jobId}`).toBeLessThan(
        ROUNDS,
      );
      expect(mine.at(-1)?.pid, `kill of ${pid} on ${jobId}`).not.toBe(pid);
    }
  }, 420_000);
});
