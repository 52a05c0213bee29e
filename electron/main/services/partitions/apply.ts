import { setTimeout as delay } from 'node:timers/promises';
import type { PoolConnection, RowDataPacket } from 'mysql2/promise';
import type {
  PartitionExpression,
  PartitionsApplyResult,
  TableApply,
  TablePlan,
} from '../../../../shared/partitions';
import type { JobContext } from '../jobs/types';
import { basisOf } from './planner';
import { qualifiedTable, quoteId, reorganizeSql } from './sql';
import { TABLE_LAYOUT_SQL, type LayoutRow } from './discovery';
import type { RetireResult } from './retention';

/**
 * The body of the `partitions.apply` job (runner side: it starts no jobs). Per planned table:
 * re-read the table's partitions and compare them with what the plan was computed from (a
 * concurrent change is caught, not overwritten); for a REORGANIZE, look again that the MAXVALUE
 * partition is empty; then the ALTER with a bounded metadata-lock wait, retried a few times; then
 * read the layout back. One table failing does not stop the others.
 */

/** What the runner needs per connection: one borrowed connection (MysqlStore.withConnection). */
export interface AlterTarget {
  withConnection<R>(
    fn: (conn: PoolConnection) => Promise<R>,
    opts: { signal?: AbortSignal; timeoutMs?: number },
  ): Promise<R>;
}

export interface ApplyOptions {
  lockWaitSec: number;
  attempts: number;
  /** Pause before another attempt after a lock wait ran out. */
  retryDelayMs: number;
}

export interface ApplyDeps {
  target(connectionId: string): Promise<AlterTarget>;
  /** Written after each ALTER; failures to write are logged, not fatal. */
  audit?(plan: TablePlan, outcome: TableApply): Promise<void>;
  /** Retention after the table's months were added (see retention.ts). */
  retire?(target: AlterTarget, plan: TablePlan): Promise<RetireResult>;
}

const ER_LOCK_WAIT_TIMEOUT = 1205;

type Attempt =
  | { kind: 'done'; ms: number; added: string[] }
  | { kind: 'lock'; message: string }
  | { kind: 'conflict' | 'refused' | 'failed'; reason: string };

export async function readLayout(
  conn: PoolConnection,
  plan: Pick<TablePlan, 'schema' | 'table'>,
): Promise<LayoutRow[]> {
  const [rows] = await conn.query<RowDataPacket[]>(TABLE_LAYOUT_SQL, [plan.schema, plan.table]);
  return rows as LayoutRow[];
}

const basisOfRows = (rows: LayoutRow[]): string =>
  basisOf(rows.map((r) => ({ name: r.p ?? '', description: r.d ?? '' })));

async function attempt(conn: PoolConnection, plan: TablePlan, o: ApplyOptions): Promise<Attempt> {
  const statement = plan.statement!;
  if (basisOfRows(await readLayout(conn, plan)) !== plan.basis)
    return {
      kind: 'conflict',
      reason: 'the partitions changed since the plan was made: plan again',
    };
  if (statement.maxvalue && !statement.copies) {
    const max = statement.maxvalue;
    const [rows] = await conn.query<RowDataPacket[]>(
      `SELECT 1 FROM ${qualifiedTable(plan.schema, plan.table)} PARTITION (${quoteId(max)}) LIMIT 1`,
    );
    if (rows.length > 0)
      return {
        kind: 'refused',
        reason: `MAXVALUE partition ${max} holds rows now: splitting it would copy them under an exclusive lock`,
      };
  }
  await conn.query('SET SESSION lock_wait_timeout = ?', [o.lockWaitSec]);
  const t0 = performance.now();
  try {
    await conn.query(statement.sql);
  } catch (e) {
    const err = e as { errno?: number; message?: string };
    if (err.errno === ER_LOCK_WAIT_TIMEOUT)
      return { kind: 'lock', message: err.message ?? 'lock wait timeout' };
    return { kind: 'failed', reason: err.message ?? String(e) };
  } finally {
    await conn.query('SET SESSION lock_wait_timeout = DEFAULT');
  }
  const ms = performance.now() - t0;
  const after = new Set((await readLayout(conn, plan)).map((r) => r.p ?? ''));
  const missing = plan.add.filter((p) => !after.has(p.name)).map((p) => p.name);
  if (missing.length)
    return {
      kind: 'failed',
      reason: `read back after the ALTER, ${missing.join(', ')} are missing`,
    };
  return { kind: 'done', ms, added: plan.add.map((p) => p.name) };
}

