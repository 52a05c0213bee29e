import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeelError } from '../../shared/errors';
import type { JobRecord } from '../../shared/jobs';
import { EventBus } from '../../electron/main/lib/event-bus';
import { silentLogger } from '../../electron/main/lib/logger';
import { FileJobStore } from '../../electron/main/services/jobs/file-job-store';
import { InProcessJobRunner } from '../../electron/main/services/jobs/in-process-runner';

const user = { type: 'user' as const, name: 'ops' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('InProcessJobRunner', () => {
  let dir: string;
  let bus: EventBus;
  let runner: InProcessJobRunner;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keel-jobs-'));
    bus = new EventBus();
    runner = new InProcessJobRunner(new FileJobStore(dir), bus, silentLogger(), {
      progressIntervalMs: 50,
    });
  });
  afterEach(async () => {
    await runner.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs a job to completion, publishes states and persists the record', async () => {
    const states: string[] = [];
    bus.subscribe('jobs.updated', (r) => states.push(r.state));
    runner.register('health.sweep', async (p, ctx) => {
      ctx.progress({ done: 1, total: 1 });
      ctx.log('info', `swept ${p.envId}`);
      return { probed: 1 };
    });
    const started = await runner.start(
      'health.sweep',
      { envId: 'demo' },
      { actor: user, envId: 'demo' },
    );
    const done = await runner.wait(started.id);
    expect(done).toMatchObject({ state: 'completed', result: { probed: 1 }, actor: user });
    expect(done.log[0]?.msg).toBe('swept demo');
    expect(states).toEqual(['queued', 'running', 'completed']);
    const reloaded = await new FileJobStore(dir).load();
    expect(reloaded.find((r) => r.id === started.id)?.state).toBe('completed');
  });

  it('fails with the thrown error code', async () => {
    runner.register('health.sweep', async () => {
      throw new KeelError('NOT_FOUND', 'no such environment');
    });
    const j = await runner.start('health.sweep', { envId: 'x' }, { actor: user });
    expect(await runner.wait(j.id)).toMatchObject({
      state: 'failed',
      error: { code: 'NOT_FOUND' },
    });
  });

  it('cancels a running job through its AbortSignal', async () => {
    runner.register(
      'health.sweep',
      (_p, ctx) =>
        new Promise((_, reject) =>
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)),
        ),
    );
    const j = await runner.start('health.sweep', { envId: 'demo' }, { actor: user });
    await sleep(20);
    await runner.cancel(j.id);
    expect((await runner.wait(j.id)).state).toBe('cancelled');
    await expect(runner.cancel(j.id)).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('a cancel that lands as the job starts, before its handler runs, still ends it', async () => {
    // The handler only listens for 'abort': a signal already aborted when it is called would
    // never fire, so the runner must not call it at all.
    let called = false;
    runner.register('health.sweep', (_p, ctx) => {
      called = true;
      return new Promise((_, reject) =>
        ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)),
      );
    });
    bus.subscribe('jobs.updated', (r) => {
      if (r.state === 'running') void runner.cancel(r.id);
    });
    const j = await runner.start('health.sweep', { envId: 'demo' }, { actor: user });
    expect((await runner.wait(j.id)).state).toBe('cancelled');
    expect(called).toBe(false);
  });

  it('throttles progress events to the interval', async () => {
    const events: number[] = [];
    bus.subscribe('jobs.progress', (p) => events.push(p.progress.done));
    runner.register('health.sweep', async (_p, ctx) => {
      for (let i = 1; i <= 1000; i++) ctx.progress({ done: i, total: 1000 });
      await sleep(120);
      return null;
    });
    const j = await runner.start('health.sweep', { envId: 'demo' }, { actor: user });
    await runner.wait(j.id);
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(events.length).toBeLessThan(10);
    expect(events.at(-1)).toBe(1000);
  });

  it('refuses a payload that fails its schema and an unregistered kind; nothing is recorded', async () => {
    await expect(
      runner.start('health.sweep', { envId: 'Bad Id' } as never, { actor: user }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    runner.register('health.sweep', async () => null);
    await expect(
      runner.start('health.sweep', { envId: 'Bad Id' } as never, { actor: user }),
    ).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    expect(await runner.list({ limit: 10 })).toEqual([]);
  });

  it('persists a burst of concurrent record updates (group commit), the last state of each winning', async () => {
    const store = new FileJobStore(dir);
    const rec = (i: number, state: JobRecord['state']): JobRecord => ({
      id: `j_${i}`,
      kind: 'jobs.ping',
      state,
      payload: { envId: 'demo' },
      actor: user,
      createdAt: new Date(1_700_000_000_000 + i).toISOString(),
      progress: { done: 0 },
      attempts: 1,
      log: [],
    });
    await Promise.all(Array.from({ length: 200 }, (_, i) => store.save(rec(i, 'running'))));
    await Promise.all(Array.from({ length: 200 }, (_, i) => store.save(rec(i, 'completed'))));
    const back = await new FileJobStore(dir).load();
    expect(back).toHaveLength(200);
    expect(back.every((r) => r.state === 'completed')).toBe(true);
  });

  it('marks jobs left running by a dead process as failed at the next start', async () => {
    const store = new FileJobStore(dir);
    const orphan: JobRecord = {
      id: 'j_orphan',
      kind: 'health.sweep',
      state: 'running',
      payload: { envId: 'demo' },
      actor: user,
      createdAt: new Date().toISOString(),
      progress: { done: 3, total: 10 },
      attempts: 1,
      log: [],
    };
    await store.save(orphan);
    const next = new InProcessJobRunner(new FileJobStore(dir), bus, silentLogger());
    expect(await next.get('j_orphan')).toMatchObject({
      state: 'failed',
      error: { message: expect.stringMatching(/interrupted/) },
    });
    await next.dispose();
  });
});
