import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../electron/main/bootstrap';
import { silentLogger } from '../../../electron/main/lib/logger';
import { KeelError } from '../../../shared/errors';
import { KeyCipher } from '../../../electron/main/secrets/cipher';
import { dayOf, partitionOf } from '../../../electron/main/services/monitoring/tenant-activity';
import { BlueprintLoader } from '../../../electron/main/services/tenants/blueprints';
import { createDatabaseSql, createTableSql } from '../../../electron/main/services/tenants/ddl';
import type { TenantActivity } from '../../../shared/monitoring';
import { startMariaDb, startRedis, type MariaDbHandle, type RedisHandle } from '../../support';

const ctx = {
  shell: 'server' as const,
  actor: { type: 'user' as const, name: 't' },
  signal: new AbortController().signal,
};

async function call<T>(core: Core, method: string, input: unknown): Promise<T> {
  const r = await core.router.dispatch(method, input, ctx);
  if (!r.ok) throw new KeelError(r.error.code, `${method}: ${r.error.message}`);
  return r.value as T;
}

const DB = 'saas_unified_core';
const TABLE = 'saas_unified_audit_logs';

describe('monitoring.tenantActivity on MariaDB + Redis', () => {
  let db: MariaDbHandle;
  let redis: RedisHandle;
  let core: Core;
  let dir: string;
  const now = new Date();

  beforeAll(async () => {
    [db, redis] = await Promise.all([
      startMariaDb({ name: 'mon-activity' }),
      startRedis({ name: 'mon-activity' }),
    ]);
    // The blueprint's own DDL: monthly partitions around now plus pmax.
    const { blueprint } = await new BlueprintLoader().load('default');
    const spec = blueprint.mysql.databases
      .find((d) => d.name === DB)!
      .tables.find((t) => t.name === TABLE)!;
    await db.query(createDatabaseSql(DB));
    await db.query(createTableSql(DB, spec, now));
    // acme 30 rows, beta 12, gamma 5 this month; gamma has 50 more last month (not counted).
    const values: string[] = [];
    const add = (tenant: string, n: number, at: Date) => {
      const ts = at.toISOString().slice(0, 19).replace('T', ' ');
      for (let i = 0; i < n; i++) {
        values.push(`('${tenant}-${at.getTime()}-${i}', '${tenant}', 'login', 'user', '${ts}')`);
      }
    };
    add('acme', 30, now);
    add('beta', 12, now);
    add('gamma', 5, now);
    add('gamma', 50, new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 10)));
    await db.query(
      `INSERT INTO ${DB}.${TABLE} (id, tenant_id, action, resource_type, created_at) VALUES ${values.join(',')}`,
    );

    const r = new Redis({ host: '127.0.0.1', port: redis.port, db: blueprint.redis.businessDb });
    await r.set(`t:acme:api_calls:${dayOf(now)}`, 100);
    await r.set(`t:beta:api_calls:${dayOf(now)}`, 900);
    await r.set(`t:gamma:api_calls:${dayOf(now)}`, 7);
    await r.set(`t:beta:api_calls:19990101`, 5000); // another day: not counted
    await r.set(`t:beta:session:x`, 'y');
    await r.quit();

    dir = await mkdtemp(join(tmpdir(), 'keel-activity-'));
    core = await createCore({
      shell: 'server',
      version: 'test',
      userDataDir: dir,
      cipher: new KeyCipher('t', Buffer.alloc(32, 6)),
      logger: silentLogger(),
      monitor: false,
      env: {
        KEEL_ENV_ID: 'act',
        KEEL_CONN_CORE_URI: `mysql://root@127.0.0.1:${db.port}/`,
        KEEL_CONN_CACHE_URI: `redis://127.0.0.1:${redis.port}/0`,
      },
    });
  });

  afterAll(async () => {
    await core?.dispose();
    await Promise.all([db?.stop(), redis?.stop()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('ranks the tenants of the shard by rows in the current partition, with today’s API calls', async () => {
    const a = await call<TenantActivity>(core, 'monitoring.tenantActivity', { envId: 'act' });
    expect(a.partition).toBe(partitionOf(now));
    expect(a.day).toBe(dayOf(now));
    expect(a.redis).toMatchObject({ connectionId: 'cache', db: 1, keys: 3, truncated: false });
    expect(a.shards).toHaveLength(1);
    const shard = a.shards[0]!;
    expect(shard.connectionId).toBe('core');
    expect(shard.tables).toContain(`${DB}.${TABLE}`);
    expect(shard.ranking).toEqual([
      { tenantId: 'acme', rows: 30, apiCalls: 100, byTable: { [`${DB}.${TABLE}`]: 30 } },
      { tenantId: 'beta', rows: 12, apiCalls: 900, byTable: { [`${DB}.${TABLE}`]: 12 } },
      { tenantId: 'gamma', rows: 5, apiCalls: 7, byTable: { [`${DB}.${TABLE}`]: 5 } },
    ]);
    // The blueprint's other partitioned tables do not exist here: reported, not fatal.
    expect(a.skipped.length).toBeGreaterThan(0);
    expect(a.skipped.every((s) => s.what.startsWith('core: '))).toBe(true);
  });

  it('serves the cached read until refresh, and filters by connection', async () => {
    const first = await call<TenantActivity>(core, 'monitoring.tenantActivity', { envId: 'act' });
    await db.query(
      `INSERT INTO ${DB}.${TABLE} (id, tenant_id, action, resource_type, created_at) VALUES ('late', 'delta', 'x', 'y', UTC_TIMESTAMP())`,
    );
    const cached = await call<TenantActivity>(core, 'monitoring.tenantActivity', {
      envId: 'act',
      connectionId: 'core',
    });
    expect(cached.at).toBe(first.at);
    const fresh = await call<TenantActivity>(core, 'monitoring.tenantActivity', {
      envId: 'act',
      refresh: true,
    });
    expect(fresh.shards[0]!.ranking.map((r) => r.tenantId)).toEqual([
      'acme',
      'beta',
      'gamma',
      'delta',
    ]);
  });

  it('refuses a connection that holds no business tables', async () => {
    await expect(
      call(core, 'monitoring.tenantActivity', { envId: 'act', connectionId: 'cache' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
