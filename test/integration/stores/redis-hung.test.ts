import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../../../electron/main/stores/redis.store';
import { conn } from '../../support/connections';
import {
  startFaultProxy,
  startRedis,
  waitFor,
  type FaultProxy,
  type RedisHandle,
} from '../../support';

/**
 * Issue 15: a hung Redis (paused: connections accepted, nothing answered) was first reported as
 * TIMEOUT, then as CONN_REFUSED ("Nothing answers at this address") with ioredis's own words
 * ("Stream isn't writeable and enableOfflineQueue options is false") while the store reconnected.
 */
describe('Redis store: a hung server stays a time-out, in Keel’s words', () => {
  let redis: RedisHandle;
  let proxy: FaultProxy;
  beforeAll(async () => {
    redis = await startRedis();
    proxy = await startFaultProxy({ targetHost: redis.host, targetPort: redis.port });
  });
  afterAll(async () => {
    await proxy?.close();
    await redis?.stop();
  });

  it('reports TIMEOUT on every call while the server hangs, then recovers', async () => {
    const s = new RedisStore({
      connection: conn('redis', proxy.host, proxy.port, {
        timeouts: { connectMs: 1000, operationMs: 500 },
      }),
      secret: undefined,
    });
    try {
      expect(await s.command(['PING'])).toBe('PONG');
      proxy.blackhole(true);
      const seen: Array<{ code: string; message: string }> = [];
      const t0 = Date.now();
      // Calls for 3 s, through the store's reconnect attempts to the hung server.
      await waitFor(
        async () => {
          await s.command(['GET', 'x']).then(
            () => seen.push({ code: 'OK', message: '' }),
            (e: { code: string; message: string }) => seen.push(e),
          );
          return Date.now() - t0 > 3000;
        },
        { timeoutMs: 20_000, intervalMs: 100, what: '3 s of calls' },
      );
      expect(seen.length).toBeGreaterThan(3);
      // TIMEOUT, or the breaker's back-off naming TIMEOUT as its cause; never CONN_REFUSED.
      for (const e of seen) {
        expect(`${e.code}: ${e.message}`).toMatch(/^TIMEOUT: |^UNAVAILABLE: .*\(TIMEOUT\)/);
        expect(e.message).not.toMatch(/enableOfflineQueue|Stream isn't writeable|\(connect/);
      }
      proxy.heal();
      await waitFor(async () => (await s.command(['PING']).catch(() => undefined)) === 'PONG', {
        timeoutMs: 15_000,
        what: 'recovery after heal',
      });
    } finally {
      await s.close();
    }
  });
});
