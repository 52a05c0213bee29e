import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection, type Connection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../electron/main/bootstrap';
import { silentLogger } from '../../../electron/main/lib/logger';
import { KeyCipher } from '../../../electron/main/secrets/cipher';
import { applyTable } from '../../../electron/main/services/partitions/apply';
import { PartitionsService } from '../../../electron/main/services/partitions/partitions.service';
import type { JobRecord } from '../../../shared/jobs';
import type {
  PartitionsApplyResult,
  PartitionsList,
  PartitionsPlan,
} from '../../../shared/partitions';
import { startMariaDb, stopAll, type MariaDbHandle } from '../../support';
import {
  createTables as createTablesIn,
  jobCtx,
  monthName,
  monthsFrom,
  NOW,
  partitionNames,
  SHARED_DB,
  TABLE,
} from './fixtures';

/**
 * Partition maintenance on a real MariaDB 10.11 holding the default blueprint's seven partitioned
 * tables in the shared databases, two dedicated tenant schemas and a dedicated-instance tenant
 * (a second connection, role tenant:initech, to the same server).
 */

const ctxUser = {
  shell: 'server' as const,
  actor: { type: 'user' as const, name: 'ops@test' },
  signal: new AbortController().signal,
};

describe('partition maintenance on a real MariaDB', () => {
  let db: MariaDbHandle;
  let core: Core;
  let home: string;
  let sql: Connection;

  /** The service on the core's environment and pools, with its clock at `now`. */
  const serviceAt = (now: Date): PartitionsService =>
    new PartitionsService({
      envs: core.services.environments,
      registry: core.services.registry,
      logger: silentLogger(),
      now: () => now,
      retryDelayMs: 200,
    });

  async function call<T>(method: string, input: unknown): Promise<T> {
    const r = await core.router.dispatch(method, input, ctxUser);
    if (!r.ok) throw Object.assign(new Error(r.error.message), r.error);
    return r.value as T;
  }

  const createTables = (schema: string | undefined, at: Date, only?: string): Promise<void> =>
    createTablesIn(sql, schema, at, only);
  const names = (schema: string, table = TABLE): Promise<string[]> =>
    partitionNames(sql, schema, table);

  /** Fill `schema`.TABLE with n rows over the last 80 days (history partitions only). */
  async function fill(schema: string, n: number): Promise<void> {
    await sql.query(
      `INSERT INTO \`${schema}\`.${TABLE} (id, tenant_id, customer_id, event_type, event_time, created_at)
       SELECT CONCAT('e', seq), 'acme', CONCAT('c', seq % 1000), 'view', ?, ? - INTERVAL (seq % 80) DAY
         FROM \`${schema}\`.seq_1_to_${n}`,
      [NOW, NOW],
    );
  }

  const comSelect = async (): Promise<number> => {
    const [rows] = await sql.query("SHOW GLOBAL STATUS LIKE 'Com_select'");
    return Number((rows as Array<{ Value: string }>)[0]?.Value);
  };

  beforeAll(async () => {
    db = await startMariaDb({ name: 'partitions' });
    sql = await createConnection({
      host: db.host,
      port: db.port,
      user: 'root',
      multipleStatements: false,
    });
    home = await mkdtemp(join(tmpdir(), 'keel-partitions-'));
    core = await createCore({
      shell: 'server',
      version: 't',
      userDataDir: home,
      cipher: new KeyCipher('t', Buffer.alloc(32, 7)),
      logger: silentLogger(),
      env: {
        KEEL_ENV_ID: 'plat',
        KEEL_CONN_CORE_URI: `mysql://root@127.0.0.1:${db.port}/`,
        KEEL_CONN_INITECH_URI: `mysql://root@127.0.0.1:${db.port}/`,
        KEEL_CONN_INITECH_ROLE: 'tenant:initech',
      },
      work: true,
    });
    await createTables(undefined, NOW);
    for (const s of ['tenant_acme', 'tenant_globex', 'tenant_initech']) await createTables(s, NOW);
  }, 120_000);

  afterAll(async () => {
    await sql?.end();
    await core?.dispose();
    await stopAll();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('discovers every partitioned table of every schema in one query per server', async () => {
    const before = await comSelect();
    const list = await call<PartitionsList>('partitions.list', { envId: 'plat' });
    const sent = (await comSelect()) - before;
    // core and tenant:initech are one server: one statement read all 28 tables.
    expect(list.servers).toEqual([
      {
        server: `127.0.0.1:${db.port}`,
        connectionIds: ['core', 'initech'],
        queries: 1,
        tables: 28,
      },
    ]);
    expect(sent).toBe(1);
    const bySchema = new Map<string, number>();
    for (const t of list.tables) bySchema.set(t.schema, (bySchema.get(t.schema) ?? 0) + 1);
    expect(Object.fromEntries(bySchema)).toMatchObject({
      tenant_acme: 7,
      tenant_globex: 7,
      tenant_initech: 7,
    });
    const initech = list.tables.find((t) => t.schema === 'tenant_initech' && t.table === TABLE);
    expect(initech).toMatchObject({
      connectionId: 'initech',
      tenantId: 'initech',
      maxvalueRows: 0,
    });
    const acme = list.tables.find((t) => t.schema === 'tenant_acme' && t.table === TABLE)!;
    expect(acme.connectionId).toBe('core');
    expect(acme.partitions.map((p) => p.name)).toEqual([
      ...[-3, -2, -1, 0, 1, 2, 3].map((i) => monthName(i)),
      'pmax',
    ]);
    // Runway: until the 1st of the month 4 months from now, 00:00 UTC.
    const end = Date.UTC(NOW.getUTCFullYear(), NOW.getUTCMonth() + 4, 1);
    expect(acme.runwayDays).toBeCloseTo((end - Date.now()) / 86_400_000, 0);
    expect(acme.partitions.at(-1)).toMatchObject({ description: 'MAXVALUE', lessThan: null });
    const shared = list.tables.find((t) => t.schema === SHARED_DB && t.table === TABLE);
    expect(shared).toMatchObject({ connectionId: 'core' });
    expect(shared?.tenantId).toBeUndefined();
  });

  it('adds exactly the missing months ahead, metadata-only, and a second run plans nothing', async () => {
    const later = serviceAt(monthsFrom(2));
    const plan = await later.plan('plat');
    expect(plan.plans).toHaveLength(28);
    for (const p of plan.plans) {
      expect(p.status, `${p.schema}.${p.table}`).toBe('planned');
      expect(p.add.map((a) => a.name)).toEqual([monthName(4), monthName(5)]);
      expect(p.statement?.kind).toBe('reorganize');
    }
    const result = await later.apply({ envId: 'plat', lockWaitSec: 5, attempts: 2 }, jobCtx());
    expect(result).toMatchObject({ applied: 28, failed: 0, refused: 0 });
    expect(await names('tenant_globex')).toEqual([
      ...[-3, -2, -1, 0, 1, 2, 3, 4, 5].map((i) => monthName(i)),
      'pmax',
    ]);
    const again = await later.plan('plat');
    expect(again.plans.filter((p) => p.status !== 'ok')).toEqual([]);
    const second = await later.apply({ envId: 'plat', lockWaitSec: 5, attempts: 2 }, jobCtx());
    expect(second).toMatchObject({ applied: 0, failed: 0, refused: 0 });
    expect(second.tables.every((t) => t.status === 'unchanged')).toBe(true);
  }, 120_000);

  it('runs as a job through the contract and records each change in the audit log', async () => {
    await createTables('tenant_stale', monthsFrom(-2), TABLE);
    const plan = await call<PartitionsPlan>('partitions.plan', { envId: 'plat' });
    const stale = plan.plans.find((p) => p.schema === 'tenant_stale')!;
    expect(stale.add.map((a) => a.name)).toEqual([monthName(2), monthName(3)]);
    const started = await call<JobRecord>('partitions.apply', { envId: 'plat' });
    const done = await core.services.jobs.wait(started.id);
    expect(done.state).toBe('completed');
    const result = done.result as PartitionsApplyResult;
    expect(result.tables.filter((t) => t.status === 'applied').map((t) => t.schema)).toEqual([
      'tenant_stale',
    ]);
    expect((await names('tenant_stale')).slice(-3)).toEqual([monthName(2), monthName(3), 'pmax']);
    const [audit] = await sql.query(
      "SELECT actor, target, result FROM keel.keel_audit WHERE action = 'partitions.add' AND target LIKE '%tenant\\_stale%'",
    );
    expect(audit).toEqual([
      { actor: 'user:ops@test', target: `core/tenant_stale.${TABLE}`, result: 'ok' },
    ]);
  }, 60_000);

  it('refuses to split a MAXVALUE partition holding rows, shows the cost and touches nothing', async () => {
    await createTables('tenant_full', monthsFrom(-2), TABLE);
    // 40 rows dated after the last bounded partition: they sit in pmax.
    await sql.query(
      `INSERT INTO tenant_full.${TABLE} (id, tenant_id, customer_id, event_type, event_time, created_at)
       SELECT CONCAT('f', seq), 'full', 'c', 'view', ?, ? FROM tenant_full.seq_1_to_40`,
      [monthsFrom(3), monthsFrom(3)],
    );
    const layout = await names('tenant_full');
    const plan = await call<PartitionsPlan>('partitions.plan', { envId: 'plat', exact: 'all' });
    const full = plan.plans.find((p) => p.schema === 'tenant_full')!;
    expect(full).toMatchObject({ status: 'refused', costRows: 40, statement: null });
    expect(full.reason).toMatch(/pmax holds 40 rows/);
    const result = await serviceAt(NOW).apply(
      { envId: 'plat', only: [`tenant_full.${TABLE}`], lockWaitSec: 5, attempts: 2 },
      jobCtx(),
    );
    expect(result.tables).toEqual([
      expect.objectContaining({ schema: 'tenant_full', status: 'refused', added: [] }),
    ]);
    expect(await names('tenant_full')).toEqual(layout);
    const [[count]] = (await sql.query(
      `SELECT COUNT(*) AS n FROM tenant_full.${TABLE} PARTITION (pmax)`,
    )) as unknown as [[{ n: number }]];
    expect(Number(count.n)).toBe(40);
  }, 60_000);

  it('splits a MAXVALUE partition holding rows only when asked, keeping every row', async () => {
    // tenant_full (previous test): 40 rows dated 3 months on, in pmax; it lacks months 2 and 3.
    const fingerprint = async (): Promise<{ n: number; h: string }> => {
      const [[r]] = (await sql.query(
        `SELECT COUNT(*) AS n, CAST(BIT_XOR(CRC32(CONCAT_WS('|', id, tenant_id, customer_id, event_type, event_time, created_at))) AS CHAR) AS h FROM tenant_full.${TABLE}`,
      )) as unknown as [[{ n: number; h: string }]];
      return { n: Number(r.n), h: r.h };
    };
    const before = await fingerprint();
    expect(before.n).toBe(40);
    const plan = await call<PartitionsPlan>('partitions.plan', { envId: 'plat', exact: 'all' });
    const full = plan.plans.find((p) => p.schema === 'tenant_full')!;
    expect(full).toMatchObject({ status: 'refused', costRows: 40, maxvalue: 'pmax' });
    expect(full.costBytes).toBeGreaterThan(0);
    const ctx = jobCtx();
    const r = await serviceAt(NOW).apply(
      {
        envId: 'plat',
        only: [`tenant_full.${TABLE}`],
        split: [`tenant_full.${TABLE}`],
        lockWaitSec: 5,
        attempts: 1,
      },
      ctx,
    );
    expect(r.tables).toEqual([
      expect.objectContaining({ status: 'applied', added: [monthName(2), monthName(3)] }),
    ]);
    expect(ctx.lines.join('\n')).toMatch(/splitting pmax as asked: copies 40 row/);
    // The rows moved out of pmax into the month they belong to; none lost, none changed.
    const [[inMax]] = (await sql.query(
      `SELECT COUNT(*) AS n FROM tenant_full.${TABLE} PARTITION (pmax)`,
    )) as unknown as [[{ n: number }]];
    expect(Number(inMax.n)).toBe(0);
    const [[inMonth]] = (await sql.query(
      `SELECT COUNT(*) AS n FROM tenant_full.${TABLE} PARTITION (${monthName(3)})`,
    )) as unknown as [[{ n: number }]];
    expect(Number(inMonth.n)).toBe(40);
    expect(await fingerprint()).toEqual(before);
  }, 60_000);

  it("adds months ahead without copying a row, on 10k and 300k rows alike (the server's row counters)", async () => {
    await createTables('tenant_small', NOW, TABLE);
    await createTables('tenant_big', NOW, TABLE);
    await fill('tenant_small', 10_000);
    await fill('tenant_big', 300_000);
    const only = [`tenant_small.${TABLE}`, `tenant_big.${TABLE}`];
    // Rows the server wrote, from its own counters: a copying ALTER writes every row it moves.
    // Timing the ALTERs proved nothing on a loaded 2-core machine (20 ms against 30 ms jitter).
    const written = async (): Promise<number> => {
      const [rows] = (await sql.query(
        "SHOW GLOBAL STATUS WHERE Variable_name IN ('Handler_write', 'Innodb_rows_inserted')",
      )) as unknown as [Array<{ Value: string }>];
      return rows.reduce((n, r) => n + Number(r.Value), 0);
    };
    // Each round moves the clock a month: one more partition per table.
    for (let round = 1; round <= 3; round++) {
      const before = await written();
      const r = await serviceAt(monthsFrom(round)).apply(
        { envId: 'plat', only, lockWaitSec: 5, attempts: 1 },
        jobCtx(),
      );
      expect(r.applied).toBe(2);
      // Keel's own bookkeeping (job record, audit) writes a handful of rows; a copy would be
      // tens of thousands.
      expect(await written(), `round ${round}`).toBeLessThan(before + 1_000);
    }
    // The same counters see a copy: rebuilding last month's partition (~100k rows) in place.
    const lastMonth = monthName(-1);
    const bound = new Date(Date.UTC(NOW.getUTCFullYear(), NOW.getUTCMonth(), 1))
      .toISOString()
      .slice(0, 10);
    const [[inLast]] = (await sql.query(
      `SELECT COUNT(*) AS n FROM tenant_big.${TABLE} PARTITION (${lastMonth})`,
    )) as unknown as [[{ n: number }]];
    expect(Number(inLast.n)).toBeGreaterThan(10_000);
    const before = await written();
    await sql.query(
      `ALTER TABLE tenant_big.${TABLE} REORGANIZE PARTITION ${lastMonth} INTO (PARTITION ${lastMonth} VALUES LESS THAN ('${bound}'))`,
    );
    expect(await written()).toBeGreaterThanOrEqual(before + Number(inLast.n));
    const [[rows]] = (await sql.query(
      `SELECT COUNT(*) AS n FROM tenant_big.${TABLE}`,
    )) as unknown as [[{ n: number }]];
    expect(Number(rows.n)).toBe(300_000);
  }, 240_000);

  it('catches a change made after planning: another layout, or rows arriving in MAXVALUE', async () => {
    await createTables('tenant_raced', NOW, TABLE);
    await createTables('tenant_filled', NOW, TABLE);
    const svc = serviceAt(monthsFrom(1));
    const plan = await svc.plan('plat');
    const raced = plan.plans.find((p) => p.schema === 'tenant_raced')!;
    const filled = plan.plans.find((p) => p.schema === 'tenant_filled')!;
    expect([raced.status, filled.status]).toEqual(['planned', 'planned']);
    // Between plan and ALTER: someone else splits pmax, and rows land in the other pmax.
    await sql.query(
      `ALTER TABLE tenant_raced.${TABLE} REORGANIZE PARTITION pmax INTO (PARTITION pnext VALUES LESS THAN ('2999-01-01'), PARTITION pmax VALUES LESS THAN (MAXVALUE))`,
    );
    await sql.query(
      `INSERT INTO tenant_filled.${TABLE} (id, tenant_id, customer_id, event_type, event_time, created_at)
       VALUES ('late', 'x', 'c', 'view', ?, ?)`,
      [monthsFrom(6), monthsFrom(6)],
    );
    const racedLayout = await names('tenant_raced');
    const filledLayout = await names('tenant_filled');
    const store = await core.services.registry.of('mysql', 'plat', 'core');
    const o = { lockWaitSec: 5, attempts: 2, retryDelayMs: 10 };
    const ctx = jobCtx();
    expect(await applyTable(store, raced, o, ctx)).toMatchObject({
      status: 'conflict',
      reason: expect.stringMatching(/changed since the plan/),
    });
    expect(await applyTable(store, filled, o, ctx)).toMatchObject({
      status: 'refused',
      reason: expect.stringMatching(/pmax holds rows now/),
    });
    expect(await names('tenant_raced')).toEqual(racedLayout);
    expect(await names('tenant_filled')).toEqual(filledLayout);
  }, 60_000);

  it('waits within its lock bound behind an open transaction, reports it, and goes on', async () => {
    await createTables('tenant_locked', NOW, TABLE);
    await createTables('tenant_free', NOW, TABLE);
    const holder = await createConnection({ host: db.host, port: db.port, user: 'root' });
    try {
      await holder.query('START TRANSACTION');
      await holder.query(`SELECT COUNT(*) FROM tenant_locked.${TABLE}`);
      const svc = serviceAt(monthsFrom(1));
      const payload = {
        envId: 'plat',
        only: [`tenant_locked.${TABLE}`, `tenant_free.${TABLE}`],
        lockWaitSec: 1,
        attempts: 2,
      };
      const ctx = jobCtx();
      const t0 = performance.now();
      const r = await svc.apply(payload, ctx);
      const elapsed = performance.now() - t0;
      const locked = r.tables.find((t) => t.schema === 'tenant_locked');
      expect(locked).toMatchObject({ status: 'failed', attempts: 2, added: [] });
      expect(locked?.reason).toMatch(/metadata lock .* 2 attempt\(s\) each waited 1 s/);
      expect(r.tables.find((t) => t.schema === 'tenant_free')).toMatchObject({
        status: 'applied',
        added: [monthName(4)],
      });
      expect(ctx.lines.filter((l) => /attempt \d waited 1 s/.test(l))).toHaveLength(2);
      // Two bounded waits (1 s each) and one pause: well under the 10 s an unbounded wait hits.
      expect(elapsed).toBeGreaterThan(2000);
      expect(elapsed).toBeLessThan(10_000);
      expect(await names('tenant_locked')).not.toContain(monthName(4));
      await holder.query('ROLLBACK');
      const retried = await svc.apply(payload, jobCtx());
      expect(retried.tables.find((t) => t.schema === 'tenant_locked')).toMatchObject({
        status: 'applied',
        attempts: 1,
      });
    } finally {
      await holder.end();
    }
  }, 60_000);
});
