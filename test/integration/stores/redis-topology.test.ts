import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../../../electron/main/stores/redis.store';
import { conn } from '../../support/connections';
import { startRedis, waitFor, type RedisHandle } from '../../support';

describe('Redis store through Sentinel (real redis-server --sentinel)', () => {
  let master: RedisHandle;
  let sentinel: RedisHandle;
  beforeAll(async () => {
    master = await startRedis({ name: 'sentinel-master' });
    sentinel = await startRedis({
      name: 'sentinel',
      sentinelOf: { host: master.host, port: master.port, masterName: 'keelmaster' },
    });
  });
  afterAll(async () => {
    await sentinel.stop();
    await master.stop();
  });

  it('finds the master through the sentinel and works against it', async () => {
    const s = new RedisStore({
      connection: conn('redis', '127.0.0.1', sentinel.port, {
        redis: {
          mode: 'sentinel',
          masterName: 'keelmaster',
          sentinels: [{ host: '127.0.0.1', port: sentinel.port }],
        },
      }),
      secret: undefined,
    });
    const f = await s.probe('primary');
    expect(f.version).toMatch(/^7\./);
    await s.command(['SET', 'via', 'sentinel']);
    const direct = spawnSync('redis-cli', ['-p', String(master.port), 'GET', 'via'], {
      encoding: 'utf8',
    });
    expect(direct.stdout.trim()).toBe('sentinel');
    await s.close();
  });

  it('maps an unknown master name to a clear error', async () => {
    const s = new RedisStore({
      connection: conn('redis', '127.0.0.1', sentinel.port, {
        redis: {
          mode: 'sentinel',
          masterName: 'nosuchmaster',
          sentinels: [{ host: '127.0.0.1', port: sentinel.port }],
        },
        timeouts: { connectMs: 800, operationMs: 1500 },
      }),
      secret: undefined,
    });
    const e = await s.command(['PING']).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: expect.stringMatching(/CONN_REFUSED|TIMEOUT|SERVER_ERROR/) });
    expect(String((e as Error).message)).toMatch(/127\.0\.0\.1/);
    await s.close();
  });
});

describe('Redis store against a real Redis Cluster (3 masters)', () => {
  const nodes: RedisHandle[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 3; i++)
      nodes.push(
        await startRedis({
          name: `cluster-${i}`,
          args: ['--cluster-enabled', 'yes', '--cluster-node-timeout', '2000'],
        }),
      );
    const created = spawnSync(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...nodes.map((n) => `127.0.0.1:${n.port}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ],
      { encoding: 'utf8', timeout: 30_000 },
    );
    if (created.status !== 0)
      throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
    // A cluster is formed when every node says so: right after `--cluster create` the first node
    // may report ok while the others still gossip `cluster_state:fail`, and ioredis's ready check
    // asks a random node, failing and backing off until that one agrees (the CI time-out seen).
    await waitFor(
      () =>
        nodes.every((n) =>
          spawnSync('redis-cli', ['-p', String(n.port), 'CLUSTER', 'INFO'], {
            encoding: 'utf8',
          }).stdout.includes('cluster_state:ok'),
        ),
      { timeoutMs: 30_000, what: 'cluster_state:ok on every node' },
    );
  });
  afterAll(async () => Promise.all(nodes.map((n) => n.stop())));

  it('routes keys to their slots across the masters, and pipelines across them', async () => {
    const s = new RedisStore({
      connection: conn('redis', '127.0.0.1', nodes[0]?.port ?? 0, {
        redis: { mode: 'cluster', nodes: nodes.map((n) => ({ host: '127.0.0.1', port: n.port })) },
        // The first call discovers the slots of a cluster that just formed: room for a slow machine.
        timeouts: { connectMs: 5000, operationMs: 10_000 },
      }),
      secret: undefined,
    });
    expect((await s.probe('primary')).version).toMatch(/^7\./);
    // Keys in one hash slot go in one pipeline (a cluster pipeline must not span slots).
    const cmds = Array.from(
      { length: 50 },
      (_, i) => ['SET', `{tenant:acme}:k${i}`, String(i)] as [string, string, string],
    );
    await s.pipeline(cmds);
    for (let i = 0; i < 30; i++) await s.command(['SET', `spread:${i}`, String(i)]);
    const perNode = nodes.map((n) =>
      Number(
        spawnSync('redis-cli', ['-p', String(n.port), 'DBSIZE'], {
          encoding: 'utf8',
        }).stdout.trim(),
      ),
    );
    expect(perNode.reduce((a, b) => a + b, 0)).toBe(80);
    expect(perNode.filter((k) => k > 0).length).toBeGreaterThanOrEqual(2);
    expect(await s.command(['GET', '{tenant:acme}:k7'])).toBe('7');
    await s.close();
  });
});
