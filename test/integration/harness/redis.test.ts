import net from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { redisPing, startRedis } from '../../support';
import type { RedisHandle } from '../../support';

// No reconnects and no retries: a failure must surface as the error the tests look at.
const once = { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null } as const;

describe('startRedis', () => {
  let redis: RedisHandle;
  const clients: Redis[] = [];
  const client = (url: string, options: { enableReadyCheck?: boolean } = {}): Redis => {
    const c = new Redis(url, { ...once, ...options });
    c.on('error', () => undefined); // tests that care use firstError()
    clients.push(c);
    return c;
  };
  // ioredis rejects connect() with a generic "Connection is closed."; the socket error with its
  // code arrives as an 'error' event.
  const firstError = (c: Redis): Promise<NodeJS.ErrnoException> =>
    new Promise((resolve) => c.once('error', resolve));

  beforeAll(async () => {
    redis = await startRedis({ name: 'harness' });
  });

  afterEach(() => {
    for (const c of clients.splice(0)) c.disconnect();
  });

  afterAll(async () => {
    await redis?.stop();
  });

  it('runs a private Redis with persistence off', async () => {
    const c = client(redis.url);
    await c.connect();
    await c.set('greeting', 'hello');
    expect(await c.get('greeting')).toBe('hello');
    expect(await c.config('GET', 'save')).toEqual(['save', '']);
    expect(await c.config('GET', 'bind')).toEqual(['bind', '127.0.0.1']);
  });

  it('refuses connections after SIGKILL and serves again after restart', async () => {
    const { port, pid } = redis;
    await redis.kill();
    expect(redis.running).toBe(false);
    expect(() => process.kill(pid, 0)).toThrow();
    const refused = client(redis.url);
    const error = firstError(refused);
    await expect(refused.connect()).rejects.toThrow();
    expect(await error).toMatchObject({ code: 'ECONNREFUSED' });

    await redis.restart();
    expect(redis.port).toBe(port);
    const c = client(redis.url);
    await c.connect();
    expect(await c.ping()).toBe('PONG');
    expect(await c.get('greeting')).toBeNull(); // nothing persisted, by design
  });

  it('restart() waits for its port while something else briefly holds it', async () => {
    await redis.kill();
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(redis.port, redis.host, resolve));
    setTimeout(() => squatter.close(), 500);
    await redis.restart();
    expect(await redisPing(redis.port)).toBe(true);
  });

  it('requires the password when started with one', async () => {
    const secured = await startRedis({ name: 'secured', password: 's3cret/pw' });
    try {
      expect(secured.url).toBe(`redis://:s3cret%2Fpw@127.0.0.1:${secured.port}`);
      // Without the ready check (INFO) the connection stays up and PING gets the server's reply.
      const anonymous = client(`redis://127.0.0.1:${secured.port}`, { enableReadyCheck: false });
      await anonymous.connect();
      await expect(anonymous.ping()).rejects.toThrow(/NOAUTH/);
      const authed = client(secured.url);
      await authed.connect();
      expect(await authed.ping()).toBe('PONG');
    } finally {
      await secured.stop();
    }
  });
});
