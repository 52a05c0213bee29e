import type { Logger } from 'pino';
import { KeelError } from '../../../../shared/errors';
import {
  FINAL_STATES,
  type JobKind,
  type JobPayload,
  type JobRecord,
} from '../../../../shared/jobs';
import { within } from '../../lib/disposables';
import type { EventBus } from '../../lib/event-bus';
import {
  newJobId,
  newRecord,
  parsePayload,
  PROGRESS_INTERVAL_MS,
  runAttempt,
  untilAborted,
} from './attempt';
import { matchesFilter } from './job-filter';
import type { JobFilter, JobHandler, JobRunner, JobStore, StartOptions } from './types';

interface Live {
  record: JobRecord;
  abort: AbortController;
  done: Promise<JobRecord>;
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
  /** Aborted by dispose(): callers still waiting for a job stop waiting. */
  private readonly stopped = new AbortController();

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
    const record = newRecord(newJobId(), kind, parsePayload(kind, payload), opts);
    const abort = new AbortController();
    let settle!: (r: JobRecord) => void;
    const live: Live = { record, abort, done: new Promise((r) => (settle = r)) };
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
      .filter((r) => matchesFilter(r, f))
      .slice(0, f.limit)
      .map((r) => structuredClone(r));
  }

  /** Resolves when the job is final; rejects when `signal` aborts or this runner is disposed. */
  async wait(id: string, signal?: AbortSignal): Promise<JobRecord> {
    const live = this.live.get(id);
    return untilAborted(live ? live.done : this.get(id), signal, this.stopped.signal);
  }

  async dispose(): Promise<void> {
    this.stopped.abort();
    this.queue.length = 0;
    const pending = [...this.live.values()];
    for (const l of pending) l.abort.abort(new KeelError('CANCELLED', 'Keel is shutting down'));
    // A handler that ignores its signal gets 5 s; the timer goes as soon as all have ended.
    await within(
      Promise.all(
        pending.map((l) => (l.record.state === 'queued' ? this.finish(l, 'cancelled') : l.done)),
      ),
      5000,
    );
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
        // A cancel that landed while the record was saved: a handler given an already aborted
        // signal may wait forever for an 'abort' event that has already fired.
        const outcome = await runAttempt(rec, handler, {
          signal: live.abort.signal,
          progressIntervalMs: this.opts.progressIntervalMs ?? PROGRESS_INTERVAL_MS,
          publish: (progress) => this.bus.publish('jobs.progress', { id: rec.id, progress }),
          // No outage wait here: a retry sleeps in this process, holding its slot.
          logger: this.logger,
        });
        if (outcome.state === 'completed') {
          rec.result = outcome.result;
          return await this.finish(live, 'completed');
        }
        if (outcome.state === 'cancelled') return await this.finish(live, 'cancelled');
        rec.error = outcome.error;
        if (outcome.state === 'failed') return await this.finish(live, 'failed');
        rec.state = 'queued';
        await this.persist(rec);
        await abortableSleep(outcome.delayMs, live.abort.signal);
        if (live.abort.signal.aborted) return await this.finish(live, 'cancelled');
      }
    } finally {
      this.running--;
      this.pump();
    }
  }

  private async finish(
    live: Live,
    state: 'completed' | 'failed' | 'cancelled',
  ): Promise<JobRecord> {
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
    // Every record the store holds (the file store keeps the newest 1000).
    this.records = await this.store.list({ limit: Number.MAX_SAFE_INTEGER });
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
    const onAbort = (): void => (clearTimeout(t), resolve());
    const t = setTimeout(() => (signal.removeEventListener('abort', onAbort), resolve()), ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
