import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { KeelError, isKeelError } from '../../../../shared/errors';
import {
  FINAL_STATES,
  jobKinds,
  type JobKind,
  type JobLogLine,
  type JobPayload,
  type JobProgress,
  type JobRecord,
} from '../../../../shared/jobs';
import type { EventBus } from '../../lib/event-bus';
import {
  isRetriable,
  RETRY,
  type JobFilter,
  type JobHandler,
  type JobRunner,
  type JobStore,
  type StartOptions,
} from './types';

const LOG_LINES = 200;

interface Live {
  record: JobRecord;
  abort: AbortController;
  done: Promise<JobRecord>;
  lastPublish: number;
  pendingProgress?: ReturnType<typeof setTimeout>;
}

/**
 * Runs jobs in this process, `concurrency` at a time, FIFO. Records are persisted on every state
 * change; a record still `running` from a previous process is marked failed at start, because
 * the process that ran it is gone. Schedules are not coordinated across consoles (see `coordinated`).
 */
export class InProcessJobRunner implements JobRunner {
  readonly coordinated = false;
  private readonly handlers = new Map<JobKind, JobHandler<JobKind>>();
  private readonly live = new Map<string, Live>();
  private readonly queue: Array<() => void> = [];
  /** Jobs this process is working on right now. */
  running = 0;
  private records: JobRecord[] = [];
  private loaded: Promise<void>;

  constructor(
    private readonly store: JobStore,
    private readonly bus: EventBus,
    private readonly logger: Logger,
    private readonly opts: { concurrency?: number; progressIntervalMs?: number } = {},
  ) {
    this.loaded = this.recover();
  }

  register<K extends JobKind>(kind: K, handler: JobHandler<K>): void {
    this.handlers.set(kind, handler as unknown as JobHandler<JobKind>);
  }

  async start<K extends JobKind>(
    kind: K,
    payload: JobPayload<K>,
    opts: StartOptions,
  ): Promise<JobRecord> {
    await this.loaded;
    const handler = this.handlers.get(kind);
    if (!handler) throw new KeelError('NOT_FOUND', `no handler for job kind ${kind} in this Keel`);
    const parsed = jobKinds[kind].safeParse(payload);
    if (!parsed.success) {
      throw new KeelError('VALIDATION', `invalid payload for ${kind}`, {
        issues: parsed.error.issues,
      });
    }
    const record: JobRecord = {
      id: `j_${Date.now().toString(36)}${randomBytes(4).toString('hex')}`,
      kind,
      state: 'queued',
      payload: parsed.data,
      actor: opts.actor,
      ...(opts.envId !== undefined && { envId: opts.envId }),
      ...(opts.tenantId !== undefined && { tenantId: opts.tenantId }),
      ...(opts.scheduleId !== undefined && { scheduleId: opts.scheduleId }),
      attempts: 0,
      createdAt: new Date().toISOString(),
      progress: { done: 0 },
      log: [],
    };
    const abort = new AbortController();
    let settle!: (r: JobRecord) => void;
    const live: Live = { record, abort, lastPublish: 0, done: new Promise((r) => (settle = r)) };
    this.live.set(record.id, live);
    this.records.unshift(record);
    await this.persist(record);
    this.queue.push(() => void this.run(live, handler).then(settle));
    this.pump();
    return structuredClone(record);
  }

  async cancel(id: string): Promise<JobRecord> {
    const live = this.live.get(id);
    if (!live) {
      const rec = await this.get(id);
      if (FINAL_STATES.includes(rec.state)) {
        throw new KeelError('CONFLICT', `job ${id} already ${rec.state}`);
      }
      return rec;
    }
    live.abort.abort(new KeelError('CANCELLED', 'cancelled by the user'));
    if (live.record.state === 'queued') return this.finish(live, 'cancelled');
    return structuredClone(live.record);
  }

  async get(id: string): Promise<JobRecord> {
    await this.loaded;
    const rec = this.live.get(id)?.record ?? this.records.find((r) => r.id === id);
    if (!rec) throw new KeelError('NOT_FOUND', `no job ${id}`);
    return structuredClone(rec);
  }

  async list(f: JobFilter): Promise<JobRecord[]> {
    await this.loaded;
    return this.records
      .filter((r) => (!f.state || r.state === f.state) && (!f.kind || r.kind === f.kind))
      .filter((r) => !f.envId || r.envId === f.envId)
      .filter((r) => !f.tenantId || r.tenantId === f.tenantId)
      .filter((r) => !f.actorType || r.actor.type === f.actorType)
      .filter(
        (r) =>
          !f.before ||
          r.createdAt < f.before ||
          (f.beforeId !== undefined && r.createdAt === f.before && r.id < f.beforeId),
      )
      .slice(0, f.limit)
      .map((r) => structuredClone(r));
  }

