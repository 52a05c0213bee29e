import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MysqlStore } from '../../../electron/main/stores/mysql.store';
import { conn } from '../../support/connections';
import {
  startFaultProxy,
  startMariaDb,
  startMariaDbPair,
  waitFor,
  type MariaDbHandle,
} from '../../support';

describe('MySQL store against a real MariaDB', () => {
  let db: MariaDbHandle;
  beforeAll(async () => {
    db = await startMariaDb({ name: 'mysql-store' });
    await db.query("CREATE USER 'keel'@'%' IDENTIFIED BY 'Keel-Pw-1'");
    await db.query("GRANT SELECT ON *.* TO 'keel'@'%'");
  });
  afterAll(async () => db.stop());

  it('probes: version, primary role, uptime, latency', async () => {
    const s = new MysqlStore({ connection: conn('mysql', db.host, db.port), secret: undefined });
    const f = await s.probe('primary');
    expect(f.version).toMatch(/MariaDB/);
    expect(f.serverRole).toBe('primary');
    expect(f.uptimeSec).toBeGreaterThanOrEqual(0);
    expect(f.latencyMs).toBeGreaterThan(0);
    await s.close();
  });

  it('reuses pooled connections and reports statistics', async () => {
    const s = new MysqlStore({
      connection: conn('mysql', db.host, db.port, {
        pool: { max: 4, min: 0, idleTimeoutMs: 60_000 },
      }),
      secret: undefined,
    });
    for (let i = 0; i < 20; i++) await s.query('SELECT ? AS n', [i]);
    expect(s.stats()).toMatchObject({ created: 1, inUse: 0, idle: 1, waiting: 0, errors: 0 });
    await Promise.all(Array.from({ length: 12 }, () => s.query('SELECT SLEEP(0.05)')));
    const st = s.stats();
    expect(st.created).toBe(4); // never more than pool.max
    expect(st.idle).toBe(4);
    await s.close();
  });

  it('maps a wrong password to AUTH_FAILED without the password in the message', async () => {
    const s = new MysqlStore({
      connection: conn('mysql', db.host, db.port, { user: 'keel' }),
      secret: { password: 'Wrong-Secret-9' },
    });
    const e = await s.query('SELECT 1').catch((x: unknown) => x);
    expect(e).toMatchObject({
      code: 'AUTH_FAILED',
      details: { driverCode: 'ER_ACCESS_DENIED_ERROR', sqlState: '28000', errno: 1045 },
    });
    expect(JSON.stringify(e) + String(e)).not.toContain('Wrong-Secret-9');
    await s.close();
  });

  it('maps a missing privilege to PERMISSION_DENIED and an unknown table to NOT_FOUND', async () => {
    const s = new MysqlStore({
      connection: conn('mysql', db.host, db.port, { user: 'keel' }),
      secret: { password: 'Keel-Pw-1' },
    });
    await expect(s.query('CREATE DATABASE nope')).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
    });
    await expect(s.query('SELECT * FROM mysql.no_such_table')).rejects.toMatchObject({
      code: 'NOT_FOUND',
      details: { sqlState: '42S02' },
    });
    await s.close();
  });

  it('maps TLS to a plain server to TLS_FAILED', async () => {
    const s = new MysqlStore({
      connection: conn('mysql', db.host, db.port, { tls: { enabled: true, verify: true } }),
      secret: undefined,
    });
    await expect(s.query('SELECT 1')).rejects.toMatchObject({ code: 'TLS_FAILED' });
    await s.close();
  });

  it('maps an unknown host and a closed port', async () => {
    const a = new MysqlStore({
      connection: conn('mysql', 'no-such-host.invalid', 3306),
      secret: undefined,
    });
    await expect(a.query('SELECT 1')).rejects.toMatchObject({ code: 'HOST_NOT_FOUND' });
    const b = new MysqlStore({ connection: conn('mysql', '127.0.0.1', 1), secret: undefined });
    await expect(b.query('SELECT 1')).rejects.toMatchObject({ code: 'CONN_REFUSED' });
    await Promise.all([a.close(), b.close()]);
  });

  it('cancels a running statement: the caller returns at once and the server stops it', async () => {
    const s = new MysqlStore({ connection: conn('mysql', db.host, db.port), secret: undefined });
    const ctl = new AbortController();
    const t0 = Date.now();
    setTimeout(() => ctl.abort(), 200);
    await expect(s.query('SELECT SLEEP(20)', [], { signal: ctl.signal })).rejects.toMatchObject({
      code: 'CANCELLED',
    });
    expect(Date.now() - t0).toBeLessThan(1500);
    await waitFor(
      async () =>
        (
          await db.query(
            "SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP(20)%'",
          )
        ).length === 0,
      { timeoutMs: 5000, what: 'the statement to be killed' },
    );
    await s.close();
  });

  it('times out at the configured bound through a latency proxy and a blackhole', async () => {
    const proxy = await startFaultProxy({ targetHost: db.host, targetPort: db.port });
    const s = new MysqlStore({
      connection: conn('mysql', proxy.host, proxy.port, {
        timeouts: { connectMs: 1500, operationMs: 800 },
      }),
      secret: undefined,
    });
    await s.query('SELECT 1');
    proxy.setLatency(1200);
    let t0 = Date.now();
    await expect(s.query('SELECT 1')).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(750);
    expect(Date.now() - t0).toBeLessThan(1500);
    proxy.heal();
    proxy.blackhole(true);
    t0 = Date.now();
    await expect(s.query('SELECT 1', [], { timeoutMs: 500 })).rejects.toMatchObject({
      code: 'TIMEOUT',
    });
    expect(Date.now() - t0).toBeLessThan(1200);
    await s.close();
    await proxy.close();
  });
});

