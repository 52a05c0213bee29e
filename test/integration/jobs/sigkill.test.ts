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
  sleep,
  startMariaDb,
  startRedis,
  waitFor,
  type MariaDbHandle,
  type RedisHandle,
} from '../../support';
import { cliBuilt, startAgent, type AgentHandle } from '../../support/agent';

const ctx = {
  shell: 'server' as const,
  actor: { type: 'user' as const, name: 'ops@test' },
  signal: new AbortController().signal,
};
const KILLS = 50;
const ROUNDS = 6;
const ENDPOINTS = 2; // core + cache

describe.skipIf(!cliBuilt())(
  `workers SIGKILLed ${KILLS} times mid-job (needs out/main/cli.js)`,
  () => {
    let db: MariaDbHandle;
    let redis: RedisHandle;
    let home: string;
    let console1: Core;
    let env: NodeJS.ProcessEnv;
    const agents: AgentHandle[] = [];
    const dead: AgentHandle[] = [];

    beforeAll(async () => {
      [db, redis] = await Promise.all([
        startMariaDb({ name: 'kill' }),
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
      for (let i = 0; i < 3; i++) agents.push(await startAgent(env, `kill-${i}`));
    });

    afterAll(async () => {
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
      for (let i = 0; i < 8; i++) ids.push(await start());
      for (let k = 0; k < KILLS; k++) {
        // Keep work in flight so every kill can hit a running job.
        const open = (await Promise.all(ids.map((id) => console1.services.jobs.get(id)))).filter(
          (j) => !FINAL_STATES.includes(j.state),
        );
        if (open.length < 4) for (let i = 0; i < 4; i++) ids.push(await start());
        const victim = agents.splice(k % agents.length, 1)[0] as AgentHandle;
        await victim.kill('SIGKILL');
        dead.push(victim);
        agents.push(await startAgent(env, `kill-r${k}`));
        await sleep(400);
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
        const queue = new Queue('jobs.health.watch', {
          connection: { port: redis.port },
          prefix: '{keel-ops}',
        });
        const states = await Promise.all(
          open.map(
            async (j) =>
              `${j.id}: record ${j.state} (attempt ${j.attempts}, updated ${j.updatedAt}), queue ${await queue.getJobState(j.id)}; log: ${j.log.map((l) => l.msg).join(' | ')}`,
          ),
        );
        await queue.close();
        throw new Error(`${(e as Error).message}\n${states.join('\n')}`);
      });
      // None lost: every job completed (a failed attempt is retried; a dead worker's job is taken over).
      expect(records.map((r) => r.state).filter((s) => s !== 'completed')).toEqual([]);
      // Kills really hit running jobs.
      expect(
        records.filter((r) => r.log.some((l) => /taken over/.test(l.msg))).length,
      ).toBeGreaterThan(0);
      // Side effects exactly once: every round of every job has one sample per endpoint.
      const rows = await db.query<{ run_key: string; round: number; n: number }>(
        `SELECT run_key, round, COUNT(*) AS n FROM keel.keel_watch_sample WHERE run_key IN (${ids.map(() => '?').join(',')}) GROUP BY run_key, round`,
        ids,
      );
      for (const id of ids) {
        const mine = rows.filter((r) => r.run_key === id);
        expect(
          mine.map((r) => Number(r.round)).sort((a, b) => a - b),
          id,
        ).toEqual(Array.from({ length: ROUNDS }, (_, i) => i));
        expect(
          mine.every((r) => Number(r.n) === ENDPOINTS),
          id,
        ).toBe(true);
      }
    }, 420_000);
  },
);
