import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../electron/main/bootstrap';
import { silentLogger } from '../../../electron/main/lib/logger';
import { KeyCipher } from '../../../electron/main/secrets/cipher';
import { BlueprintLoader } from '../../../electron/main/services/tenants/blueprints';
import { createDatabaseSql, createTableSql } from '../../../electron/main/services/tenants/ddl';
import type { JobRecord } from '../../../shared/jobs';
import type {
  PartitionsApplyResult,
  PartitionsList,
  PartitionsPlan,
} from '../../../shared/partitions';
import { startMariaDb, stopAll, type MariaDbHandle } from '../../support';

/**
 * A dedicated instance on a server of its own: discovery reads each server once, attributes the
 * tenant's schema to its instance connection, and a server that is down is reported (its tables
 * not maintained) while the other server's tables are listed and maintained.
 */

const TABLE = 'health_device_logs';
const ctx = {
  shell: 'server' as const,
  actor: { type: 'user' as const, name: 'ops@test' },
  signal: new AbortController().signal,
};

describe('partition discovery across servers', () => {
  let a: MariaDbHandle;
  let b: MariaDbHandle;
  let core: Core;
  let home: string;

  async function call<T>(method: string, input: unknown): Promise<T> {
    const r = await core.router.dispatch(method, input, ctx);
    if (!r.ok) throw Object.assign(new Error(r.error.message), r.error);
    return r.value as T;
  }

  beforeAll(async () => {
    [a, b] = await Promise.all([
      startMariaDb({ name: 'partitions-a' }),
      startMariaDb({ name: 'partitions-b' }),
    ]);
    const { blueprint } = await new BlueprintLoader().load('default');
    const spec = blueprint.mysql.databases.flatMap((d) => d.tables).find((t) => t.name === TABLE)!;
    const last = new Date();
    last.setUTCMonth(last.getUTCMonth() - 1, 1);
    // A: the shared database; B: the dedicated instance of initech. Both a month behind.
    await a.query(createDatabaseSql('health_management'));
    await a.query(createTableSql('health_management', spec, last));
    // A dedicated schema whose table was made without partitions (by hand, or before Keel).
    await a.query(createDatabaseSql('tenant_plain'));
    await a.query(createTableSql('tenant_plain', { ...spec, partition: undefined }, last));
    await b.query(createDatabaseSql('tenant_initech'));
    await b.query(createTableSql('tenant_initech', spec, last));
    home = await mkdtemp(join(tmpdir(), 'keel-partitions-servers-'));
    core = await createCore({
      shell: 'server',
      version: 't',
      userDataDir: home,
      cipher: new KeyCipher('t', Buffer.alloc(32, 7)),
      logger: silentLogger(),
      env: {
        KEEL_ENV_ID: 'plat',
        KEEL_CONN_CORE_URI: `mysql://root@127.0.0.1:${a.port}/`,
        KEEL_CONN_INITECH_URI: `mysql://root@127.0.0.1:${b.port}/`,
        KEEL_CONN_INITECH_ROLE: 'tenant:initech',
      },
      work: true,
    });
  }, 120_000);
  afterAll(async () => {
    await core?.dispose();
    await stopAll();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('reads each server once and gives the instance schema its own connection', async () => {
    const list = await call<PartitionsList>('partitions.list', { envId: 'plat' });
    expect(list.servers).toEqual([
      { server: `127.0.0.1:${a.port}`, connectionIds: ['core'], queries: 1, tables: 2 },
      { server: `127.0.0.1:${b.port}`, connectionIds: ['initech'], queries: 1, tables: 1 },
    ]);
    expect(list.tables.map((t) => [t.connectionId, t.schema, t.tenantId ?? null])).toEqual([
      ['core', 'health_management', null],
      ['core', 'tenant_plain', 'plain'],
      ['initech', 'tenant_initech', 'initech'],
    ]);
    // Shown, not silently skipped: it has no partitions and no runway, and is never rebuilt.
    expect(list.tables[1]).toMatchObject({ partitions: [], runwayDays: null, maxvalueRows: null });
    const plan = await call<PartitionsPlan>('partitions.plan', { envId: 'plat' });
    expect(plan.plans[1]).toMatchObject({
      schema: 'tenant_plain',
      status: 'refused',
      statement: null,
    });
    expect(plan.plans[1]?.reason).toMatch(/not partitioned/);
  });

  it('reports a server that is down and maintains the other', async () => {
    await b.kill();
    const list = await call<PartitionsList>('partitions.list', { envId: 'plat' });
    expect(list.tables.map((t) => t.schema)).toEqual(['health_management', 'tenant_plain']);
    expect(list.servers[1]).toMatchObject({ connectionIds: ['initech'], tables: 0 });
    expect(list.servers[1]?.error).toMatch(/127\.0\.0\.1/);
    const started = await call<JobRecord>('partitions.apply', { envId: 'plat' });
    const done = await core.services.jobs.wait(started.id);
    expect(done.state).toBe('completed');
    const result = done.result as PartitionsApplyResult;
    expect(result.tables).toEqual([
      expect.objectContaining({ schema: 'health_management', status: 'applied' }),
      expect.objectContaining({ schema: 'tenant_plain', status: 'refused' }),
    ]);
    expect(result.unread).toEqual([expect.stringMatching(`127.0.0.1:${b.port}`)]);
    expect(done.log.some((l) => l.level === 'error' && l.msg.includes(String(b.port)))).toBe(true);
  });
});
