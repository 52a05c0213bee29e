import { appendFile, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection, type Connection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../electron/main/bootstrap';
import { silentLogger } from '../../../electron/main/lib/logger';
import { KeyCipher } from '../../../electron/main/secrets/cipher';
import { verifyArchive } from '../../../electron/main/services/partitions/archive';
import { PartitionsService } from '../../../electron/main/services/partitions/partitions.service';
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
 * Retention on a real MariaDB: partitions older than the policy are archived (rows exported,
 * the export verified against its manifest, the rows hashed again on the server), and dropped
 * only then; when the archive cannot be written nothing is dropped.
 */

const ENV = 'ret';
const DB = 'customer_management';

describe('partition retention with archive-before-drop', () => {
  let db: MariaDbHandle;
  let core: Core;
  let home: string;
  let sql: Connection;

  const serviceAt = (now: Date, archiveDir: string): PartitionsService =>
    new PartitionsService({
      envs: core.services.environments,
      registry: core.services.registry,
      logger: silentLogger(),
      now: () => now,
      retryDelayMs: 100,
      archiveDir,
    });
  async function call<T>(method: string, input: unknown): Promise<T> {
    const r = await core.router.dispatch(method, input, {
      shell: 'server',
      actor: { type: 'user', name: 'ops@test' },
      signal: new AbortController().signal,
    });
    if (!r.ok) throw Object.assign(new Error(r.error.message), r.error);
    return r.value as T;
  }
  const count = async (partition?: string): Promise<number> => {
    const [[row]] = (await sql.query(
      `SELECT COUNT(*) AS n FROM ${DB}.${TABLE}${partition ? ` PARTITION (${partition})` : ''}`,
    )) as unknown as [[{ n: number }]];
    return Number(row.n);
  };
  const only = [`${DB}.${TABLE}`];

  beforeAll(async () => {
    db = await startMariaDb({ name: 'partitions-retention' });
    sql = await createConnection({ host: db.host, port: db.port, user: 'root' });
    home = await mkdtemp(join(tmpdir(), 'keel-partitions-retention-'));
    core = await createCore({
      shell: 'server',
      version: 't',
      userDataDir: home,
      cipher: new KeyCipher('t', Buffer.alloc(32, 7)),
      logger: silentLogger(),
      env: {},
    });
    await call('environments.save', { id: ENV, name: 'Retention', blueprint: 'default' });
    await call('environments.saveConnection', {
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
    // 300 rows in each of the three history months and 50 in the current one.
    for (const m of [-3, -2, -1]) await insertRows(sql, DB, 300, monthsFrom(m), `h${-m}_`);
    await insertRows(sql, DB, 50, NOW, 'now_');
    await call('partitions.setOverride', { envId: ENV, table: TABLE, override: { retention: 3 } });
  }, 120_000);

  afterAll(async () => {
    await sql?.end();
    await core?.dispose();
    await stopAll();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('drops nothing when the archive cannot be written', async () => {
    const blocked = join(home, 'blocked');
    await writeFile(blocked, 'not a directory');
    const before = await partitionNames(sql, DB);
    const ctx = jobCtx();
    // Two months on, a retention of 3 months drops the two oldest history months.
    const r = await serviceAt(monthsFrom(2), blocked).apply(
      { envId: ENV, only, lockWaitSec: 5, attempts: 1 },
      ctx,
    );
    const t = r.tables[0]!;
    expect(t.status).toBe('applied');
    expect(t.dropped).toEqual([]);
    expect(t.dropError).toMatch(new RegExp(`^${monthName(-3)}: .*(ENOTDIR|not a directory)`));
    expect(r.failed).toBe(1);
    expect(await partitionNames(sql, DB)).toEqual([
      ...before.slice(0, -1),
      monthName(4),
      monthName(5),
      'pmax',
    ]);
    expect(await count()).toBe(950);
  }, 60_000);

  it('archives, verifies, then drops the partitions past retention; the archive holds every row', async () => {
    const dir = join(home, 'archives');
    const ctx = jobCtx();
    const r = await serviceAt(monthsFrom(2), dir).apply(
      { envId: ENV, only, lockWaitSec: 5, attempts: 1 },
      ctx,
    );
    const t = r.tables[0]!;
    expect(t.dropError).toBeUndefined();
    expect(t.dropped).toEqual([monthName(-3), monthName(-2)]);
    expect(r.dropped).toBe(2);
    expect(await partitionNames(sql, DB)).not.toContain(monthName(-3));
    expect(await count()).toBe(350);
    // Each archive re-reads intact against its manifest and holds exactly that month's rows.
    const months = [3, 2];
    for (const [i, a] of (t.archives ?? []).entries()) {
      const ids: string[] = [];
      const m = await verifyArchive(a, (line) => ids.push(line.toString().split('\t')[0]!));
      expect(m).toMatchObject({
        schema: DB,
        table: TABLE,
        partition: monthName(-months[i]!),
        rows: 300,
      });
      expect(new Set(ids)).toEqual(
        new Set(Array.from({ length: 300 }, (_, k) => `h${months[i]}_${k + 1}`)),
      );
    }
    expect(t.archives).toHaveLength(2);
    const [audit] = await sql.query(
      "SELECT result, after_state FROM keel.keel_audit WHERE action = 'partitions.drop' ORDER BY id",
    );
    expect(audit).toEqual([
      expect.objectContaining({
        after_state: expect.objectContaining({ dropped: [] }),
        result: 'failed',
      }),
      expect.objectContaining({
        after_state: expect.objectContaining({ dropped: [monthName(-3), monthName(-2)] }),
        result: 'ok',
      }),
    ]);
    // A second run has nothing left to drop.
    const again = await serviceAt(monthsFrom(2), dir).apply(
      { envId: ENV, only, lockWaitSec: 5, attempts: 1 },
      jobCtx(),
    );
    expect(again).toMatchObject({ applied: 0, dropped: 0, failed: 0 });
  }, 60_000);

  it('a tampered archive fails its verification', async () => {
    const root = join(home, 'archives', ENV);
    const target = join(root, (await readdir(root))[0]!);
    const file = (await readdir(target)).find((n) => n.startsWith('rows.'))!;
    await appendFile(join(target, file), Buffer.from('x'));
    await expect(verifyArchive(target)).rejects.toThrow(/does not match its manifest: size/);
  });
});
