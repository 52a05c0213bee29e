import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectMysql } from '../../../electron/main/services/monitoring/collectors/mysql';
import { MysqlStore } from '../../../electron/main/stores/mysql.store';
import { conn } from '../../support/connections';
import { startMariaDb, startMariaDbPair, waitFor, type MariaDbHandle } from '../../support';
import { context, metricsOf, valueOf } from './helpers';

const DELAY_SEC = 5;

describe('MySQL collector against MariaDB', () => {
  let db: MariaDbHandle;
  let store: MysqlStore;

  beforeAll(async () => {
    db = await startMariaDb({ name: 'mon-mysql' });
    await db.query('CREATE DATABASE shop');
    await db.query('CREATE TABLE shop.items (id INT PRIMARY KEY, name VARCHAR(64)) ENGINE=InnoDB');
    await db.query(
      `CREATE TABLE shop.orders (id INT NOT NULL, d DATE NOT NULL, PRIMARY KEY (id, d))
         ENGINE=InnoDB PARTITION BY RANGE COLUMNS(d) (
           PARTITION p2025_01 VALUES LESS THAN ('2025-02-01'),
           PARTITION p2025_02 VALUES LESS THAN ('2025-03-01'),
           PARTITION pmax VALUES LESS THAN (MAXVALUE))`,
    );
    const rows = Array.from({ length: 300 }, (_, i) => `(${i}, '2025-0${1 + (i % 2)}-15')`);
    await db.query(`INSERT INTO shop.orders VALUES ${rows.join(',')}`);
    await db.query('ANALYZE TABLE shop.orders');
    store = new MysqlStore({ connection: conn('mysql', db.host, db.port), secret: undefined });
  });

  afterAll(async () => {
    await store?.close();
    await db?.stop();
  });

  it('reads connections; the first sweep has no rates, the second has the load it saw', async () => {
    const { ctx, skipped } = context();
    const first = await collectMysql(store, ctx);
    expect(valueOf(first, 'mysql.threads_connected')).toBeGreaterThanOrEqual(1);
    expect(valueOf(first, 'mysql.max_connections')).toBeGreaterThan(0);
    expect(valueOf(first, 'mysql.connections_ratio')).toBeGreaterThan(0);
    expect(valueOf(first, 'mysql.qps')).toBeUndefined();
    expect(valueOf(first, 'mysql.tps')).toBeUndefined();
    expect(skipped).toEqual([]);

    // Load from another client: statements, explicit transactions, slow statements, a bad login.
    await db.query('SET GLOBAL long_query_time = 0');
    const load = await mysql.createConnection({ host: db.host, port: db.port, user: 'root' });
    for (let i = 0; i < 200; i++) await load.query('SELECT id FROM shop.items WHERE id = ?', [i]);
    for (let i = 0; i < 20; i++) {
      await load.query('BEGIN');
      await load.query('INSERT INTO shop.items VALUES (?, ?)', [i, `item ${i}`]);
      await load.query('COMMIT');
    }
    await load.end();
    await db.query('SET GLOBAL long_query_time = 10');
    await expect(
      mysql.createConnection({ host: db.host, port: db.port, user: 'root', password: 'wrong' }),
    ).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 300));

    const second = await collectMysql(store, ctx);
    // 260 statements plus the harness's own; the window is a few hundred ms to a few seconds.
    expect(valueOf(second, 'mysql.qps')).toBeGreaterThan(20);
    expect(valueOf(second, 'mysql.tps')).toBeGreaterThan(1);
    expect(valueOf(second, 'mysql.slow_queries')).toBeGreaterThan(1);
    expect(valueOf(second, 'mysql.aborted_connects')).toBeGreaterThan(0);
    const hit = valueOf(second, 'mysql.buffer_pool_hit_ratio');
    expect(hit).toBeGreaterThan(0);
    expect(hit).toBeLessThanOrEqual(1);
    expect(valueOf(second, 'mysql.tmp_disk_tables')).toBeGreaterThanOrEqual(0);
    expect(valueOf(second, 'mysql.threads_running')).toBeGreaterThanOrEqual(1);
    expect(valueOf(second, 'mysql.threads_waiting')).toBe(0);
    // Not a replica: no replication samples.
    expect(metricsOf(second).has('mysql.replication_lag_sec')).toBe(false);
  });

  it('reads database sizes and rows per partition on slow sweeps only', async () => {
    const fast = await collectMysql(store, context({ slow: false }).ctx);
    expect(metricsOf(fast).has('mysql.database_data_bytes')).toBe(false);
    const slow = await collectMysql(store, context({ slow: true }).ctx);
    expect(valueOf(slow, 'mysql.database_data_bytes', { database: 'shop' })).toBeGreaterThan(0);
    expect(
      valueOf(slow, 'mysql.database_index_bytes', { database: 'shop' }),
    ).toBeGreaterThanOrEqual(0);
    // System schemas are left out.
    expect(valueOf(slow, 'mysql.database_data_bytes', { database: 'mysql' })).toBeUndefined();
    const parts = slow.filter((p) => p.metric === 'mysql.partition_rows');
    expect(parts.map((p) => p.tags?.partition).sort()).toEqual(['p2025_01', 'p2025_02', 'pmax']);
    expect(parts.every((p) => p.tags?.database === 'shop' && p.tags.table === 'orders')).toBe(true);
    expect(valueOf(slow, 'mysql.partition_rows', { partition: 'p2025_01' })).toBe(150);
    expect(valueOf(slow, 'mysql.partition_rows', { partition: 'pmax' })).toBe(0);
  });

  it('skips replication with the reason when the user lacks the privilege, and goes on', async () => {
    await db.query("CREATE USER 'watcher'@'%' IDENTIFIED BY 'Watch-Pw-1'");
    const limited = new MysqlStore({
      connection: conn('mysql', db.host, db.port, { user: 'watcher' }),
      secret: { password: 'Watch-Pw-1' },
    });
    try {
      const { ctx, skipped } = context();
      const points = await collectMysql(limited, ctx);
      expect(valueOf(points, 'mysql.threads_connected')).toBeGreaterThanOrEqual(1);
      expect(skipped).toEqual([
        expect.objectContaining({
          group: 'replication@primary',
          reason: expect.stringMatching(/REPLICATION CLIENT|privilege/i),
        }),
        // Nor may it read InnoDB's statistics table: sizes come from information_schema, said so.
        expect.objectContaining({
          group: 'innodb_table_stats',
          reason: expect.stringMatching(/innodb_table_stats cannot be read.*information_schema/),
        }),
      ]);
      // information_schema shows it nothing of shop: no sizes, and no error either.
      expect(valueOf(points, 'mysql.database_data_bytes', { database: 'shop' })).toBeUndefined();
    } finally {
      await limited.close();
    }
  });
});

