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
import { requireCli, startAgent, type AgentHandle } from '../../support/agent';

const ctx = {
  shell: 'server' as const,
  actor: { type: 'user' as const, name: 'ops@test' },
  signal: new AbortController().signal,
};
const GRACE_SEC = 3;

/**
 * The README's `keel agent` SIGTERM claim: it stops taking jobs, gives running ones `--grace`
 * seconds, hands the rest back to other workers and exits 0. The console here runs no jobs, so
 * the agent is the only worker until a second one starts.
 */
describe('keel agent on SIGTERM (needs out/main/cli.js)', () => {
  let db: MariaDbHandle;
  let redis: RedisHandle;
  let home: string;
  let console1: Core;
  let env: NodeJS.ProcessEnv;
  let queue: Queue;
  const agents: AgentHandle[] = [];

  beforeAll(async () => {
    requireCli();
    [db, redis] = await Promise.all([startMariaDb({ name: 'term' }), startRedis({ name: 'term' })]);
    env = {
      KEEL_ENV_ID: 'ops',
      KEEL_CONN_CORE_URI: `mysql://root@127.0.0.1:${db.port}/`,
      KEEL_CONN_CACHE_URI: `redis://127.0.0.1:${redis.port}/0`,
      KEEL_JOBS_LOCK_MS: '1500',
      KEEL_JOBS_STALLED_MS: '1000',
      KEEL_JOBS_MAX_STALLED: '1000',
    };
    home = await mkdtemp(join(tmpdir(), 'keel-term-'));
    console1 = await createCore({
      shell: 'server',
      version: 't',
      userDataDir: home,
      cipher: new KeyCipher('t', Buffer.alloc(32, 4)),
      logger: silentLogger(),
      env,
      work: false,
    });
    queue = new Queue('jobs.health.watch', {
      connection: { port: redis.port },
      prefix: '{keel-ops}',
    });
  }, 120_000);

  afterAll(async () => {
    await queue?.close();
    await Promise.all(agents.map((a) => a.stop().catch(() => undefined)));
    await console1?.dispose();
    await Promise.all([db?.stop(), redis?.stop()]);
    await rm(home, { recursive: true, force: true });
  });

  const start = async (durationSec: number): Promise<string> => {
    const r = await console1.router.dispatch(
      'jobs.start',
      { kind: 'health.watch', payload: { envId: 'ops', durationSec, intervalSec: 1 } },
      ctx,
    );
    if (!r.ok) throw new Error(r.error.message);
    return (r.value as JobRecord).id;
  };
  const record = (id: string): Promise<JobRecord> => console1.services.jobs.get(id);

  it(
    'stops taking jobs, finishes the short one, hands the long one back and exits 0',
    { timeout: 300_000 },
    async () => {
      const a = await startAgent(env, 'term-a', false, ['--grace', String(GRACE_SEC)]);
      agents.push(a);
      const short = await start(2); // two rounds: done well within the grace period
      const long = await start(30); // thirty rounds: still running when the grace ends
      await waitFor(
        async () => {
          const active = await queue.getJobs(['active']);
          const mine = active.filter((j) => j.processedBy === `keel-${a.pid}`).map((j) => j.id);
          return mine.includes(short) && mine.includes(long);
        },
        { timeoutMs: 60_000, what: 'both jobs running on the agent' },
      );
      await waitFor(async () => (await record(long)).progress?.done ?? 0, {
        timeoutMs: 30_000,
        what: 'a round of the long job written',
      });

      const exited = a.kill('SIGTERM');
      const termAt = Date.now();
      // A job started once the agent says it is stopping is not taken by it.
      await waitFor(() => a.logs.some((l) => String(l.msg).startsWith('stopping')), {
        timeoutMs: 30_000,
        what: 'the agent logging that it stops',
      });
      const late = await start(2);
      const lateStates = new Set<string>();
      let code: number | null | undefined;
      void exited.then((c) => (code = c));
      await waitFor(
        async () => {
          lateStates.add(await queue.getJobState(late));
          return code !== undefined;
        },
        { timeoutMs: (GRACE_SEC + 30) * 1000, intervalMs: 100, what: 'the agent exiting' },
      );
      expect(code, 'exit code').toBe(0);
      // It waited for running work (at most the grace, plus closing).
      expect(Date.now() - termAt).toBeLessThan((GRACE_SEC + 20) * 1000);
      expect([...lateStates].filter((s) => s === 'active')).toEqual([]);
      expect((await record(short)).state).toBe('completed');
      const handedBack = await record(long);
      expect(FINAL_STATES.includes(handedBack.state), handedBack.state).toBe(false);
      const doneAtHandBack = handedBack.progress?.done ?? 0;
      expect(doneAtHandBack).toBeGreaterThan(0);

      // Another worker takes the handed-back job over and resumes it; the late job runs too.
      const b = await startAgent(env, 'term-b');
      agents.push(b);
      const [longFinal, lateFinal] = await Promise.all([
        console1.services.jobs.wait(long),
        console1.services.jobs.wait(late),
      ]);
      expect(lateFinal.state).toBe('completed');
      expect(longFinal.state, JSON.stringify(longFinal.error)).toBe('completed');
      expect(longFinal.log.map((l) => l.msg).join(' | ')).toMatch(/resuming at round/);
      const rounds = await db.query<{ n: number }>(
        'SELECT COUNT(DISTINCT round) AS n FROM keel.keel_watch_sample WHERE run_key = ?',
        [long],
      );
      expect(Number(rounds[0]?.n)).toBe(30);
    },
  );
});
