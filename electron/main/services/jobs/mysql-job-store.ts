import type { RowDataPacket } from 'mysql2/promise';
import { isKeelError } from '../../../../shared/errors';
import { jobRecordSchema, type JobRecord } from '../../../../shared/jobs';
import type { Disposable } from '../../lib/disposables';
import type { MysqlStore } from '../../stores/mysql.store';
import { table } from '../shared/keel-schema';
import type { JobFilter, JobStore } from './types';

/** MySQL DATETIME(3) in UTC from an ISO string, and back. */
const toSql = (iso: string | undefined): string | null =>
  iso ? iso.replace('T', ' ').replace('Z', '').slice(0, 23) : null;

/**
 * Job records in the environment's core database (keel.keel_job), so every console of the team
 * sees one history. The record is kept whole as JSON; the columns beside it are for filtering.
 */
const FINAL = "('completed', 'failed', 'cancelled')";
/**
 * A record that reached a final state stays there: a late write of an earlier state (a progress
 * save still in flight, a worker that lost its lock and finished late) must not bring it back.
 * `state` is assigned last: MySQL evaluates these assignments left to right.
 */
const KEEP_FINAL = `state IN ${FINAL} AND VALUES(state) NOT IN ${FINAL}`;

/** Errors that mean the core database is away, not that the write is wrong. */
const AWAY = new Set(['CONN_REFUSED', 'HOST_NOT_FOUND', 'TIMEOUT', 'UNAVAILABLE', 'TLS_FAILED']);
export const coreAway = (e: unknown): boolean => isKeelError(e) && AWAY.has(e.code);

export class MysqlJobStore implements JobStore, Disposable {
  /** Records whose write met a core outage, newest per job, written when the core returns. */
  private readonly kept = new Map<string, JobRecord>();
  private flushTimer: ReturnType<typeof setInterval> | undefined;
  private flushing = false;

  constructor(
    private readonly core: MysqlStore,
    private readonly flushMs = 2000,
  ) {}

  /**
   * Write the record, or, when the core database is away, keep it and write it when the core
   * returns (a job's outcome must not be lost to the outage). Other errors throw.
   */
  async saveOrKeep(r: JobRecord): Promise<'saved' | 'kept'> {
    try {
      await this.save(r);
      if (this.kept.get(r.id) === r) this.kept.delete(r.id);
      return 'saved';
    } catch (e) {
      if (!coreAway(e)) throw e;
      this.kept.set(r.id, structuredClone(r));
      this.flushTimer ??= setInterval(() => void this.flush(), this.flushMs);
      this.flushTimer.unref?.();
      return 'kept';
    }
  }

  /** Records still waiting for the core database. */
  get keptCount(): number {
    return this.kept.size;
  }

  /** Write what the outage kept, oldest first; stops at the first write the core refuses. */
  async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      for (const [id, r] of this.kept) {
        await this.save(r);
        if (this.kept.get(id) === r) this.kept.delete(id);
      }
    } catch {
      // Still away: the timer tries again.
    } finally {
      this.flushing = false;
      if (this.kept.size === 0) {
        clearInterval(this.flushTimer);
        this.flushTimer = undefined;
      }
    }
  }

  /**
   * The record of one job: a kept record is newer than the database's; during an outage it is the
   * only one there is.
   */
  async get(id: string): Promise<JobRecord | undefined> {
    const local = this.kept.get(id);
    if (local) return structuredClone(local);
    return this.read(id);
  }

  async save(r: JobRecord): Promise<void> {
    r.updatedAt = new Date().toISOString();
    await this.core.query(
      `INSERT INTO ${table('keel_job')}
         (id, kind, state, env_id, tenant_id, schedule_id, actor_type, actor_name, attempts, record, created_at, finished_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(3))
       ON DUPLICATE KEY UPDATE
         attempts = IF(${KEEP_FINAL}, attempts, VALUES(attempts)),
         record = IF(${KEEP_FINAL}, record, VALUES(record)),
         finished_at = IF(${KEEP_FINAL}, finished_at, VALUES(finished_at)),
         updated_at = IF(${KEEP_FINAL}, updated_at, VALUES(updated_at)),
         state = IF(${KEEP_FINAL}, state, VALUES(state))`,
      [
        r.id,
        r.kind,
        r.state,
        r.envId ?? '',
        r.tenantId ?? null,
        r.scheduleId ?? null,
        r.actor.type,
        r.actor.name,
        r.attempts,
        JSON.stringify(r),
        toSql(r.createdAt),
        toSql(r.finishedAt),
      ],
    );
  }

  private async read(id: string): Promise<JobRecord | undefined> {
    const rows = await this.core.query<RowDataPacket[]>(
      `SELECT record FROM ${table('keel_job')} WHERE id = ?`,
      [id],
    );
    return rows[0] ? parse(rows[0].record) : undefined;
  }

  async list(f: JobFilter): Promise<JobRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, v: unknown): void => {
      where.push(sql);
      params.push(v);
    };
    if (f.envId) add('env_id = ?', f.envId);
    if (f.state) add('state = ?', f.state);
    if (f.kind) add('kind = ?', f.kind);
    if (f.tenantId) add('tenant_id = ?', f.tenantId);
    if (f.scheduleId) add('schedule_id = ?', f.scheduleId);
    if (f.actorType) add('actor_type = ?', f.actorType);
    if (f.before && f.beforeId) {
      where.push('(created_at < ? OR (created_at = ? AND id < ?))');
      params.push(toSql(f.before), toSql(f.before), f.beforeId);
    } else if (f.before) add('created_at < ?', toSql(f.before));
    params.push(f.limit);
    const rows = await this.core.query<RowDataPacket[]>(
      `SELECT record FROM ${table('keel_job')} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT ?`,
      params,
    );
    return rows.map((r) => parse(r.record));
  }

  /**
   * Records of the environment that say queued or running and were not written for `staleSec`:
   * candidates for a check against the queue's own state.
   */
  async unfinished(envId: string, staleSec: number, limit = 500): Promise<JobRecord[]> {
    const rows = await this.core.query<RowDataPacket[]>(
      `SELECT record FROM ${table('keel_job')}
        WHERE env_id = ? AND state IN ('queued', 'running')
          AND updated_at < UTC_TIMESTAMP(3) - INTERVAL ? SECOND
        ORDER BY updated_at LIMIT ?`,
      [envId, staleSec, limit],
    );
    return rows.map((r) => parse(r.record));
  }

  /** Last try to write what the outage kept; then stop trying. */
  async dispose(): Promise<void> {
    await this.flush();
    clearInterval(this.flushTimer);
    this.flushTimer = undefined;
  }

  /** Delete finished records older than `days`; returns how many went. */
  async purge(days: number): Promise<number> {
    const res = (await this.core.query(
      `DELETE FROM ${table('keel_job')} WHERE finished_at IS NOT NULL AND finished_at < UTC_TIMESTAMP(3) - INTERVAL ? DAY LIMIT 10000`,
      [days],
    )) as unknown as { affectedRows: number };
    return res.affectedRows;
  }
}

function parse(v: unknown): JobRecord {
  return jobRecordSchema.parse(typeof v === 'string' ? JSON.parse(v) : v);
}