describe('MySQL collector: replication lag on a MariaDB replica with MASTER_DELAY', () => {
  let primary: MariaDbHandle;
  let replica: MariaDbHandle;

  beforeAll(async () => {
    ({ primary, replica } = await startMariaDbPair({ delaySec: DELAY_SEC, name: 'mon-repl' }));
    await primary.query('CREATE DATABASE app');
    await primary.query('CREATE TABLE app.t (id INT PRIMARY KEY) ENGINE=InnoDB');
    await waitFor(async () => (await replica.query("SHOW TABLES FROM app LIKE 't'")).length, {
      timeoutMs: 20_000,
      what: 'app.t on the replica',
    });
  });

  afterAll(async () => {
    await Promise.all([replica?.stop(), primary?.stop()]);
  });

  it('reports running threads, the configured delay and lag > 0 after a write', async () => {
    const store = new MysqlStore({
      connection: conn('mysql', replica.host, replica.port),
      secret: undefined,
    });
    try {
      const { ctx } = context({ slow: false });
      const before = await collectMysql(store, ctx);
      const tags = { endpoint: 'primary' };
      expect(valueOf(before, 'mysql.replication_io_running', tags)).toBe(1);
      expect(valueOf(before, 'mysql.replication_sql_running', tags)).toBe(1);
      expect(valueOf(before, 'mysql.replication_delay_sec', tags)).toBe(DELAY_SEC);

      await primary.query('INSERT INTO app.t VALUES (1)');
      let lag = 0;
      await waitFor(
        async () => {
          lag = valueOf(await collectMysql(store, ctx), 'mysql.replication_lag_sec', tags) ?? 0;
          return lag > 0;
        },
        { timeoutMs: DELAY_SEC * 1000 + 5000, intervalMs: 250, what: 'replication lag > 0' },
      );
      expect(lag).toBeGreaterThan(0);
      expect(lag).toBeLessThanOrEqual(DELAY_SEC + 2);
    } finally {
      await store.close();
    }
  });

  it("reads the replica endpoint of a primary's connection, tagged endpoint=replica", async () => {
    const store = new MysqlStore({
      connection: conn('mysql', primary.host, primary.port, {
        replica: { host: replica.host, port: replica.port },
      }),
      secret: undefined,
    });
    try {
      const points = await collectMysql(store, context({ slow: false }).ctx);
      expect(valueOf(points, 'mysql.replication_delay_sec', { endpoint: 'replica' })).toBe(
        DELAY_SEC,
      );
      // The primary itself replicates from nobody.
      expect(valueOf(points, 'mysql.replication_io_running', { endpoint: 'primary' })).toBe(
        undefined,
      );
    } finally {
      await store.close();
    }
  });
});
