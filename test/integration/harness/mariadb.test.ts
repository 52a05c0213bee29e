import { existsSync } from 'node:fs';
import { createConnection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy, startMariaDb } from '../../support';
import type { MariaDbHandle } from '../../support';

describe('startMariaDb', () => {
  let db: MariaDbHandle;

  beforeAll(async () => {
    db = await startMariaDb({ name: 'harness' });
  });

  afterAll(async () => {
    await db?.stop();
  });

  it('runs a private MariaDB reachable as root on 127.0.0.1', async () => {
    const [row] = await db.query<{ version: string }>('SELECT VERSION() AS version');
    expect(row?.version).toContain('MariaDB');
    expect(db.url).toBe(`mysql://root@127.0.0.1:${db.port}`);
    const [vars] = await db.query<{ logBin: number; serverId: number; readOnly: number }>(
      'SELECT @@log_bin AS logBin, @@server_id AS serverId, @@read_only AS readOnly',
    );
    expect(vars).toEqual({ logBin: 1, serverId: db.serverId, readOnly: 0 });
  });

  it('is reachable through the fault proxy; a blackhole stalls the handshake', async () => {
    const proxy = await startFaultProxy({ targetHost: db.host, targetPort: db.port });
    try {
      const options = { host: proxy.host, port: proxy.port, user: 'root', connectTimeout: 500 };
      const connection = await createConnection(options);
      expect(await connection.query('SELECT 1 AS one').then(([rows]) => rows)).toEqual([
        { one: 1 },
      ]);
      await connection.end();
      // MySQL's server speaks first: with its greeting swallowed the client times out.
      proxy.blackhole(true);
      await expect(createConnection(options)).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    } finally {
      await proxy.close();
    }
  });

  it('keeps committed InnoDB data across SIGKILL and restart on the same port', async () => {
    await db.query('CREATE DATABASE crashy');
    await db.query('CREATE TABLE crashy.kv (k INT PRIMARY KEY, v VARCHAR(20)) ENGINE=InnoDB');
    await db.query('INSERT INTO crashy.kv VALUES (?, ?), (?, ?)', [1, 'one', 2, 'two']);
    const { port, pid } = db;

    await db.kill();
    expect(db.running).toBe(false);
    expect(() => process.kill(pid, 0)).toThrow(); // the process is really gone
    await expect(db.query('SELECT 1')).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    await db.restart();
    expect(db.port).toBe(port);
    expect(db.pid).not.toBe(pid);
    expect(await db.query('SELECT k, v FROM crashy.kv ORDER BY k')).toEqual([
      { k: 1, v: 'one' },
      { k: 2, v: 'two' },
    ]);
  });

  it('restarts a running server gracefully', async () => {
    const { pid } = db;
    await db.restart();
    expect(db.pid).not.toBe(pid);
    expect(await db.query('SELECT COUNT(*) AS n FROM crashy.kv')).toEqual([{ n: 2 }]);
  });

  it('stop() removes the directory, is idempotent, and forbids restart', async () => {
    const other = await startMariaDb({ name: 'short-lived' });
    expect(existsSync(other.dataDir)).toBe(true);
    await Promise.all([other.stop(), other.stop()]);
    await other.stop();
    expect(existsSync(other.dir)).toBe(false);
    expect(other.running).toBe(false);
    await expect(other.restart()).rejects.toThrow(/stopped/);
  });
});
