import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../electron/main/lib/logger';
import { ClientRegistry } from '../../../electron/main/stores/registry';
import type { StoreClientInit } from '../../../electron/main/stores/types';
import type { RedisStore } from '../../../electron/main/stores/redis.store';
import { conn } from '../../support/connections';
import { startRedis, waitFor, type RedisHandle } from '../../support';

/** Client connections Redis sees from Keel (connection name "keel"). */
async function keelClients(admin: Redis): Promise<number> {
  const list = String(await admin.call('CLIENT', 'LIST'));
  return list.split('\n').filter((l) => / name=keel /.test(l)).length;
}

describe('client registry: lazy, reused, replaced on change, closed when idle and on dispose', () => {
  let redis: RedisHandle;
  let admin: Redis;
  beforeAll(async () => {
    redis = await startRedis({ name: 'registry' });
    admin = new Redis({ host: redis.host, port: redis.port });
  });
  afterAll(async () => {
    admin.disconnect();
    await redis.stop();
  });

  it('does all four', async () => {
    let init: StoreClientInit = {
      connection: conn('redis', redis.host, redis.port, {
        id: 'cache',
        pool: { max: 4, min: 0, idleTimeoutMs: 1000 },
      }),
      secret: undefined,
    };
    const registry = new ClientRegistry(async () => init, silentLogger(), 200);
    expect(await keelClients(admin)).toBe(0);
    const a = (await registry.of('redis', 'env', 'cache')) as RedisStore;
    expect(await keelClients(admin)).toBe(0); // created, not yet connected
    await a.command(['PING']);
    expect(await keelClients(admin)).toBe(1);
    expect(await registry.get('env', 'cache')).toBe(a); // reused
    await expect(registry.of('mysql', 'env', 'cache')).rejects.toMatchObject({
      code: 'VALIDATION',
    });

    init = { ...init, connection: { ...init.connection, name: 'renamed' } };
    const b = (await registry.of('redis', 'env', 'cache')) as RedisStore;
    expect(b).not.toBe(a); // settings changed: a new client, the old one closed
    await b.command(['PING']);
    await waitFor(async () => (await keelClients(admin)) === 1, {
      timeoutMs: 3000,
      what: 'old client closed',
    });

    // Idle for longer than twice the idle time-out: closed by the sweeper.
    await waitFor(() => registry.open().length === 0, {
      timeoutMs: 5000,
      what: 'idle client closed',
    });
    await waitFor(async () => (await keelClients(admin)) === 0, {
      timeoutMs: 3000,
      what: 'socket closed',
    });

    const c = (await registry.of('redis', 'env', 'cache')) as RedisStore;
    await c.command(['PING']);
    expect(await keelClients(admin)).toBe(1);
    await registry.dispose();
    await waitFor(async () => (await keelClients(admin)) === 0, {
      timeoutMs: 3000,
      what: 'closed on dispose',
    });
  });
});
