import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { JobProgress } from '../../shared/jobs';
import { EventBus } from '../../electron/main/lib/event-bus';
import { silentLogger } from '../../electron/main/lib/logger';
import { ProgressThrottle } from '../../electron/main/services/jobs/attempt';
import { FileJobStore } from '../../electron/main/services/jobs/file-job-store';
import { InProcessJobRunner } from '../../electron/main/services/jobs/in-process-runner';

/**
 * The one progress throttle both job runners use. Before issue 13 the BullMQ runner published
 * only on the leading edge of each interval, so a job that reported 40/100 and then went quiet
 * for a long step showed an older number the whole time.
 */
describe('ProgressThrottle', () => {
  afterEach(() => vi.useRealTimers());

  it('publishes at most once per interval and always delivers the last update of an interval', () => {
    vi.useFakeTimers();
    const seen: number[] = [];
    const t = new ProgressThrottle(500, (p) => seen.push(p.done));
    for (let i = 1; i <= 40; i++) {
      t.update({ done: i, total: 100 });
      vi.advanceTimersByTime(10);
    }
    // 400 ms in: one publish (the leading edge); the job then goes quiet in a long step.
    expect(seen).toEqual([1]);
    vi.advanceTimersByTime(5_000);
    expect(seen).toEqual([1, 40]);
    t.dispose();
  });

  it('flush() publishes a pending update at once and leaves no timer behind', () => {
    vi.useFakeTimers();
    const seen: JobProgress[] = [];
    const t = new ProgressThrottle(500, (p) => seen.push(p));
    t.update({ done: 1 });
    t.update({ done: 2, message: 'copying' });
    t.flush();
    expect(seen.map((p) => p.done)).toEqual([1, 2]);
    expect(vi.getTimerCount()).toBe(0);
    t.flush();
    expect(seen).toHaveLength(2);
  });

  it('dispose() drops a pending update and its timer', () => {
    vi.useFakeTimers();
    const seen: number[] = [];
    const t = new ProgressThrottle(500, (p) => seen.push(p.done));
    t.update({ done: 1 });
    t.update({ done: 2 });
    t.dispose();
    vi.advanceTimersByTime(5_000);
    expect(seen).toEqual([1]);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('waiting for a job', () => {
  let dir: string;
  let runner: InProcessJobRunner;
  const user = { type: 'user' as const, name: 'ops' };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keel-wait-'));
    runner = new InProcessJobRunner(new FileJobStore(dir), new EventBus(), silentLogger());
  });
  afterEach(async () => {
    await runner.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it("stops when the caller's signal aborts, and the job runs on", async () => {
    let release!: () => void;
    runner.register('jobs.ping', () => new Promise<null>((r) => (release = () => r(null))));
    const j = await runner.start('jobs.ping', { envId: 'demo' }, { actor: user });
    await vi.waitFor(() => expect(release).toBeTypeOf('function'));
    const ctl = new AbortController();
    const waiting = runner.wait(j.id, ctl.signal);
    ctl.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'CANCELLED' });
    expect((await runner.get(j.id)).state).toBe('running');
    release();
    expect((await runner.wait(j.id)).state).toBe('completed');
  });

  it('stops when the runner is disposed, even for a job that ignores its signal', async () => {
    let release!: () => void;
    runner.register('jobs.ping', () => new Promise<null>((r) => (release = () => r(null))));
    const j = await runner.start('jobs.ping', { envId: 'demo' }, { actor: user });
    await vi.waitFor(() => expect(release).toBeTypeOf('function'));
    const waiting = runner.wait(j.id);
    const disposed = runner.dispose();
    await expect(waiting).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    release();
    await disposed;
  });
});

describe('FileJobStore as a JobStore', () => {
  it('answers get and list with a record whose write is still in flight', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keel-store-'));
    try {
      const store = new FileJobStore(dir);
      const rec = {
        id: 'j_1',
        kind: 'jobs.ping' as const,
        state: 'running' as const,
        payload: { envId: 'demo' },
        actor: { type: 'user' as const, name: 'ops' },
        envId: 'demo',
        createdAt: new Date().toISOString(),
        progress: { done: 0 },
        attempts: 1,
        log: [],
      };
      const saved = store.save(rec);
      expect((await store.get('j_1'))?.state).toBe('running');
      expect((await store.list({ envId: 'demo', limit: 10 })).map((r) => r.id)).toEqual(['j_1']);
      expect(await store.list({ envId: 'other', limit: 10 })).toEqual([]);
      await saved;
      expect((await new FileJobStore(dir).get('j_1'))?.state).toBe('running');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
