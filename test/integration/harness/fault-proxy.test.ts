import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy, startRedis, waitFor } from '../../support';
import type { FaultProxy, RedisHandle } from '../../support';

const VALUE_BYTES = 20_000;

describe('fault proxy in front of Redis', () => {
  let redis: RedisHandle;
  let proxy: FaultProxy;
  const clients: Redis[] = [];

  /** A client through the proxy that never retries, so faults surface as errors. */
  const viaProxy = (options: { commandTimeout?: number } = {}): Redis => {
    const c = new Redis(proxy.port, proxy.host, {
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      ...options,
    });
    c.on('error', () => undefined);
    clients.push(c);
    return c;
  };
  const timed = async <T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> => {
    const started = performance.now();
    const value = await fn();
    return { ms: performance.now() - started, value };
  };

  beforeAll(async () => {
    redis = await startRedis({ name: 'behind-proxy' });
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.disconnect();
    await proxy?.close();
  });

  afterAll(async () => {
    await redis?.stop();
  });

  const freshProxy = async (): Promise<void> => {
    proxy = await startFaultProxy({ targetHost: redis.host, targetPort: redis.port });
  };

  it('passes traffic through and counts connections', async () => {
    await freshProxy();
    const c = viaProxy();
    expect(await c.ping()).toBe('PONG');
    expect(proxy.connections).toBe(1);
    c.disconnect();
    await waitFor(() => proxy.connections === 0, { timeoutMs: 2_000, what: 'connection closed' });
  });

  it('adds latency in both directions, also on an open connection, until healed', async () => {
    await freshProxy();
    const c = viaProxy();
    await c.ping();
    proxy.setLatency(200);
    const slow = await timed(() => c.ping());
    expect(slow.value).toBe('PONG');
    expect(slow.ms).toBeGreaterThanOrEqual(2 * 200 - 10); // request and reply both delayed
    proxy.heal();
    expect((await timed(() => c.ping())).ms).toBeLessThan(150);
  });

  it('blackholes traffic so commands time out', async () => {
    await freshProxy();
    const c = viaProxy({ commandTimeout: 300 });
    await c.ping();
    proxy.blackhole(true);
    await expect(c.ping()).rejects.toThrow(/timed out/i);
    expect(proxy.connections).toBe(1); // kept open, just silent
    proxy.heal();
    // The swallowed PING never reached Redis, so a new client is needed for a clean exchange.
    expect(await viaProxy().ping()).toBe('PONG');
  });

  it('resets open connections: an in-flight client sees ECONNRESET', async () => {
    await freshProxy();
    const c = viaProxy();
    await c.ping();
    const error = new Promise<NodeJS.ErrnoException>((resolve) => c.once('error', resolve));
    proxy.setLatency(1_000); // keeps the next command in flight
    const inFlight = c.ping();
    await new Promise((resolve) => setTimeout(resolve, 50));
    proxy.resetConnections();
    await expect(inFlight).rejects.toThrow();
    expect(await error).toMatchObject({ code: 'ECONNRESET' });
    expect(proxy.connections).toBe(0);
  });

  it('refuses new connections with a reset while open ones keep working', async () => {
    await freshProxy();
    const open = viaProxy();
    await open.ping();
    proxy.refuse(true);
    const code = await new Promise<string | undefined>((resolve) => {
      const socket = net.connect(proxy.port, proxy.host);
      socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code));
      socket.on('close', () => resolve(undefined));
      socket.write('PING\r\n');
    });
    expect(code).toBe('ECONNRESET');
    expect(await open.ping()).toBe('PONG');
    proxy.refuse(false);
    expect(await viaProxy().ping()).toBe('PONG');
  });

  it('keeps order and content intact under latency and backpressure', async () => {
    await freshProxy();
    const c = viaProxy();
    // Larger than the pump's high-water mark, so reading from the sender pauses and resumes.
    const blob = randomBytes(3 * 1024 * 1024);
    await c.set('blob', blob);
    proxy.setLatency(20);
    const pipeline = c.pipeline();
    for (let i = 0; i < 300; i++) pipeline.incr('counter');
    pipeline.getBuffer('blob');
    const results = (await pipeline.exec()) ?? [];
    expect(results.slice(0, 300).map(([, n]) => n)).toEqual(
      Array.from({ length: 300 }, (_, i) => i + 1),
    );
    expect(Buffer.compare(results[300]?.[1] as Buffer, blob)).toBe(0);
  });

  it('caps bandwidth per direction; heal restores full speed', async () => {
    await freshProxy();
    const c = viaProxy();
    await c.set('big', 'x'.repeat(VALUE_BYTES)); // uncapped, before the cap applies
    proxy.setBandwidth(VALUE_BYTES); // bytes per second: the GET reply needs ~1 s
    const capped = await timed(() => c.get('big'));
    expect(capped.value).toHaveLength(VALUE_BYTES);
    expect(capped.ms).toBeGreaterThanOrEqual(850);
    expect(capped.ms).toBeLessThan(2_500);
    proxy.heal();
    const healed = await timed(() => c.get('big'));
    expect(healed.value).toHaveLength(VALUE_BYTES);
    expect(healed.ms).toBeLessThan(300);
  });

  it('resets clients when the target is down', async () => {
    await freshProxy();
    await redis.kill();
    try {
      const c = viaProxy();
      const error = new Promise<NodeJS.ErrnoException>((resolve) => c.once('error', resolve));
      expect(await error).toMatchObject({ code: 'ECONNRESET' });
    } finally {
      await redis.restart();
    }
  });
});
