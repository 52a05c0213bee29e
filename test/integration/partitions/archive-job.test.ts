import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection, type Connection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../electron/main/bootstrap';
import { silentLogger } from '../../../electron/main/lib/logger';
import { KeyCipher } from '../../../electron/main/secrets/cipher';
import { verifyArchive } from '../../../electron/main/services/partitions/archive';
import { PartitionsService } from '../../../electron/main/services/partitions/partitions.service';
import type { JobRecord } from '../../../shared/jobs';
import type { PartitionsArchiveResult } from '../../../shared/partitions';
import { startMariaDb, stopAll, type MariaDbHandle } from '../../support';
import {
  createTables,
  insertRows,
  jobCtx,
  monthName,
  monthsFrom,
  NOW,
  partitionNames,
  TABLE,
} from './fixtures';

/**
 * `partitions.archive` (`keel partitions archive`) on a real MariaDB: partitions exported and
 * verified without being dropped — the named ones of one table, or those retention would drop
 * next — with bad requests refused and unarchivable partitions reported, not skipped silently.
 */

const ENV = 'arc';
const DB = 'customer_management';
const only = [`${DB}.${TABLE}`];

describe('archiving partitions without dropping them', () => {
  let db: MariaDbHandle;
  let core: Core;
  let home: string;
  let sql: Connection;

  const ctxUser = {
    shell: 'server' as const,
    actor: { type: 'user' as const, name: 'ops@test' },
    signal: new AbortController().signal,
  };
  const dispatch = (method: string, input: unknown) => core.router.dispatch(method, input, ctxUser);
  const count = async (partition: string): Promise<number> => {
    const [[row]] = (await sql.query(
      `SELECT COUNT(*) AS n FROM ${DB}.${TABLE} PARTITION (${partition})`,
    )) as unknown as [[{ n: number }]];
    return Number(row.n);
  };

  beforeAll(async () => {
    db = await startMariaDb({ name: 'partitions-archive' });
    sql = await createConnection({ host: db.host, port: db.port, user: 'root' });
    home = await mkdtemp(join(tmpdir(), 'keel-partitions-archive-'));
    core = await createCore({
      shell: 'server',
      version: 't',
      userDataDir: home,
      cipher: new KeyCipher('t', Buffer.alloc(32, 7)),
      logger: silentLogger(),
      env: {},
      work: true,
    });
    const save = async (m: string, input: unknown) => {
      const r = await dispatch(m, input);
      if (!r.ok) throw new Error(r.error.message);
    };
    await save('environments.save', { id: ENV, name: 'Archive', blueprint: 'default' });
    await save('environments.saveConnection', {
      envId: ENV,
      connection: {
        id: 'core',
        name: 'Core',
        kind: 'mysql',
        role: 'core',
        host: '127.0.0.1',
        port: db.port,
        user: 'root',
      },
    });
    await createTables(sql, undefined, NOW, TABLE);
    for (const m of [-3, -2, -1]) await insertRows(sql, DB, 100 * -m, monthsFrom(m), `h${-m}_`);
    await save('partitions.setOverride', { envId: ENV, table: TABLE, override: { retention: 3 } });
  }, 120_000);

  afterAll(async () => {
    await sql?.end();
    await core?.dispose();
    await stopAll();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('archives a named partition through the contract, verified, and drops nothing', async () => {
    const layout = await partitionNames(sql, DB);
    const started = await dispatch('partitions.archive', {
      envId: ENV,
      only,
      partitions: [monthName(-2)],
    });
    if (!started.ok) throw new Error(started.error.message);
    const done = await core.services.jobs.wait((started.value as JobRecord).id);
    expect(done.state).toBe('completed');
    const r = done.result as PartitionsArchiveResult;
    expect(r).toMatchObject({ archived: 1, failed: 0 });
    expect(r.archives[0]).toMatchObject({
      schema: DB,
      table: TABLE,
      partition: monthName(-2),
      status: 'archived',
      rows: 200,
    });
    const m = await verifyArchive(r.archives[0]!.dir!);
    expect(m).toMatchObject({ partition: monthName(-2), rows: 200 });
    expect(await partitionNames(sql, DB)).toEqual(layout);
    expect(await count(monthName(-2))).toBe(200);
    const [audit] = await sql.query(
      "SELECT actor, result FROM keel.keel_audit WHERE action = 'partitions.archive'",
    );
    expect(audit).toEqual([{ actor: 'user:ops@test', result: 'ok' }]);
  }, 60_000);

  it('archives what retention would drop next, oldest first, without dropping it', async () => {
    // Two months on, a retention of 3 months would drop the two oldest history months.
    const later = new PartitionsService({
      envs: core.services.environments,
      registry: core.services.registry,
      logger: silentLogger(),
      now: () => monthsFrom(2),
      archiveDir: join(home, 'later'),
    });
    const r = await later.archive({ envId: ENV, only }, jobCtx());
    expect(r.archives.map((a) => [a.partition, a.status, a.rows])).toEqual([
      [monthName(-3), 'archived', 300],
      [monthName(-2), 'archived', 200],
    ]);
    for (const a of r.archives) await verifyArchive(a.dir!);
    expect(await count(monthName(-3))).toBe(300);
    expect(await partitionNames(sql, DB)).toContain(monthName(-3));
  }, 60_000);

  it('reports partitions it cannot archive, and refuses requests it cannot honour', async () => {
    const svc = core.services.partitions;
    const r = await svc.archive(
      { envId: ENV, only, partitions: ['pmax', 'p190001', monthName(-1)] },
      jobCtx(),
    );
    expect(r.archives.map((a) => [a.partition, a.status])).toEqual([
      ['pmax', 'failed'],
      ['p190001', 'missing'],
      [monthName(-1), 'archived'],
    ]);
    expect(r.archives[0]!.reason).toMatch(/MAXVALUE partition .* not archived/);
    expect(r.archives[1]!.reason).toMatch(/has no partition p190001/);
    expect(r).toMatchObject({ archived: 1, failed: 2 });

    const noTable = await dispatch('partitions.archive', {
      envId: ENV,
      partitions: [monthName(-1)],
    });
    expect(noTable).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const badName = await dispatch('partitions.archive', {
      envId: ENV,
      only,
      partitions: ['p1; DROP TABLE x'],
    });
    expect(badName).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    await expect(
      svc.archive({ envId: ENV, only: ['nope.nope'], partitions: ['p1'] }, jobCtx()),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await count(monthName(-1))).toBe(100);
  }, 60_000);
});
