import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createConnection, type Connection, type RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupSummary, Manifest, VerifyReport } from '../../../shared/backups';
import type { JobRecord } from '../../../shared/jobs';
import { startBackupCore, type BackupCore } from '../../support/backup-core';
import { loadBackup, readManifestFile, tableHashOn } from '../../support/backups';
import { startMariaDb, waitFor, type MariaDbHandle } from '../../support/index';

/**
 * The round trip that proves consistency. Six clients commit transactions during the dump; each
 * touches four tables (one RANGE-partitioned) and logs its GTID. The backup, loaded into scratch
 * databases, must contain exactly the transactions whose GTID is at or before the recorded
 * snapshot position — in every table at once — and hash as the manifest says.
 */
const PRELOAD = 20_000;
const WRITERS = 6;
const ACCOUNTS = 50;

interface Txn {
  txn: number;
  acct: number;
  amt: number;
  pid: number;
  seq: number;
}

describe('MariaDB backup: one consistent snapshot across workers', () => {
  let db: MariaDbHandle;
  let k: BackupCore;
  let manifest: Manifest;
  let dir: string;
  const committed: Txn[] = [];

  beforeAll(async () => {
    db = await startMariaDb({ name: 'backup-consistency' });
    await db.query('CREATE DATABASE shop');
    await db.query(
      'CREATE TABLE shop.accounts (id INT PRIMARY KEY, balance BIGINT NOT NULL, n INT NOT NULL)',
    );
    await db.query(
      `CREATE TABLE shop.orders (id BIGINT AUTO_INCREMENT, created DATE NOT NULL, txn BIGINT NOT NULL,
         amount INT NOT NULL, note VARCHAR(200) NULL, PRIMARY KEY (id, created))
       PARTITION BY RANGE COLUMNS(created) (
         PARTITION p1 VALUES LESS THAN ('2026-02-01'), PARTITION p2 VALUES LESS THAN ('2026-03-01'),
         PARTITION p3 VALUES LESS THAN ('2026-04-01'), PARTITION p4 VALUES LESS THAN (MAXVALUE))`,
    );
    await db.query(
      'CREATE TABLE shop.journal (seq BIGINT AUTO_INCREMENT PRIMARY KEY, txn BIGINT NOT NULL, acct INT NOT NULL, amt INT NOT NULL)',
    );
    // Every encoding edge a restore must get right, never written during the dump.
    await db.query(
      `CREATE TABLE shop.odd (id INT PRIMARY KEY, b BLOB, bits BIT(10), t TEXT NULL, j JSON,
         ts TIMESTAMP NULL, d DECIMAL(20,6), f DOUBLE, g POINT NULL, twice INT AS (id * 2) VIRTUAL)`,
    );
    await db.query(
      `INSERT INTO shop.odd (id, b, bits, t, j, ts, d, f, g) VALUES
        (1, X'00090a0d5c4e27ff', b'1010101010', 'tab\\there\\nnew\\\\line \\\\N ünï 😀', '{"a": [1, "x\\\\ty"]}',
         '2026-03-01 12:34:56', 12345678901234.123456, 0.1, ST_GeomFromText('POINT(1 2)')),
        (2, '', b'0', '', 'null', NULL, -0.000001, -1e300, NULL),
        (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
        (4, 'N', b'1', '\\\\N', '"\\\\\\\\N"', '1970-01-01 00:00:01', 0, 3.141592653589793, POINT(0, 0))`,
    );
    const rows: string[] = [];
    for (let i = 1; i <= PRELOAD; i++)
      rows.push(
        `('2026-0${1 + (i % 4)}-${String(1 + (i % 28)).padStart(2, '0')}', 0, ${i % 100}, 'pre ${i}')`,
      );
    for (let i = 0; i < rows.length; i += 5000)
      await db.query(
        `INSERT INTO shop.orders (created, txn, amount, note) VALUES ${rows.slice(i, i + 5000).join(',')}`,
      );
    await db.query(
      `INSERT INTO shop.accounts VALUES ${Array.from({ length: ACCOUNTS }, (_, i) => `(${i + 1}, 0, 0)`).join(',')}`,
    );
    await db.query('ANALYZE TABLE shop.orders');
    k = await startBackupCore('backup-consistency', {
      KEEL_CONN_CORE_URI: `mysql://root@127.0.0.1:${db.port}/`,
      KEEL_BACKUP_CHUNK_ROWS: '1500',
      KEEL_BACKUP_WORKERS: '4',
    });
  }, 120_000);

  afterAll(async () => {
    await k?.stop();
    await db?.stop();
  });

  it('takes a backup while six clients write, exactly as of its recorded GTID', async () => {
    let stop = false;
    let txnNo = 0;
    const writers: Connection[] = await Promise.all(
      Array.from({ length: WRITERS }, () =>
        createConnection({ host: '127.0.0.1', port: db.port, user: 'root', password: '' }),
      ),
    );
    const loops = writers.map(async (c) => {
      while (!stop) {
        const t = {
          txn: ++txnNo,
          acct: 1 + (txnNo % ACCOUNTS),
          amt: 1 + (txnNo % 97),
          pid: 1 + ((txnNo * 7919) % PRELOAD),
        };
        await c.beginTransaction();
        await c.query('INSERT INTO shop.orders (created, txn, amount, note) VALUES (?, ?, ?, ?)', [
          `2026-0${1 + (t.txn % 4)}-15`,
          t.txn,
          t.amt,
          `w\t${t.txn}\nü\\`,
        ]);
        await c.query('UPDATE shop.orders SET amount = amount + 1 WHERE id = ?', [t.pid]);
        await c.query('UPDATE shop.accounts SET balance = balance + ?, n = n + 1 WHERE id = ?', [
          t.amt,
          t.acct,
        ]);
        await c.query('INSERT INTO shop.journal (txn, acct, amt) VALUES (?, ?, ?)', [
          t.txn,
          t.acct,
          t.amt,
        ]);
        await c.commit();
        const [[g]] = await c.query<RowDataPacket[]>('SELECT @@last_gtid AS g');
        committed.push({ ...t, seq: Number(String(g?.g).split('-')[2]) });
      }
    });
    try {
      await waitFor(() => committed.length >= 100, { timeoutMs: 20_000, what: 'writes before' });
      const job = await k.call<JobRecord>('backups.run', {
        envId: 'bk',
        connectionId: 'core',
        scope: { type: 'databases', databases: ['shop'] },
      });
      const done = await k.wait(job.id);
      expect(done.state, JSON.stringify(done.error)).toBe('completed');
      const id = (done.result as BackupSummary).id;
      // Writes continue after the snapshot, so some transactions are after its position.
      const after = committed.length;
      await waitFor(() => committed.length >= after + 50, {
        timeoutMs: 20_000,
        what: 'writes after',
      });
      dir = join(k.home, 'backups', 'bk', id);
      manifest = await readManifestFile(dir);
    } finally {
      stop = true;
      await Promise.all(loops);
      await Promise.all(writers.map((c) => c.end()));
    }

    const snap = manifest.snapshot;
    expect(snap.lock).toBe('backup-stage');
    expect(snap.lockMs).toBeGreaterThan(0);
    expect(snap.binlog?.file).toMatch(/\S+/);
    const [, serverId, snapSeq] = (snap.gtid ?? '').split('-').map(Number);
    expect(serverId).toBe(db.serverId);
    const inBackup = committed.filter((t) => t.seq <= (snapSeq as number));
    expect(inBackup.length).toBeGreaterThan(0);
    expect(inBackup.length).toBeLessThan(committed.length);
    const orders = manifest.databases[0]?.tables.find((t) => t.name === 'orders');
    expect(orders?.chunks.length).toBeGreaterThan(4);

    const hashes = await loadBackup(dir, db.port, (d) => `${d}__r`);
    for (const t of manifest.databases[0]?.tables ?? []) {
      expect(hashes.get(`shop.${t.name}`), t.name).toEqual({
        rows: t.rows,
        contentHash: t.contentHash,
      });
    }
    const expected = new Set(inBackup.map((t) => t.txn));
    const journal = await db.query<{ txn: string }>('SELECT txn FROM shop__r.journal');
    expect(new Set(journal.map((r) => Number(r.txn)))).toEqual(expected);
    const newOrders = await db.query<{ txn: string }>(
      'SELECT txn FROM shop__r.orders WHERE txn > 0',
    );
    expect(new Set(newOrders.map((r) => Number(r.txn)))).toEqual(expected);
    expect(newOrders.length).toBe(expected.size);
    const bumps = new Map<number, number>();
    const balance = new Map<number, { balance: number; n: number }>();
    for (const t of inBackup) {
      bumps.set(t.pid, (bumps.get(t.pid) ?? 0) + 1);
      const a = balance.get(t.acct) ?? { balance: 0, n: 0 };
      balance.set(t.acct, { balance: a.balance + t.amt, n: a.n + 1 });
    }
    const pre = await db.query<{ id: string; amount: number }>(
      'SELECT id, amount FROM shop__r.orders WHERE txn = 0',
    );
    expect(pre.length).toBe(PRELOAD);
    for (const r of pre)
      expect(r.amount - (Number(r.id) % 100), `order ${r.id}`).toBe(bumps.get(Number(r.id)) ?? 0);
    const accts = await db.query<{ id: number; balance: string; n: number }>(
      'SELECT * FROM shop__r.accounts',
    );
    for (const a of accts) {
      const want = balance.get(a.id) ?? { balance: 0, n: 0 };
      expect({ balance: Number(a.balance), n: a.n }, `account ${a.id}`).toEqual(want);
    }
    const [create] = await db.query<{ 'Create Table': string }>('SHOW CREATE TABLE shop__r.orders');
    expect(create?.['Create Table']).toMatch(/PARTITION BY RANGE +COLUMNS\(`created`\)/);
    // The table nobody wrote is equal to the source, value for value.
    const odd = manifest.databases[0]?.tables.find((t) => t.name === 'odd');
    expect(await tableHashOn(db.port, 'shop', 'odd', odd?.columns ?? [])).toEqual({
      rows: 4,
      contentHash: odd?.contentHash,
    });
    expect(await db.query('SELECT * FROM shop__r.odd ORDER BY id')).toEqual(
      await db.query('SELECT * FROM shop.odd ORDER BY id'),
    );
  });

  it('lists the backup as complete and verifies it', async () => {
    const list = await k.call<BackupSummary[]>('backups.list', { envId: 'bk' });
    expect(list.map((b) => [b.id, b.status])).toEqual([[manifest.id, 'complete']]);
    const report = await k.call<VerifyReport>('backups.verify', { envId: 'bk', id: manifest.id });
    expect(report).toMatchObject({ ok: true, problems: [] });
    expect(report.filesChecked).toBe(manifest.totals.chunks + 2);
    // No temporary file is left beside the chunks.
    const files = await readdir(join(dir, 'data'));
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
