import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRecord } from '../../../shared/jobs';
import { createCore, type Core } from '../../../electron/main/bootstrap';
import { silentLogger } from '../../../electron/main/lib/logger';
import { KeyCipher } from '../../../electron/main/secrets/cipher';
import { MysqlJobStore } from '../../../electron/main/services/jobs/mysql-job-store';
import { MysqlStore } from '../../../electron/main/stores/mysql.store';
import { conn } from '../../support/connections';
import {
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

/**
 * Jobs through BullMQ on a real Redis with records in a real MariaDB: a console (this process, no
 * workers) and `keel agent` processes (the built CLI) doing the work.
 */
describe.skipIf(!cliBuilt())(
  'coordinated jobs: console and agents (needs out/main/cli.js; npm test builds it)',
  () => {
    let db: MariaDbHandle;
    let redis: RedisHandle;
    let home: string;
    let console1: Core;
    let agent: AgentHandle;
    let env: NodeJS.ProcessEnv;
    const updates: JobRecord[] = [];
    const progress: string[] = [];

    const call = async <T>(method: string, input: unknown): Promise<T> => {
      const r = await console1.router.dispatch(method, input, ctx);
      if (!r.ok) throw Object.assign(new Error(r.error.message), r.error);
      return r.value as T;
    };

    beforeAll(async () => {
      [db, redis] = await Promise.all([
        startMariaDb({ name: 'jobs' }),
        startRedis({ name: 'jobs' }),
      ]);
      env = {
        KEEL_ENV_ID: 'ops',
        KEEL_CONN_CORE_URI: `mysql://root@127.0.0.1:${db.port}/`,
        KEEL_CONN_CACHE_URI: `redis://127.0.0.1:${redis.port}/0`,
        KEEL_JOBS_PROGRESS_MS: '200',
      };
      home = await mkdtemp(join(tmpdir(), 'keel-console-'));
      console1 = await createCore({
        shell: 'server',
        version: 't',
        userDataDir: home,
        cipher: new KeyCipher('t', Buffer.alloc(32, 9)),
        logger: silentLogger(),
        env,
      });
      console1.bus.subscribe('jobs.updated', (r) => updates.push(r));
      console1.bus.subscribe('jobs.progress', (p) => progress.push(p.id));
      agent = await startAgent(env, 'jobs-agent');
    });

    afterAll(async () => {
      await agent?.stop();
      await console1?.dispose();
      await Promise.all([db?.stop(), redis?.stop()]);
      await rm(home, { recursive: true, force: true });
    });

    it('an agent started with monitoring evaluates the alerts with no console open', async () => {
      const watcher = await startAgent(env, 'jobs-agent-monitor', true);
      try {
        // It takes the evaluator lease of the environment (this console does not monitor).
        const row = await waitFor(
          async () =>
            (
              await db.query<{ leader: string | null }>(
                "SELECT leader FROM keel.keel_alert_env WHERE env_id = 'ops' AND leader_until > NOW(3)",
              )
            )[0]?.leader ?? undefined,
          { timeoutMs: 30_000, what: 'the agent to lead alert evaluation' },
        );
        expect(row).toBeTruthy();
      } finally {
        await watcher.stop();
      }
    });

    it('reports a coordinated engine with the agent as a worker', async () => {
      const s = await call<{
        coordinated: boolean;
        engine: string;
        workers: number;
        records: string;
      }>('jobs.status', { envId: 'ops' });
      expect(s).toMatchObject({ coordinated: true, engine: 'bullmq', records: 'core-database' });
      expect(s.workers).toBeGreaterThanOrEqual(1);
    });

    it('runs a job started by a console on an agent, and every console sees it move and finish', async () => {
      const job = await call<JobRecord>('jobs.start', {
        kind: 'health.sweep',
        payload: { envId: 'ops' },
      });
      const done = await console1.services.jobs.wait(job.id);
      expect(done).toMatchObject({
        state: 'completed',
        attempts: 1,
        result: { probed: 2, down: 0 },
        actor: { name: 'ops@test' },
      });
      await waitFor(() => updates.some((u) => u.id === job.id && u.state === 'completed'), {
        what: 'jobs.updated completed',
      });
      const rows = await db.query<{ state: string }>(
        'SELECT state FROM keel.keel_job WHERE id = ?',
        [job.id],
      );
      expect(rows).toEqual([{ state: 'completed' }]);
      expect(agent.logs.some((l) => l.msg === 'job finished' && l.job === job.id)).toBe(true);
    });

    it('runs a long job on a worker thread with progress, and a cancel from another process stops it within one interval', async () => {
      const job = await call<JobRecord>('jobs.start', {
        kind: 'health.watch',
        payload: { envId: 'ops', durationSec: 120, intervalSec: 1 },
      });
      await waitFor(
        async () =>
          Number(
            (
              await db.query<{ n: number }>(
                'SELECT COUNT(*) AS n FROM keel.keel_watch_sample WHERE run_key = ?',
                [job.id],
              )
            )[0]?.n ?? 0,
          ) >= 4,
        { timeoutMs: 15_000, what: 'two rounds written' },
      );
      await waitFor(() => progress.includes(job.id), { what: 'progress event' });
      const t0 = Date.now();
      await call('jobs.cancel', { id: job.id });
      const final = await console1.services.jobs.wait(job.id);
      expect(final.state).toBe('cancelled');
      expect(Date.now() - t0).toBeLessThan(2000);
      const [before] = await db.query<{ n: number }>(
        'SELECT COUNT(*) AS n FROM keel.keel_watch_sample WHERE run_key = ?',
        [job.id],
      );
      await new Promise((r) => setTimeout(r, 2500));
      const [after] = await db.query<{ n: number }>(
        'SELECT COUNT(*) AS n FROM keel.keel_watch_sample WHERE run_key = ?',
        [job.id],
      );
      expect(after?.n).toBe(before?.n); // the thread stopped writing
    });

    it('refuses bad input with a clear error and enqueues nothing', async () => {
      const queue = new Queue('jobs.jobs.ping', {
        connection: { host: '127.0.0.1', port: redis.port },
        prefix: '{keel-ops}',
      });
      const countsBefore = await queue.getJobCounts();
      const [jobsBefore] = await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM keel.keel_job');
      const bad: Array<[string, unknown, RegExp]> = [
        ['jobs.start', { kind: 'nope.nothing', payload: { envId: 'ops' } }, /kind/],
        [
          'jobs.start',
          { kind: 'health.watch', payload: { envId: 'ops', durationSec: 5, intervalSec: 60 } },
          /interval/,
        ],
        ['jobs.start', { kind: 'jobs.ping', payload: { envId: 'Not An Id' } }, /envId/],
        [
          'schedules.save',
          {
            id: 'bad',
            envId: 'ops',
            name: 'Bad',
            target: { kind: 'jobs.ping', payload: { envId: 'ops' } },
            cron: '61 * * * *',
          },
          /61/,
        ],
        [
          'schedules.save',
          {
            id: 'bad',
            envId: 'ops',
            name: 'Bad',
            target: { kind: 'jobs.ping', payload: { envId: 'ops' } },
            cron: 'every day',
          },
          /5 or 6 fields/,
        ],
        [
          'schedules.save',
          {
            id: 'bad',
            envId: 'ops',
            name: 'Bad',
            target: { kind: 'jobs.ping', payload: { envId: 'ops' } },
            cron: '0 2 * * *',
            tz: 'Mars/Olympus',
          },
          /time zone/,
        ],
        ['schedules.preview', { cron: '0 25 * * *' }, /hour: "25" is not in 0-23/],
      ];
      for (const [method, input, reason] of bad) {
        const r = await console1.router.dispatch(method, input, ctx);
        expect(r.ok, method).toBe(false);
        if (!r.ok) {
          expect(r.error.code).toBe('VALIDATION');
          expect(r.error.message).toMatch(reason);
        }
      }
      expect(await queue.getJobCounts()).toEqual(countsBefore);
      const [jobsAfter] = await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM keel.keel_job');
      expect(jobsAfter?.n).toBe(jobsBefore?.n);
      expect(await call<unknown[]>('schedules.list', { envId: 'ops' })).toEqual([
        { envId: 'ops', schedules: [] },
      ]);
      await queue.close();
    });

    it('keeps finished records for the retention period only', async () => {
      const core = new MysqlStore({
        connection: conn('mysql', db.host, db.port),
        secret: undefined,
      });
      const store = new MysqlJobStore(core);
      const old = new Date(Date.now() - 40 * 86_400_000).toISOString();
      const base = {
        kind: 'jobs.ping' as const,
        payload: { envId: 'ops' },
        actor: { type: 'system' as const, name: 't' },
        envId: 'ops',
        attempts: 1,
        progress: { done: 1 },
        log: [],
      };
      await store.save({
        ...base,
        id: 'j_old',
        state: 'completed',
        createdAt: old,
        finishedAt: old,
      });
      await store.save({ ...base, id: 'j_old_running', state: 'running', createdAt: old });
      expect(await store.purge(30)).toBe(1);
      expect(await store.get('j_old')).toBeUndefined();
      expect(await store.get('j_old_running')).toBeDefined(); // unfinished records stay
      await core.close();
    });

    it('never brings a finished record back to an earlier state (a late progress save)', async () => {
      const core = new MysqlStore({
        connection: conn('mysql', db.host, db.port),
        secret: undefined,
      });
      const store = new MysqlJobStore(core);
      const now = new Date().toISOString();
      const rec = {
        id: 'j_late',
        kind: 'jobs.ping' as const,
        payload: { envId: 'ops' },
        actor: { type: 'system' as const, name: 't' },
        envId: 'ops',
        attempts: 1,
        createdAt: now,
        progress: { done: 0 },
        log: [],
      };
      await store.save({ ...rec, state: 'running' });
      await store.save({ ...rec, state: 'completed', finishedAt: now, progress: { done: 1 } });
      // A save of the running state that was still in flight lands after the final one.
      await store.save({ ...rec, state: 'running', progress: { done: 0.5 } });
      expect(await store.get('j_late')).toMatchObject({
        state: 'completed',
        finishedAt: now,
        progress: { done: 1 },
      });
      const [row] = await db.query<{ state: string }>(
        "SELECT state FROM keel.keel_job WHERE id = 'j_late'",
      );
      expect(row?.state).toBe('completed');
      await core.close();
    });

    it('retries a failed job on request as a new job', async () => {
      // A watch of a connection that does not exist fails at once (not retriable).
      const job = await call<JobRecord>('jobs.start', {
        kind: 'health.watch',
        payload: { envId: 'ops', connectionId: 'ghost', durationSec: 2, intervalSec: 1 },
      });
      const failed = await console1.services.jobs.wait(job.id);
      expect(failed).toMatchObject({ state: 'failed', attempts: 1, error: { code: 'NOT_FOUND' } });
      const again = await call<JobRecord>('jobs.retry', { id: job.id });
      expect(again.id).not.toBe(job.id);
      expect(again.payload).toEqual(job.payload);
      await expect(
        call('jobs.retry', {
          id: (
            await call<JobRecord>('jobs.start', { kind: 'jobs.ping', payload: { envId: 'ops' } })
          ).id,
        }),
      ).rejects.toMatchObject({ code: expect.stringMatching(/CONFLICT/) });
    });
  },
);
