import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
import { cliBuilt, startAgent, type AgentHandle } from '../../support/agent';

const ctx = {
  shell: 'server' as const,
  actor: { type: 'user' as const, name: 'ops@test' },
  signal: new AbortController().signal,
};
/** Ticks before and after the Redis restart (one a second). */
const TICKS_BEFORE = 25;
const TICKS_AFTER = 25;

describe.skipIf(!cliBuilt())(
  'a schedule fires exactly once per tick across three agents (needs out/main/cli.js)',
  () => {
    let db: MariaDbHandle;
    let redis: RedisHandle;
    let home: string;
    let console1: Core;
    const agents: AgentHandle[] = [];

    beforeAll(async () => {
      // AOF with fsync on every write: a restarted Redis has the queue and the scheduler back.
      [db, redis] = await Promise.all([
        startMariaDb({ name: 'sched' }),
        startRedis({ name: 'sched', persistent: true }),
      ]);
      const env = {
        KEEL_ENV_ID: 'ops',
        KEEL_CONN_CORE_URI: `mysql://root@127.0.0.1:${db.port}/`,
        KEEL_CONN_CACHE_URI: `redis://127.0.0.1:${redis.port}/0`,
      };
      home = await mkdtemp(join(tmpdir(), 'keel-sched-'));
      console1 = await createCore({
        shell: 'server',
        version: 't',
        userDataDir: home,
        cipher: new KeyCipher('t', Buffer.alloc(32, 5)),
        logger: silentLogger(),
        env,
      });
      for (let i = 0; i < 3; i++) agents.push(await startAgent(env, `sched-${i}`));
    });

    afterAll(async () => {
      await Promise.all(agents.map((a) => a.stop()));
      await console1?.dispose();
      await Promise.all([db?.stop(), redis?.stop()]);
      await rm(home, { recursive: true, force: true });
    });

    it('creates one job per tick: none twice, none missing, also across a Redis restart', async () => {
      const r = await console1.router.dispatch(
        'schedules.save',
        {
          id: 'tick',
          envId: 'ops',
          name: 'Every second',
          target: { kind: 'jobs.ping', payload: { envId: 'ops' } },
          cron: '* * * * * *',
          tz: 'UTC',
        },
        ctx,
      );
      expect(r.ok).toBe(true);
      // Saving it again from "another console" must not add a second scheduler.
      await console1.router.dispatch(
        'schedules.save',
        {
          id: 'tick',
          envId: 'ops',
          name: 'Every second',
          target: { kind: 'jobs.ping', payload: { envId: 'ops' } },
          cron: '* * * * * *',
          tz: 'UTC',
        },
        ctx,
      );

      // Counted in runs, not seconds: on a loaded machine agents fall behind the clock.
      const runsSince = async (since: number): Promise<number> =>
        (
          await db.query<{ id: string }>(
            "SELECT id FROM keel.keel_job WHERE schedule_id = 'tick' AND state = 'completed'",
          )
        ).filter((x) => Number(x.id.split(':').at(-1)) > since).length;
      await waitFor(async () => (await runsSince(0)) >= TICKS_BEFORE, {
        timeoutMs: 60_000,
        intervalMs: 250,
        what: `${TICKS_BEFORE} ticks before the restart`,
      });
      await redis.kill('SIGKILL');
      await redis.restart();
      const restartedAt = Date.now();
      await waitFor(async () => (await runsSince(restartedAt)) >= TICKS_AFTER, {
        timeoutMs: 60_000,
        intervalMs: 250,
        what: `${TICKS_AFTER} ticks after the restart`,
      });
      await console1.router.dispatch('schedules.pause', { envId: 'ops', id: 'tick' }, ctx);

      // Every run the scheduler created has run: a run taken by a worker that lost it in the
      // restart comes back when its lock expires (stalled check), so wait for the queue to drain.
      const queue = new Queue('jobs.jobs.ping', {
        connection: { port: redis.port },
        prefix: '{keel-ops}',
      });
      await waitFor(
        async () => {
          const c = await queue.getJobCounts('active', 'wait', 'delayed', 'prioritized');
          return Object.values(c).every((n) => n === 0);
        },
        { timeoutMs: 90_000, intervalMs: 250, what: 'the queue drained' },
      ).finally(() => queue.close());
      await waitFor(
        async () =>
          (
            await db.query<{ n: number }>(
              "SELECT COUNT(*) AS n FROM keel.keel_job WHERE schedule_id = 'tick' AND state <> 'completed'",
            )
          )[0]?.n === 0,
        { timeoutMs: 20_000, what: 'scheduled jobs finished' },
      );
      const rows = await db.query<{ id: string }>(
        "SELECT id FROM keel.keel_job WHERE schedule_id = 'tick' ORDER BY id",
      );
      const ticks = rows.map((x) => Number(x.id.split(':').at(-1))).sort((a, b) => a - b);

      // One finished run per job across the three agents' logs: nothing ran twice.
      const finished = new Map<string, number>();
      for (const a of agents)
        for (const l of a.logs)
          if (l.msg === 'job finished' && l.schedule === 'tick')
            finished.set(String(l.job), (finished.get(String(l.job)) ?? 0) + 1);
      expect([...finished.values()].every((n) => n === 1)).toBe(true);
      expect(finished.size).toBe(rows.length);

      // Ticks are whole seconds, one each: none missing between the first and the last.
      expect(ticks.every((t) => t % 1000 === 0)).toBe(true);
      const gaps = ticks
        .slice(1)
        .map((t, i) => (t - (ticks[i] as number)) / 1000)
        .filter((d) => d !== 1);
      expect(gaps).toEqual([]);
      expect(ticks.length).toBeGreaterThanOrEqual(TICKS_BEFORE + TICKS_AFTER);
      // The work was shared: more than one agent ran ticks.
      const byAgent = agents.map(
        (a) => a.logs.filter((l) => l.msg === 'job finished' && l.schedule === 'tick').length,
      );
      expect(byAgent.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);
    }, 300_000);
  },
);
