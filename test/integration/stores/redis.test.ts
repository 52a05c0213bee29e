import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../../../electron/main/stores/redis.store';
import { conn } from '../../support/connections';
import { startFaultProxy, startRedis, waitFor, type RedisHandle } from '../../support';

describe('Redis store against a real Redis', () => {
  let redis: RedisHandle;
  beforeAll(async () => void (redis = await startRedis({ password: 'Redis-Pw-7' })));
  afterAll(async () => redis.stop());

  const store = (over = {}, password: string | null = 'Redis-Pw-7') =>
    new RedisStore({
      connection: conn('redis', redis.host, redis.port, over),
      secret: password === null ? undefined : { password },
    });

  it('probes: version, role, uptime, latency', async () => {
    const s = store();
    const f = await s.probe('primary');
    expect(f.version).toMatch(/^7\./);
    expect(f.serverRole).toBe('standalone');
    expect(f.latencyMs).toBeGreaterThan(0);
    await s.close();
  });

  it('pipelines many commands in one round trip on one connection', async () => {
    const s = store();
    const cmds = Array.from(
      { length: 500 },
      (_, i) => ['SET', `k:${i}`, String(i)] as [string, string, string],
    );
    await s.pipeline(cmds);
    const res = await s.pipeline(cmds.map(([, k]) => ['GET', k]));
    expect(res.map(([, v]) => v)).toEqual(cmds.map(([, , v]) => v));
    expect(s.stats()).toMatchObject({ created: 1, errors: 0, idle: 1 });
    await s.close();
  });

  it('maps a wrong password to AUTH_FAILED and keeps it out of the message', async () => {
    const s = store({}, 'Not-The-Pw-3');
    const e = await s.command(['PING']).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'AUTH_FAILED' });
    expect(String((e as Error).message)).not.toContain('Not-The-Pw-3');
    await s.close();
  });

  it('maps a missing password (NOAUTH) to AUTH_FAILED', async () => {
    const s = store({}, null);
    await expect(s.command(['GET', 'x'])).rejects.toMatchObject({ code: 'AUTH_FAILED' });
    await s.close();
  });

  it('maps an ACL refusal to PERMISSION_DENIED', async () => {
    const admin = new Redis({ host: redis.host, port: redis.port, password: 'Redis-Pw-7' });
    await admin.call(
      'ACL',
      'SETUSER',
      'reader',
      'on',
      '>Reader-Pw-1',
      '~*',
      '+get',
      '+ping',
      '+info',
      '+client',
    );
    const s = store({ user: 'reader' }, 'Reader-Pw-1');
    await expect(s.command(['SET', 'a', '1'])).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(await s.command(['GET', 'k:1'])).toBe('1');
    await s.close();
    admin.disconnect();
  });

  it('maps TLS to a plain server to TLS_FAILED', async () => {
    const s = store({
      tls: { enabled: true, verify: true },
      timeouts: { connectMs: 800, operationMs: 2000 },
    });
    await expect(s.command(['PING'])).rejects.toMatchObject({ code: 'TLS_FAILED' });
    await s.close();
  });

  it('times out at the bound behind a blackhole, and recovers after heal', async () => {
    const proxy = await startFaultProxy({ targetHost: redis.host, targetPort: redis.port });
    const s = new RedisStore({
      connection: conn('redis', proxy.host, proxy.port, {
        timeouts: { connectMs: 1000, operationMs: 600 },
      }),
      secret: { password: 'Redis-Pw-7' },
    });
    await s.command(['PING']);
    proxy.blackhole(true);
    const t0 = Date.now();
    await expect(s.command(['PING'])).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(Date.now() - t0).toBeLessThan(1200);
    proxy.heal();
    await waitFor(async () => (await s.probe('primary').catch(() => undefined)) !== undefined, {
      timeoutMs: 10_000,
      what: 'recovery',
    });
    await s.close();
    await proxy.close();
  });
});

describe('Redis store: outages', () => {
  it('fails fast while Redis is down and reconnects by itself when it returns', async () => {
    const redis = await startRedis();
    const s = new RedisStore({
      connection: conn('redis', redis.host, redis.port),
      secret: undefined,
    });
    try {
      await s.command(['SET', 'x', '1']);
      await redis.kill('SIGKILL');
      await expect(s.command(['GET', 'x'])).rejects.toMatchObject({ code: 'CONN_REFUSED' });
      const t0 = Date.now();
      await expect(s.command(['GET', 'x'])).rejects.toMatchObject({
        code: expect.stringMatching(/CONN_REFUSED|UNAVAILABLE/),
      });
      expect(Date.now() - t0).toBeLessThan(100);
      await redis.restart();
      await waitFor(async () => (await s.probe('primary').catch(() => undefined)) !== undefined, {
        timeoutMs: 10_000,
        what: 'reconnect',
      });
      expect(await s.command(['PING'])).toBe('PONG');
    } finally {
      await s.close();
      await redis.stop();
    }
  });
});
