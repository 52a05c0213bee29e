import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection, type Connection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCore, type Core } from '../../../electron/main/bootstrap';
import { silentLogger } from '../../../electron/main/lib/logger';
import { KeyCipher } from '../../../electron/main/secrets/cipher';
import { PartitionsService } from '../../../electron/main/services/partitions/partitions.service';
import type { PartitionsApplyResult } from '../../../shared/partitions';
import { startMariaDb, stopAll, type MariaDbHandle } from '../../support';
import {
  createTables,
  jobCtx,
  monthName,
  monthsFrom,
  NOW,
  partitionNames,
  TABLE,
} from './fixtures';

/**
 * The server dies mid-maintenance (SIGKILL while an ALTER waits for its metadata lock): after a
 * restart every table has its old layout or its new one, never a mix, and the next run completes
 * what the killed one did not.
 */

const SCHEMAS = ['tenant_k1', 'tenant_k2', 'tenant_k3', 'tenant_k4', 'tenant_k5', 'tenant_k6'];
const BLOCKED = 'tenant_k4';
const OLD = [...[-3, -2, -1, 0, 1, 2, 3].map((i) => monthName(i)), 'pmax'];
const NEW = [...[-3, -2, -1, 0, 1, 2, 3, 4, 5].map((i) => monthName(i)), 'pmax'];

describe('partition maintenance when the server is killed mid-run', () => {
  let db: MariaDbHandle;
  let core: Core;
  let home: string;
  let sql: Connection | undefined;

  const connect = (): Promise<Connection> =>
    createConnection({ host: db.host, port: db.port, user: 'root' });

  /** Two months on: every table lacks months 4 and 5. */
  const service = (): PartitionsService =>
    new PartitionsService({
      envs: core.services.environments,
      registry: core.services.registry,
      logger: silentLogger(),
      now: () => monthsFrom(2),
      retryDelayMs: 200,
    });

  beforeAll(async () => {
    db = await startMariaDb({ name: 'partitions-kill' });
    sql = await connect();
    home = await mkdtemp(join(tmpdir(), 'keel-partitions-kill-'));
    core = await createCore({
      shell: 'server',
      version: 't',
      userDataDir: home,
      cipher: new KeyCipher('t', Buffer.alloc(32, 7)),
      logger: silentLogger(),
      env: { KEEL_ENV_ID: 'plat', KEEL_CONN_CORE_URI: `mysql://root@127.0.0.1:${db.port}/` },
      work: false,
    });
    for (const s of SCHEMAS) await createTables(sql, s, NOW, TABLE);
  }, 120_000);

  afterAll(async () => {
    await sql?.end().catch(() => undefined);
    await core?.dispose();
    await stopAll();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('leaves each table old or new, never neither, and the next run completes the rest', async () => {
    // An open transaction holds tenant_k4's table: its ALTER waits for the metadata lock.
    const blocker = await connect();
    await blocker.query('START TRANSACTION');
    await blocker.query(`SELECT * FROM \`${BLOCKED}\`.${TABLE} LIMIT 1`);
    const run = service()
      .apply({ envId: 'plat', lockWaitSec: 60, attempts: 1 }, jobCtx())
      .then(
        (r) => ({ ok: true as const, r }),
        (e: unknown) => ({ ok: false as const, e }),
      );
    await vi.waitFor(
      async () => {
        const [rows] = await sql!.query(
          "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE STATE LIKE 'Waiting for table metadata lock' AND INFO LIKE 'ALTER TABLE%'",
        );
        expect(Number((rows as Array<{ n: number }>)[0]?.n)).toBe(1);
      },
      { timeout: 60_000, interval: 50 },
    );
    await db.kill('SIGKILL');
    blocker.destroy();
    sql?.destroy();
    const killed = await run;
    // The run reports the tables it could not change; it never claims all of them.
    if (!killed.ok) throw killed.e;
    expect(killed.r.applied).toBeLessThan(SCHEMAS.length);
    const blocked = killed.r.tables.find((t) => t.schema === BLOCKED);
    expect(blocked).toMatchObject({ status: 'failed', added: [] });
    expect(blocked?.reason).toMatch(/127\.0\.0\.1:\d+/);
    expect(killed.r.failed).toBe(SCHEMAS.length - killed.r.applied);

    await db.restart();
    sql = await connect();
    const layouts = new Map<string, string[]>();
    for (const s of SCHEMAS) layouts.set(s, await partitionNames(sql, s));
    for (const [s, names] of layouts) expect([OLD, NEW], s).toContainEqual(names);
    expect(layouts.get(BLOCKED)).toEqual(OLD);
    // The tables are usable: a row dated two months on goes in.
    for (const s of SCHEMAS)
      await sql.query(
        `INSERT INTO \`${s}\`.${TABLE} (id, tenant_id, customer_id, event_type, event_time, created_at) VALUES ('after-kill', 't', 'c', 'view', ?, ?)`,
        [monthsFrom(2), monthsFrom(2)],
      );

    // The next run (once the pool's breaker lets a probe through) completes exactly the rest.
    const unchanged = SCHEMAS.filter(
      (s) => JSON.stringify(layouts.get(s)) === JSON.stringify(OLD),
    ).sort();
    let second: PartitionsApplyResult | undefined;
    await vi.waitFor(
      async () => {
        second = await service().apply({ envId: 'plat', lockWaitSec: 5, attempts: 1 }, jobCtx());
        expect(second.unread).toEqual([]);
      },
      { timeout: 30_000, interval: 500 },
    );
    expect(second).toMatchObject({ failed: 0, refused: 0, applied: unchanged.length });
    expect(
      second!.tables
        .filter((t) => t.status === 'applied')
        .map((t) => t.schema)
        .sort(),
    ).toEqual(unchanged);
    for (const s of SCHEMAS) expect(await partitionNames(sql, s), s).toEqual(NEW);
    // A row dated four months on lands in its month, not in MAXVALUE.
    await sql.query(
      `INSERT INTO \`${BLOCKED}\`.${TABLE} (id, tenant_id, customer_id, event_type, event_time, created_at) VALUES ('m4', 't', 'c', 'view', ?, ?)`,
      [monthsFrom(4), monthsFrom(4)],
    );
    const [[count]] = (await sql.query(
      `SELECT COUNT(*) AS n FROM \`${BLOCKED}\`.${TABLE} PARTITION (${monthName(4)})`,
    )) as unknown as [[{ n: number }]];
    expect(Number(count.n)).toBe(1);
  }, 180_000);
});
