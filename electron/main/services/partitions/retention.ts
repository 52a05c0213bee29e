import { setTimeout as delay } from 'node:timers/promises';
import type { PoolConnection } from 'mysql2/promise';
import type { TablePlan } from '../../../../shared/partitions';
import type { Compression } from '../backups/compress';
import type { JobContext } from '../jobs/types';
import type { AlterTarget } from './apply';
import { KeelError } from '../../../../shared/errors';
import { archivePartition, hashPartition, verifyArchive, type ArchiveManifest } from './archive';
import { readLayout } from './apply';
import { dropSql } from './sql';

/**
 * Retention: the partitions a plan lists past the policy's retention are dropped one at a time,
 * oldest first. With archive-before-drop each is first exported and the export verified against
 * its manifest, then its rows are hashed again on the server: only when they still equal the
 * archive does the DROP run (under the bounded lock wait). Without archive, drops run only where
 * the environment's override said `archive: false` (that change needed the table name typed);
 * a blueprint alone saying so is not enough. A partition already gone is skipped, so a run cut
 * short (crash, kill) is completed by the next one.
 */

export type DropMode = 'archive' | 'drop' | 'unconfirmed';

export interface RetireOptions {
  mode: DropMode;
  envId: string;
  /** Where archives go (`<state dir>/partition-archives/<env>`); required for `archive`. */
  archiveRoot?: string;
  compression: Compression;
  lockWaitSec: number;
  attempts: number;
  retryDelayMs: number;
}

export interface RetireResult {
  dropped: string[];
  /** Archive directories written (one per partition archived). */
  archives: string[];
  /** Why retention stopped (nothing after that partition was dropped). */
  error?: string;
}

const ER_LOCK_WAIT_TIMEOUT = 1205;

async function dropOne(
  conn: PoolConnection,
  plan: TablePlan,
  name: string,
  o: RetireOptions,
): Promise<'dropped' | 'lock'> {
  await conn.query('SET SESSION lock_wait_timeout = ?', [o.lockWaitSec]);
  try {
    await conn.query(dropSql(plan.schema, plan.table, [name]));
    return 'dropped';
  } catch (e) {
    if ((e as { errno?: number }).errno === ER_LOCK_WAIT_TIMEOUT) return 'lock';
    throw e;
  } finally {
    await conn.query('SET SESSION lock_wait_timeout = DEFAULT');
  }
}

/** What archiving one partition needs to know (retention's options are a superset). */
export interface ArchiveOptions {
  envId: string;
  archiveRoot: string;
  compression: Compression;
}

/**
 * Export one bounded partition, verify the archive against its manifest, then hash its rows on
 * the server again. `changedRows` is set when they no longer equal the archive (written to since):
 * the archive still holds the partition as one consistent read saw it.
 */
export async function archiveChecked(
  conn: PoolConnection,
  plan: Pick<TablePlan, 'connectionId' | 'schema' | 'table'>,
  name: string,
  o: ArchiveOptions,
  ctx: Pick<JobContext, 'signal' | 'log'>,
): Promise<{ dir: string; manifest: ArchiveManifest; changedRows?: number } | 'gone'> {
  const here = (await readLayout(conn, plan)).find((r) => r.p === name);
  if (!here) return 'gone';
  if (here.d === 'MAXVALUE')
    throw new KeelError(
      'PRECONDITION_FAILED',
      `${name} is the MAXVALUE partition of ${plan.schema}.${plan.table}: it has no upper bound and is still written to, so it is not archived`,
    );
  const { dir, manifest } = await archivePartition(
    conn,
    {
      envId: o.envId,
      connectionId: plan.connectionId,
      schema: plan.schema,
      table: plan.table,
      partition: name,
      lessThan: here.d,
    },
    { root: o.archiveRoot, compression: o.compression, signal: ctx.signal },
  );
  await verifyArchive(dir);
  const now = await hashPartition(conn, manifest, ctx.signal);
  const same = now.rows === manifest.rows && now.hex() === manifest.contentHash;
  return { dir, manifest, ...(!same && { changedRows: now.rows }) };
}

/** One partition: (archive, verify, re-hash,) drop, read back. */
async function retireOne(
  conn: PoolConnection,
  plan: TablePlan,
  name: string,
  o: RetireOptions,
  ctx: Pick<JobContext, 'signal' | 'log'>,
  out: RetireResult,
): Promise<'done' | 'lock'> {
  if (o.mode === 'archive') {
    const a = await archiveChecked(conn, plan, name, { ...o, archiveRoot: o.archiveRoot! }, ctx);
    if (a === 'gone') return 'done'; // dropped by an earlier run
    out.archives.push(a.dir);
    if (a.changedRows !== undefined)
      throw new Error(
        `the rows of ${name} changed while it was archived (${a.changedRows} rows now, ${a.manifest.rows} archived): not dropped; the next run archives it again`,
      );
    ctx.log(
      'info',
      `${plan.schema}.${plan.table}: ${name} archived (${a.manifest.rows} rows) to ${a.dir}`,
    );
  } else if (!(await readLayout(conn, plan)).some((r) => r.p === name)) return 'done';
  if ((await dropOne(conn, plan, name, o)) === 'lock') return 'lock';
  const after = await readLayout(conn, plan);
  if (after.some((r) => r.p === name))
    throw new Error(`read back after the DROP, ${name} is still there`);
  out.dropped.push(name);
  return 'done';
}

export async function retirePartitions(
  target: AlterTarget,
  plan: TablePlan,
  o: RetireOptions,
  ctx: Pick<JobContext, 'signal' | 'log'>,
): Promise<RetireResult> {
  const out: RetireResult = { dropped: [], archives: [] };
  if (plan.drops.length === 0) return out;
  if (o.mode === 'unconfirmed')
    return {
      ...out,
      error: `retention would drop ${plan.drops.join(', ')} without archiving them: confirm it once with partitions.setOverride (archive: false, the table name typed), or let them be archived`,
    };
  if (o.mode === 'archive' && !o.archiveRoot)
    return { ...out, error: 'no archive directory in this shell: partitions are not dropped' };
  for (const name of plan.drops) {
    let n = 0;
    for (;;) {
      ctx.signal.throwIfAborted();
      n++;
      let r: 'done' | 'lock';
      try {
        r = await target.withConnection((conn) => retireOne(conn, plan, name, o, ctx, out), {
          signal: ctx.signal,
          // Archiving reads the partition twice: give it room beyond the lock wait.
          timeoutMs: (o.lockWaitSec + 3600) * 1000,
        });
      } catch (e) {
        if (ctx.signal.aborted) throw e;
        return { ...out, error: `${name}: ${e instanceof Error ? e.message : String(e)}` };
      }
      if (r === 'done') break;
      ctx.log(
        'warn',
        `${plan.schema}.${plan.table}: DROP ${name} waited ${o.lockWaitSec} s for its lock`,
      );
      if (n >= o.attempts)
        return {
          ...out,
          error: `${name}: another session holds a metadata lock on the table: ${n} attempt(s) each waited ${o.lockWaitSec} s`,
        };
      await delay(o.retryDelayMs, undefined, { signal: ctx.signal });
    }
  }
  return out;
}
