import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../electron/main/bootstrap';
import { silentLogger } from '../../electron/main/lib/logger';
import type { CallContext } from '../../electron/main/router/router';
import { KeyCipher } from '../../electron/main/secrets/cipher';
import type { JobRecord } from '../../shared/jobs';
import { freePort } from '../support/ports';

const ctx: CallContext = {
  shell: 'server',
  actor: { type: 'user', name: 'test' },
  signal: new AbortController().signal,
};

describe('the router keeps its guards and answers per environment', () => {
  let dir: string;
  let core: Core;
  const call = (method: string, input: unknown) => core.router.dispatch(method, input, ctx);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keel-router-'));
    core = await createCore({
      shell: 'server',
      version: 'test',
      userDataDir: dir,
      cipher: new KeyCipher('t', Buffer.alloc(32)),
      logger: silentLogger(),
    });
    for (const id of ['fine', 'broken']) {
      const r = await call('environments.save', { id, name: id, production: false });
      expect(r.ok).toBe(true);
    }
    // `broken` has a job queue and a core database, neither of which answers.
    const [redisPort, mysqlPort] = [await freePort(), await freePort()];
    for (const connection of [
      {
        id: 'cache',
        name: 'Cache',
        kind: 'redis',
        role: 'cache',
        host: '127.0.0.1',
        port: redisPort,
      },
      {
        id: 'core',
        name: 'Core',
        kind: 'mysql',
        role: 'core',
        host: '127.0.0.1',
        port: mysqlPort,
        user: 'root',
      },
    ]) {
      const r = await call('environments.saveConnection', { envId: 'broken', connection });
      expect(r.ok).toBe(true);
    }
  });
  afterAll(async () => {
    await core.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses to start a purge through jobs.start, which would skip the typed confirmation', async () => {
    const r = await call('jobs.start', {
      kind: 'tenants.purge',
      payload: { envId: 'fine', tenantId: 'acme', reason: 'gone' },
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('VALIDATION');
    expect(r.error.message).toMatch(/tenants\.purge/);
    expect(r.error.message).toMatch(/confirm/);
    // The same hole through a schedule (its runs start with jobs.start's payload).
    const s = await call('schedules.save', {
      id: 'nightly-purge',
      envId: 'fine',
      name: 'Nightly purge',
      target: { kind: 'tenants.purge', payload: { envId: 'fine', tenantId: 'acme', reason: 'x' } },
      cron: '0 2 * * *',
    });
    expect(s).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const jobs = await call('jobs.list', {});
    expect(jobs.ok && (jobs.value as JobRecord[]).map((j) => j.kind)).not.toContain(
      'tenants.purge',
    );
    // Kinds without a method of their own still start.
    const ping = await call('jobs.start', { kind: 'jobs.ping', payload: { envId: 'fine' } });
    expect(ping.ok).toBe(true);
  });

  it('lists schedules per environment, the failing one with its error beside it', async () => {
    const saved = await call('schedules.save', {
      id: 'nightly-sweep',
      envId: 'fine',
      name: 'Nightly sweep',
      target: { kind: 'health.sweep', payload: { envId: 'fine' } },
      cron: '0 2 * * *',
    });
    expect(saved.ok).toBe(true);
    const r = await call('schedules.list', {});
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const byEnv = new Map(
      (r.value as Array<{ envId: string; schedules: unknown[]; error?: { code: string } }>).map(
        (e) => [e.envId, e],
      ),
    );
    expect(byEnv.get('fine')).toMatchObject({ schedules: [{ id: 'nightly-sweep' }] });
    expect(byEnv.get('fine')?.error).toBeUndefined();
    expect(byEnv.get('broken')).toMatchObject({ schedules: [], error: { code: 'CONN_REFUSED' } });
    // One environment asked for: its own entry.
    const one = await call('schedules.list', { envId: 'fine' });
    expect(one).toMatchObject({ ok: true, value: [{ envId: 'fine', schedules: [{}] }] });
  });
});