  async wait(id: string): Promise<JobRecord> {
    const live = this.live.get(id);
    return live ? live.done : this.get(id);
  }

  async dispose(): Promise<void> {
    this.queue.length = 0;
    const pending = [...this.live.values()];
    for (const l of pending) l.abort.abort(new KeelError('CANCELLED', 'Keel is shutting down'));
    await Promise.race([
      Promise.all(
        pending.map((l) => (l.record.state === 'queued' ? this.finish(l, 'cancelled') : l.done)),
      ),
      new Promise((r) => setTimeout(r, 5000).unref()),
    ]);
  }

  private pump(): void {
    const limit = this.opts.concurrency ?? 4;
    while (this.running < limit && this.queue.length > 0) this.queue.shift()?.();
  }

  private async run(live: Live, handler: JobHandler<JobKind>): Promise<JobRecord> {
    if (live.record.state !== 'queued') return live.record;
    this.running++;
    const rec = live.record;
    try {
      for (;;) {
        rec.state = 'running';
        rec.attempts++;
        rec.startedAt ??= new Date().toISOString();
        delete rec.error;
        await this.persist(rec);
        try {
          const result = await handler(rec.payload as JobPayload<JobKind>, {
            id: rec.id,
            runKey: rec.id,
            attempt: rec.attempts,
            actor: rec.actor,
            queuedAt: rec.createdAt,
            signal: live.abort.signal,
            progress: (p) => this.progress(live, p),
            log: (level, msg) => this.log(rec, level, msg),
          });
          if (live.abort.signal.aborted) return await this.finish(live, 'cancelled');
          rec.result = result;
          return await this.finish(live, 'completed');
        } catch (e) {
          if (live.abort.signal.aborted) return await this.finish(live, 'cancelled');
          rec.error = isKeelError(e)
            ? e.toShape()
            : { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) };
          if (!isKeelError(e)) this.logger.error({ err: e, job: rec.id }, 'job crashed');
          if (rec.attempts >= RETRY.attempts || !isRetriable(rec.error.code)) {
            return await this.finish(live, 'failed');
          }
          const delay = RETRY.backoffMs * 2 ** (rec.attempts - 1);
          this.log(
            rec,
            'warn',
            `attempt ${rec.attempts} failed (${rec.error.message}); retrying in ${delay / 1000} s`,
          );
          rec.state = 'queued';
          await this.persist(rec);
          await abortableSleep(delay, live.abort.signal);
          if (live.abort.signal.aborted) return await this.finish(live, 'cancelled');
        }
      }
    } finally {
      this.running--;
      this.pump();
    }
  }

  private progress(live: Live, p: JobProgress): void {
    live.record.progress = p;
    const interval = this.opts.progressIntervalMs ?? 250;
    const now = Date.now();
    const emit = (): void => {
      live.lastPublish = Date.now();
      live.pendingProgress = undefined;
      this.bus.publish('jobs.progress', { id: live.record.id, progress: live.record.progress });
    };
    if (now - live.lastPublish >= interval) emit();
    else live.pendingProgress ??= setTimeout(emit, interval - (now - live.lastPublish));
  }

  private log(rec: JobRecord, level: JobLogLine['level'], msg: string): void {
    rec.log.push({ at: new Date().toISOString(), level, msg });
    if (rec.log.length > LOG_LINES) rec.log.splice(0, rec.log.length - LOG_LINES);
  }

  private async finish(
    live: Live,
    state: 'completed' | 'failed' | 'cancelled',
  ): Promise<JobRecord> {
    if (live.pendingProgress) clearTimeout(live.pendingProgress);
    const rec = live.record;
    rec.state = state;
    rec.finishedAt = new Date().toISOString();
    if (state === 'cancelled') rec.error ??= { code: 'CANCELLED', message: 'cancelled' };
    this.live.delete(rec.id);
    await this.persist(rec);
    return structuredClone(rec);
  }

  private async persist(rec: JobRecord): Promise<void> {
    rec.updatedAt = new Date().toISOString();
    try {
      await this.store.save(structuredClone(rec));
    } catch (e) {
      this.logger.error({ err: e, job: rec.id }, 'could not persist job record');
    }
    this.bus.publish('jobs.updated', structuredClone(rec));
  }

  /** Records left running by a process that died cannot be resumed in-process: mark them failed. */
  private async recover(): Promise<void> {
    this.records = await this.store.load();
    for (const r of this.records) {
      if (FINAL_STATES.includes(r.state)) continue;
      r.state = 'failed';
      r.finishedAt = new Date().toISOString();
      r.error = {
        code: 'CANCELLED',
        message: 'interrupted: Keel stopped while this job was running',
      };
      await this.store.save(r).catch(() => undefined);
    }
  }
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });
}
