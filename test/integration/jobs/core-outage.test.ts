import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../electron/main/bootstrap';
import { silentLogger } from '../../../electron/main/lib/logger';
import { KeyCipher } from '../../../electron/main/secrets/cipher';
import { KeelError } from '../../../shared/errors';
import type { JobRecord } from '../../../shared/jobs';
import {
  startMariaDb,
  startRedis,
  waitFor,
  type MariaDbHandle,
  type RedisHandle,
} from '../../support';

const ctx = {
  shell: 'server' as const,
  actor: { type: 'user' as const, name: 'ops@test' },
  signal: new AbortController().signal,
};

/**
 * Issue 16, item 1: the core database holds job records. When it dies while a job runs, the job
 * fails in BullMQ but its record could not be written: it must not say "running" for good.
 */
describe('job records across a core-database outage', () => {
  let db: MariaDbHandle;
  let redis: RedisHandle;
  let home: string;
  let core: Core;
  let queue: Queue;

  const dispatch = (method: string, input: unknown) => core.router.dispatch(method, input, ctx);
  const record = async (id: string): Promise<JobRecord | undefined> => {
    const rows = await db.query<{ record: string | JobRecord }>(
      'SELECT record FROM keel.keel_job WHERE id = ?',
      [id],
    );
    const r = rows[0]?.record;
    return typeof r === 'string' ? (JSON.parse(r) as JobRecord) : r;
  };

  beforeAll(async () => {
    [db, redis] = await Promise.all([
      startMariaDb({ name: 'core-outage' }),
      startRedis({ name: 'core-outage' }),
    ]);
    home = await mkdtemp(join(tmpdir(), 'keel-core-outage-'));
    core = await createCore({
      shell: 'server',
      version: 't',
      userDataDir: home,
      cipher: new KeyCipher('t', Buffer.alloc(32, 3)),
      logger: silentLogger(),
      work: true,
      env: {
        KEEL_ENV_ID: 'ops',
        KEEL_CONN_CORE_URI: `mysql://root@127.0.0.1:${db.port}/`,
        KEEL_CONN_CACHE_URI: `redis://127.0.0.1:${redis.port}/0`,
        KEEL_JOBS_RECONCILE_MS: '1000',
      },
    });
    queue = new Queue('jobs.jobs.ping', {
      connection: { host: '127.0.0.1', port: redis.port },
      prefix: '{keel-ops}',
    });
  });

  afterAll(async () => {
    await queue?.close();
    await core?.dispose();
    await Promise.all([db?.stop(), redis?.stop()]);
    await rm(home, { recursive: true, force: true });
  });

  it('a job that fails while the core is away ends failed, with its reason, once the core returns', async () => {
    const { bull } = await core.services.jobs.engine('ops');
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    let coreGone!: () => void;
    const gone = new Promise<void>((r) => (coreGone = r));
    // A job that fails (retriably, but not for an outage) while the core is away: every attempt.
    bull!.register('jobs.ping', async () => {
      started();
      await gone;
      throw new KeelError('SERVER_ERROR', 'the tenant database refused the statement');
    });
    const job = await core.services.jobs.start('jobs.ping', { envId: 'ops' }, { actor: ctx.actor });
    await running;
    await db.kill('SIGKILL');
    coreGone();

    // BullMQ spends its attempts and fails the job while the record cannot be written.
    await waitFor(async () => (await (await queue.getJob(job.id))?.getState()) === 'failed', {
      timeoutMs: 30_000,
      what: 'BullMQ to fail the job',
    });
    // Asked during the outage, a job Keel cannot see is unreachable, not missing.
    const asked = await dispatch('jobs.get', { id: 'j_notyetseen0001' });
    expect.soft(asked.ok ? 'ok' : asked.error.code).toBe('UNAVAILABLE');

    await db.restart();
    const final = await waitFor(
      async () => {
        const r = await record(job.id);
        return r && r.state !== 'running' && r.state !== 'queued' && r;
      },
      { timeoutMs: 45_000, what: 'the record to leave "running"' },
    );
    expect(final.state).toBe('failed');
    expect(final.error?.code).toBe('SERVER_ERROR');
    expect(final.error?.message).toMatch(/refused the statement/);
  });

  it('a record left running with nothing in the queue is corrected, and cancel ends one for real', async () => {
    if (!db.running) await db.restart();
    const ghost = (id: string): JobRecord => ({
      id,
      kind: 'jobs.ping',
      state: 'running',
      payload: { envId: 'ops' },
      actor: ctx.actor,
      envId: 'ops',
      attempts: 1,
      createdAt: new Date(Date.now() - 600_000).toISOString(),
      startedAt: new Date(Date.now() - 600_000).toISOString(),
      progress: { done: 61, total: 200 },
      log: [],
    });
    const insert = async (r: JobRecord, ageSec: number): Promise<void> => {
      await db.query(
        `INSERT INTO keel.keel_job (id, kind, state, env_id, actor_type, actor_name, attempts, record, created_at, updated_at)
         VALUES (?, 'jobs.ping', 'running', 'ops', 'user', 'ops@test', 1, ?, UTC_TIMESTAMP(3) - INTERVAL 10 MINUTE, UTC_TIMESTAMP(3) - INTERVAL ? SECOND)`,
        [r.id, JSON.stringify(r), ageSec],
      );
    };

    // Just written (not yet stale for the sweep): the operator cancels it and it ends.
    await insert(ghost('j_ghostcancel001'), 0);
    const cancelled = await dispatch('jobs.cancel', { id: 'j_ghostcancel001' });
    expect(cancelled.ok && (cancelled.value as JobRecord).state).toBe('cancelled');
    expect((await record('j_ghostcancel001'))?.state).toBe('cancelled');

    // Stale: the periodic sweep finds the queue no longer holds it and says so.
    await insert(ghost('j_ghoststale0001'), 600);
    const fixed = await waitFor(
      async () => {
        const r = await record('j_ghoststale0001');
        return r?.state === 'failed' && r;
      },
      { timeoutMs: 20_000, what: 'the stale record to be corrected' },
    );
    expect(fixed.error?.message).toMatch(/no longer holds this job/);
  });

  it('a job whose store is away waits for it instead of spending its attempts', async () => {
    if (!db.running) await db.restart();
    const { bull } = await core.services.jobs.engine('ops');
    let storeAway = true;
    bull!.register('jobs.ping', async () => {
      if (storeAway) throw new KeelError('CONN_REFUSED', 'the tenant database is unreachable');
      return { ok: true };
    });
    const job = await core.services.jobs.start('jobs.ping', { envId: 'ops' }, { actor: ctx.actor });
    // More tries than the three attempts a job has, none of them spent (or the job gave up).
    const waiting = await waitFor(
      async () => {
        const r = await record(job.id);
        const waits = (r?.log ?? []).filter((l) => /waiting/.test(l.msg)).length;
        return r && (waits >= 4 || ['completed', 'failed', 'cancelled'].includes(r.state)) && r;
      },
      { timeoutMs: 60_000, intervalMs: 200, what: 'four waits for the store' },
    );
    expect(waiting.state).toBe('queued');
    expect(waiting.attempts).toBe(1);
    storeAway = false;
    const done = await waitFor(
      async () => {
        const r = await record(job.id);
        return r && ['completed', 'failed', 'cancelled'].includes(r.state) && r;
      },
      { timeoutMs: 40_000, what: 'the job to finish once the store is back' },
    );
    expect(done).toMatchObject({ state: 'completed', attempts: 1, result: { ok: true } });
  }, 150_000);
});
