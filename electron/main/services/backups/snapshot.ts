import type { RowDataPacket } from 'mysql2';
import type { Manifest } from '../../../../shared/backups';
import type { ServerFacts, Worker } from './mysql-conn';

export type Snapshot = Manifest['snapshot'];

/** How long the lock statements may wait for running statements or DDL before giving up. */
const LOCK_WAIT_SEC = 60;

/**
 * One consistent view for every worker. Under a global lock that blocks commits, each worker
 * opens `WITH CONSISTENT SNAPSHOT` and the binlog position and GTID are read; then the lock is
 * released. Every worker therefore sees exactly the transactions committed up to that position.
 *
 * MariaDB ≥ 10.4.1: `BACKUP STAGE START` + `BLOCK_COMMIT` (FLUSH and BLOCK_DDL run implicitly);
 * older MariaDB: `FLUSH TABLES WITH READ LOCK`. MySQL 8: `LOCK INSTANCE FOR BACKUP` (held until
 * `release`, so no DDL runs during the dump) and a brief FTWRL for the position.
 */
export async function takeSnapshot(
  control: Worker,
  workers: Worker[],
  facts: ServerFacts,
): Promise<{ snapshot: Snapshot; release: () => Promise<void> }> {
  await control.q.query(`SET SESSION lock_wait_timeout = ${LOCK_WAIT_SEC}`);
  const [maj, min, patch] = facts.numeric;
  const backupStage =
    facts.flavor === 'mariadb' &&
    (maj > 10 || (maj === 10 && (min > 4 || (min === 4 && patch >= 1))));
  const lock: Snapshot['lock'] =
    facts.flavor === 'mysql' ? 'lock-instance+ftwrl' : backupStage ? 'backup-stage' : 'ftwrl';
  let instanceLocked = false;
  const t0 = performance.now();
  if (lock === 'backup-stage') {
    await control.q.query('BACKUP STAGE START');
    await control.q.query('BACKUP STAGE BLOCK_COMMIT');
  } else {
    if (lock === 'lock-instance+ftwrl') {
      await control.q.query('LOCK INSTANCE FOR BACKUP');
      instanceLocked = true;
    }
    await control.q.query('FLUSH TABLES WITH READ LOCK');
  }
  let unlocked = false;
  const unlock = async (): Promise<void> => {
    if (unlocked) return;
    unlocked = true;
    await control.q.query(lock === 'backup-stage' ? 'BACKUP STAGE END' : 'UNLOCK TABLES');
  };
  try {
    await Promise.all(
      workers.map(async (w) => {
        await w.q.query('SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ');
        await w.q.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
      }),
    );
    const position = await readPosition(control, facts);
    await unlock();
    const lockMs = performance.now() - t0;
    return {
      snapshot: { lock, lockMs, at: new Date().toISOString(), ...position },
      release: async () => {
        if (instanceLocked) await control.q.query('UNLOCK INSTANCE');
      },
    };
  } catch (e) {
    // Closing the control connection would also drop the lock; this is the polite way.
    await unlock().catch(() => undefined);
    throw e;
  }
}

async function readPosition(
  control: Worker,
  facts: ServerFacts,
): Promise<Pick<Snapshot, 'binlog' | 'gtid'>> {
  if (!facts.logBin) return { binlog: null, gtid: null };
  let rows: RowDataPacket[];
  try {
    [rows] = await control.q.query<RowDataPacket[]>('SHOW MASTER STATUS');
  } catch (e) {
    // MySQL 8.4 renamed it.
    if ((e as { code?: string }).code !== 'ER_PARSE_ERROR') throw e;
    [rows] = await control.q.query<RowDataPacket[]>('SHOW BINARY LOG STATUS');
  }
  const r = rows[0];
  const binlog = r ? { file: String(r.File), position: Number(r.Position) } : null;
  const [g] = await control.q.query<RowDataPacket[]>(
    facts.flavor === 'mariadb'
      ? 'SELECT @@GLOBAL.gtid_binlog_pos AS gtid'
      : 'SELECT @@GLOBAL.gtid_executed AS gtid',
  );
  const gtid = String(g[0]?.gtid ?? '').replace(/\s+/g, '');
  return { binlog, gtid: gtid === '' ? null : gtid };
}
