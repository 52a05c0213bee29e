import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCore, type Core } from '../../electron/main/bootstrap';
import { silentLogger } from '../../electron/main/lib/logger';
import type { CallContext } from '../../electron/main/router/router';
import { KeyCipher } from '../../electron/main/secrets/cipher';
import type { JobRecord } from '../../shared/jobs';

const ctx: CallContext = {
  shell: 'server',
  actor: { type: 'user', name: 'test' },
  signal: new AbortController().signal,
};

/** An environment without Redis + core database: this process's own timers run its schedules. */
describe('a local (uncoordinated) schedule', () => {
  let dir: string;
  let core: Core | undefined;
  afterEach(async () => {
    await core?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('starts runs from its timer, and none once the core is disposed', async () => {
    dir = await mkdtemp(join(tmpdir(), 'keel-sched-local-'));
    const c = await createCore({
      shell: 'server',
      version: 'test',
      userDataDir: dir,
      cipher: new KeyCipher('t', Buffer.alloc(32)),
      logger: silentLogger(),
      work: true,
    });
    core = c;
    const call = (m: string, input: unknown) => c.router.dispatch(m, input, ctx);
    expect(
      (await call('environments.save', { id: 'solo', name: 'Solo', production: false })).ok,
    ).toBe(true);
    const saved = await call('schedules.save', {
      id: 'tick',
      envId: 'solo',
      name: 'Every second',
      target: { kind: 'jobs.ping', payload: { envId: 'solo' } },
      cron: '* * * * * *',
      tz: 'UTC',
    });
    expect(saved.ok).toBe(true);
    const runs = async (): Promise<JobRecord[]> =>
      c.services.jobs.list({ envId: 'solo', scheduleId: 'tick', limit: 100 });
    await vi.waitFor(async () => expect((await runs()).length).toBeGreaterThanOrEqual(2), {
      timeout: 20_000,
      interval: 100,
    });
    await c.dispose();
    core = undefined;
    // The records of a local engine are on disk: a second, non-working core reads them.
    const onDisk = async (): Promise<number> => {
      const reader = await createCore({
        shell: 'server',
        version: 'test',
        userDataDir: dir,
        cipher: new KeyCipher('t', Buffer.alloc(32)),
        logger: silentLogger(),
        work: false,
      });
      try {
        const list = await reader.services.jobs.list({
          envId: 'solo',
          scheduleId: 'tick',
          limit: 100,
        });
        return list.length;
      } finally {
        await reader.dispose();
      }
    };
    // A timer that outlived dispose would start another run within the next tick (1 s).
    const after = await onDisk();
    expect(after).toBeGreaterThanOrEqual(2);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await onDisk()).toBe(after);
  });
});
