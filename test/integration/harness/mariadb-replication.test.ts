import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMariaDbPair, waitFor } from '../../support';
import type { MariaDbHandle } from '../../support';

const DELAY_SEC = 2;

interface SlaveStatus {
  Slave_IO_Running: string;
  Slave_SQL_Running: string;
  Seconds_Behind_Master: number | null;
  SQL_Delay: number;
}

describe('startMariaDbPair', () => {
  let primary: MariaDbHandle;
  let replica: MariaDbHandle;

  const status = async (): Promise<SlaveStatus> => {
    const [row] = await replica.query<SlaveStatus>('SHOW SLAVE STATUS');
    if (!row) throw new Error('replica has no slave status');
    return row;
  };
  const replicaHas = async (id: number): Promise<boolean> =>
    (await replica.query('SELECT id FROM app.events WHERE id = ?', [id])).length === 1;

  beforeAll(async () => {
    ({ primary, replica } = await startMariaDbPair({ delaySec: DELAY_SEC, name: 'harness' }));
    await primary.query('CREATE DATABASE app');
    await primary.query('CREATE TABLE app.events (id INT PRIMARY KEY) ENGINE=InnoDB');
    // The DDL is delayed too; the tests below start from a replica that has caught up.
    await waitFor(async () => (await replica.query("SHOW TABLES FROM app LIKE 'events'")).length, {
      timeoutMs: 15_000,
      what: 'app.events on the replica',
    });
  });

  afterAll(async () => {
    await Promise.all([replica?.stop(), primary?.stop()]);
  });

  it('replicates with GTID from a read-only replica', async () => {
    const s = await status();
    expect(s).toMatchObject({ Slave_IO_Running: 'Yes', Slave_SQL_Running: 'Yes' });
    expect(s.SQL_Delay).toBe(DELAY_SEC);
    expect(replica.primary).toBe(primary);
    expect(replica.serverId).not.toBe(primary.serverId);
    expect(await replica.query('SELECT @@read_only AS ro')).toEqual([{ ro: 1 }]);
  });

  it('lags by MASTER_DELAY and reports it in Seconds_Behind_Master', async () => {
    const writtenAt = Date.now();
    await primary.query('INSERT INTO app.events VALUES (1)');
    expect(await replicaHas(1)).toBe(false);

    await waitFor(async () => ((await status()).Seconds_Behind_Master ?? 0) > 0, {
      timeoutMs: DELAY_SEC * 1000 + 2_000,
      what: 'Seconds_Behind_Master > 0',
    });
    expect(await replicaHas(1)).toBe(false);

    await waitFor(() => replicaHas(1), { timeoutMs: 10_000, what: 'row 1 on the replica' });
    const lagMs = Date.now() - writtenAt;
    // MASTER_DELAY compares whole-second binlog timestamps, so allow a second's slack below.
    expect(lagMs).toBeGreaterThanOrEqual(DELAY_SEC * 1000 - 1000);
    expect(lagMs).toBeLessThan(DELAY_SEC * 1000 + 4000);
  });

  it('resumes replication after the replica is SIGKILLed and restarted', async () => {
    await replica.kill();
    await primary.query('INSERT INTO app.events VALUES (2)');
    await replica.restart();
    expect(await status()).toMatchObject({ Slave_IO_Running: 'Yes', Slave_SQL_Running: 'Yes' });
    await waitFor(() => replicaHas(2), { timeoutMs: 10_000, what: 'row 2 on the replica' });
  });

  it('reconnects to the primary after the primary is SIGKILLed and restarted', async () => {
    await primary.kill();
    await waitFor(async () => (await status()).Slave_IO_Running !== 'Yes', {
      timeoutMs: 5_000,
      what: 'the replica noticing the primary is gone',
    });
    await primary.restart();
    await primary.query('INSERT INTO app.events VALUES (3)');
    await waitFor(() => replicaHas(3), { timeoutMs: 15_000, what: 'row 3 on the replica' });
    expect(await status()).toMatchObject({ Slave_IO_Running: 'Yes', Slave_SQL_Running: 'Yes' });
  });
});
