import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../electron/main/bootstrap';
import { silentLogger } from '../../../electron/main/lib/logger';
import { KeyCipher } from '../../../electron/main/secrets/cipher';
import {
  countPartition,
  partitionOf,
} from '../../../electron/main/services/monitoring/tenant-activity';
import { MysqlStore } from '../../../electron/main/stores/mysql.store';
import { BlueprintLoader } from '../../../electron/main/services/tenants/blueprints';
import { createDatabaseSql, createTableSql } from '../../../electron/main/services/tenants/ddl';
import { KeelError } from '../../../shared/errors';
import type { TenantActivity } from '../../../shared/monitoring';
import { startMariaDb, type MariaDbHandle } from '../../support';
import { conn } from '../../support/connections';

const ctx = {
  shell: 'server' as const,
  actor: { type: 'user' as const, name: 't' },
  signal: new AbortController().signal,
};

/** Where the old code cut each table's list. */
const TOP_PER_TABLE = 20;
const AUDIT = 'saas_unified_core.saas_unified_audit_logs';
const CALLS = 'ai_agent_platform.ai_call_logs';

/**
 * Issue 15: the ranking summed each table's top 20 tenants only, so a tenant busy in every table
 * but first in none was missing or undercounted.
 */
describe('monitoring.tenantActivity ranks on complete per-tenant sums (MariaDB)', () => {
  let db: MariaDbHandle;
  let core: Core;
  let dir: string;
  const now = new Date();
  const ts = now.toISOString().slice(0, 19).replace('T', ' ');

  beforeAll(async () => {
    db = await startMariaDb({ name: 'mon-activity-sum' });
    const { blueprint } = await new BlueprintLoader().load('default');
    for (const full of [AUDIT, CALLS]) {
      const [database, table] = full.split('.') as [string, string];
      const spec = blueprint.mysql.databases
        .find((d) => d.name === database)!
        .tables.find((t) => t.name === table)!;
      await db.query(createDatabaseSql(database));
      await db.query(createTableSql(database, spec, now));
    }
    // 20 tenants with 10 rows in the audit log, 20 others with 10 calls: each table's top 20.
    // 'zeta' has 9 of each: in neither top 20, yet the busiest with 18.
    const audit: string[] = [];
    const calls: string[] = [];
    const rows = (tenant: string, n: number, into: string[], row: (id: string) => string) => {
      for (let i = 0; i < n; i++) into.push(row(`${tenant}-${i}`));
    };
    const auditRow = (tenant: string) => (id: string) =>
      `('${id}', '${tenant}', 'login', 'user', '${ts}')`;
    const callRow = (tenant: string) => (id: string) =>
      `('${id}', '${tenant}', 'dify', '${id}', 'success', '${ts}')`;
    for (let i = 1; i <= TOP_PER_TABLE; i++) {
      const a = `a${String(i).padStart(2, '0')}`;
      const b = `b${String(i).padStart(2, '0')}`;
      rows(a, 10, audit, auditRow(a));
      rows(b, 10, calls, callRow(b));
    }
    rows('zeta', 9, audit, auditRow('zeta'));
    rows('zeta', 9, calls, callRow('zeta'));
    await db.query(
      `INSERT INTO ${AUDIT} (id, tenant_id, action, resource_type, created_at) VALUES ${audit.join(',')}`,
    );
    await db.query(
      `INSERT INTO ${CALLS} (id, tenant_id, platform_type, request_id, status, created_at) VALUES ${calls.join(',')}`,
    );

    dir = await mkdtemp(join(tmpdir(), 'keel-activity-sum-'));
    core = await createCore({
      shell: 'server',
      version: 'test',
      userDataDir: dir,
      cipher: new KeyCipher('t', Buffer.alloc(32, 7)),
      logger: silentLogger(),
      monitor: false,
      env: { KEEL_ENV_ID: 'sum', KEEL_CONN_CORE_URI: `mysql://root@127.0.0.1:${db.port}/` },
    });
  });

  afterAll(async () => {
    await core?.dispose();
    await db?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('puts a tenant outside every table’s top 20 first, with its exact total', async () => {
    const r = await core.router.dispatch('monitoring.tenantActivity', { envId: 'sum' }, ctx);
    if (!r.ok) throw new KeelError(r.error.code, r.error.message);
    const shard = (r.value as TenantActivity).shards[0]!;
    expect(shard.ranking[0]).toEqual({
      tenantId: 'zeta',
      rows: 18,
      apiCalls: 0,
      byTable: { [AUDIT]: 9, [CALLS]: 9 },
    });
    // Every tenant was counted, and the answer says so.
    expect(shard.tenants).toBe(2 * TOP_PER_TABLE + 1);
    expect(shard.partial).toBe(false);
    expect(shard.ranking.slice(1).every((t) => t.rows === 10)).toBe(true);
  });

  it('says when a table has more tenants than it reads, keeping the busiest', async () => {
    const store = new MysqlStore({
      connection: conn('mysql', '127.0.0.1', db.port),
      secret: undefined,
    });
    try {
      const [database, table] = AUDIT.split('.') as [string, string];
      const cut = await countPartition(store, database, table, partitionOf(now), {}, 5);
      expect(cut.complete).toBe(false);
      expect(cut.counts.size).toBe(5);
      expect([...cut.counts.values()].every((n) => n === 10)).toBe(true);
      const all = await countPartition(store, database, table, partitionOf(now), {});
      expect(all).toMatchObject({ complete: true });
      expect(all.counts.size).toBe(TOP_PER_TABLE + 1);
      expect(all.counts.get('zeta')).toBe(9);
    } finally {
      await store.close();
    }
  });
});