describe('MySQL store: replicas and outages', () => {
  it('shows a delayed replica as a replica with its lag', async () => {
    const { primary, replica } = await startMariaDbPair({ delaySec: 3 });
    try {
      const c = conn('mysql', primary.host, primary.port, {
        replica: { host: replica.host, port: replica.port },
      });
      const s = new MysqlStore({ connection: c, secret: undefined });
      await primary.query('CREATE DATABASE lagtest');
      await primary.query('CREATE TABLE lagtest.t (id INT PRIMARY KEY)');
      await primary.query('INSERT INTO lagtest.t VALUES (1)');
      const lagged = await waitFor(
        async () => {
          const f = await s.probe('replica');
          return f.replicationLagSec !== undefined &&
            f.replicationLagSec !== null &&
            f.replicationLagSec > 0
            ? f
            : undefined;
        },
        { timeoutMs: 10_000, what: 'replica lag > 0' },
      );
      expect(lagged.serverRole).toBe('replica');
      expect((await s.probe('primary')).serverRole).toBe('primary');
      await s.close();
    } finally {
      await replica.stop();
      await primary.stop();
    }
  });

  it('fails in-flight calls with a mapped code when the server is SIGKILLed, then recovers', async () => {
    const db = await startMariaDb({ name: 'mysql-kill' });
    const s = new MysqlStore({ connection: conn('mysql', db.host, db.port), secret: undefined });
    try {
      await s.query('SELECT 1');
      const inflight = s.query('SELECT SLEEP(10)').catch((e: unknown) => e);
      await new Promise((r) => setTimeout(r, 200));
      await db.kill('SIGKILL');
      expect(await inflight).toMatchObject({ code: 'CONN_REFUSED' });
      await expect(s.query('SELECT 1')).rejects.toMatchObject({
        code: expect.stringMatching(/CONN_REFUSED|UNAVAILABLE/),
      });
      // The breaker now answers at once instead of waiting for a connect time-out.
      const t0 = Date.now();
      await expect(s.query('SELECT 1')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
      expect(Date.now() - t0).toBeLessThan(50);
      await db.restart();
      const f = await s.probe('primary'); // probes go through and close the breaker
      expect(f.version).toMatch(/MariaDB/);
      expect(await s.query('SELECT 2 AS n')).toEqual([{ n: 2 }]);
    } finally {
      await s.close();
      await db.stop();
    }
  });
});