/**
 * A refused plan whose only obstacle is rows in MAXVALUE, turned into the split the operator
 * confirmed: the same REORGANIZE, which now copies those rows (the plan's `costRows`).
 */
export function splitPlan(plan: TablePlan, expression: PartitionExpression): TablePlan | undefined {
  const max = plan.maxvalue;
  if (plan.status !== 'refused' || !plan.costRows || !max || plan.add.length === 0)
    return undefined;
  return {
    ...plan,
    status: 'planned',
    statement: {
      kind: 'reorganize',
      maxvalue: max,
      copies: true,
      sql: reorganizeSql(plan.schema, plan.table, max, plan.add, expression),
    },
  };
}

export async function applyTable(
  target: AlterTarget,
  plan: TablePlan,
  o: ApplyOptions,
  ctx: Pick<JobContext, 'signal' | 'log'>,
): Promise<TableApply> {
  const base = { connectionId: plan.connectionId, schema: plan.schema, table: plan.table };
  if (plan.status === 'ok') return { ...base, status: 'unchanged', added: [], attempts: 0 };
  if (plan.status === 'refused')
    return { ...base, status: 'refused', added: [], attempts: 0, reason: plan.reason ?? '' };
  let last = '';
  for (let n = 1; n <= o.attempts; n++) {
    ctx.signal.throwIfAborted();
    let r: Attempt;
    try {
      r = await target.withConnection((conn) => attempt(conn, plan, o), {
        signal: ctx.signal,
        // The lock wait, plus room for the metadata change and the reads around it.
        timeoutMs: (o.lockWaitSec + 60) * 1000,
      });
    } catch (e) {
      if (ctx.signal.aborted) throw e;
      r = { kind: 'failed', reason: e instanceof Error ? e.message : String(e) };
    }
    if (r.kind === 'done')
      return { ...base, status: 'applied', added: r.added, attempts: n, ms: r.ms };
    if (r.kind !== 'lock')
      return { ...base, status: r.kind, added: [], attempts: n, reason: r.reason };
    last = r.message;
    ctx.log(
      'warn',
      `${plan.schema}.${plan.table}: attempt ${n} waited ${o.lockWaitSec} s for its lock`,
    );
    if (n < o.attempts) await delay(o.retryDelayMs, undefined, { signal: ctx.signal });
  }
  return {
    ...base,
    status: 'failed',
    added: [],
    attempts: o.attempts,
    lockWait: true,
    reason: `another session holds a metadata lock on the table (an open transaction?): ${o.attempts} attempt(s) each waited ${o.lockWaitSec} s, then gave up (${last})`,
  };
}

/** Apply every plan in turn, with progress; returns a report per table. */
export async function applyPlans(
  plans: TablePlan[],
  deps: ApplyDeps,
  o: ApplyOptions,
  ctx: JobContext,
): Promise<PartitionsApplyResult> {
  const tables: TableApply[] = [];
  const total = plans.length;
  ctx.progress({
    done: 0,
    total,
    message: `${plans.filter((p) => p.status === 'planned').length} table(s) to change`,
  });
  for (const plan of plans) {
    const target = await deps.target(plan.connectionId);
    const outcome = await applyTable(target, plan, o, ctx);
    if (
      deps.retire &&
      plan.drops.length &&
      (outcome.status === 'applied' || outcome.status === 'unchanged')
    ) {
      const r = await deps.retire(target, plan);
      outcome.dropped = r.dropped;
      if (r.archives.length) outcome.archives = r.archives;
      if (r.error) {
        outcome.dropError = r.error;
        ctx.log('warn', `${plan.schema}.${plan.table}: retention: ${r.error}`);
      }
    }
    tables.push(outcome);
    if (
      outcome.status === 'applied' ||
      outcome.status === 'failed' ||
      outcome.status === 'conflict'
    ) {
      ctx.log(
        outcome.status === 'applied' ? 'info' : 'warn',
        `${plan.schema}.${plan.table}: ${outcome.status}${outcome.added.length ? ` (+${outcome.added.join(', ')})` : ''}${outcome.reason ? `: ${outcome.reason}` : ''}`,
      );
      await deps.audit?.(plan, outcome);
    }
    ctx.progress({
      done: tables.length,
      total,
      message: `${plan.schema}.${plan.table}: ${outcome.status}`,
    });
  }
  const count = (s: TableApply['status']): number => tables.filter((t) => t.status === s).length;
  return {
    tables,
    applied: count('applied'),
    dropped: tables.reduce((n, t) => n + (t.dropped?.length ?? 0), 0),
    failed: count('failed') + count('conflict') + tables.filter((t) => t.dropError).length,
    refused: count('refused'),
    unread: [],
  };
}
