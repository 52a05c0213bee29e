import { Queue, UnrecoverableError, Worker, type Job, type QueueEvents } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import { KeelError } from '../../../../shared/errors';
import {
  FINAL_STATES,
  JOB_KIND_NAMES,
  type JobKind,
  type JobPayload,
  type JobRecord,
} from '../../../../shared/jobs';
import {
  DisposableOwner,
  DisposableStore,
  interval,
  intervalTimer,
  within,
} from '../../lib/disposables';
import type { EventBus } from '../../lib/event-bus';
import { coreAway, type MysqlJobStore } from './mysql-job-store';
import {
  CONCURRENCY,
  STALE_RECORD_SEC,
  type BullmqSettings,
  type QueuedJobData,
} from './bullmq-settings';
import { finishRecord, runQueuedJob, type WorkerSide } from './bullmq-worker';
import { reconcileRecords, settle } from './record-reconciler';
import { relayQueueEvents } from './queue-events';
import { onReconnect } from './redis-connection';
import { newJobId, newRecord, parsePayload, untilAborted } from './attempt';
import { RETRY, type JobFilter, type JobHandler, type JobRunner, type StartOptions } from './types';

export {
  DEFAULT_BULLMQ_SETTINGS,
  type BullmqSettings,
  type QueuedJobData,
} from './bullmq-settings';

type Reconcile = 'start' | 'reconnected' | 'periodic';

export interface BullmqRunnerOptions {
  envId: string;
  /** A new Redis connection (queues share one; BullMQ duplicates it for blocking workers). */
  connect: () => Redis | Cluster;
  store: MysqlJobStore;
  bus: EventBus;
  logger: Logger;
  settings: BullmqSettings;
  /** Put back in Redis what it should hold (schedulers): after a reconnect and periodically. */
  reconcile?: (why: Reconcile) => Promise<void>;
}

/**
 * Jobs on BullMQ in the environment's Redis: one queue per job kind, workers in every Keel that
 * runs them (desktop, server, agent), records in the core database. A job is run by exactly one
 * worker; a worker that dies leaves a stalled job another picks up (the run key stays, so the
 * handler resumes instead of repeating); cancellation reaches the worker through Redis pub/sub.
 */
export class BullmqJobRunner extends DisposableOwner implements JobRunner {
  readonly coordinated = true;
  private readonly handlers = new Map<JobKind, JobHandler<JobKind>>();
  private readonly queues = new Map<JobKind, Queue>();
  private readonly workers = new Map<JobKind, Worker>();
  private readonly events: QueueEvents[] = [];
  private readonly prefix: string;
  private readonly shared: Redis | Cluster;
  private cancelSub: Redis | Cluster | undefined;
  /**
   * Every Redis connection this runner opened. BullMQ does not close a connection it was given
   * (only the ones it duplicates), so the runner drops each of them itself, last.
   */
  private readonly connections: Array<Redis | Cluster> = [];
  /** Aborted by dispose(): callers still waiting for a job stop waiting. */
  private readonly stopped = new AbortController();
  /** Jobs this process is working on right now. */
  running = 0;
  private sweeping = false;
  private reconciling: Promise<void> | undefined;

  constructor(private readonly o: BullmqRunnerOptions) {
    super();
    // One hash tag, so every key of the environment lands in one slot on a Redis Cluster.
    this.prefix = `{keel-${o.envId}}`;
    this.shared = this.connect();
    this._register(o.store);
  }

  register<K extends JobKind>(kind: K, handler: JobHandler<K>): void {
    this.handlers.set(kind, handler as unknown as JobHandler<JobKind>);
  }

  /** Start this process's workers for every registered kind, and the cancel listener. */
  async startWorkers(): Promise<void> {
    for (const kind of this.handlers.keys()) {
      if (this.workers.has(kind)) continue;
      const worker = new Worker(
        this.queueName(kind),
        (job, token, signal) => this.process(job, token, signal),
        {
          connection: this.connect(),
          prefix: this.prefix,
          concurrency: CONCURRENCY[kind],
          lockDuration: this.o.settings.lockDurationMs,
          stalledInterval: this.o.settings.stalledIntervalMs,
          maxStalledCount: this.o.settings.maxStalledCount,
          name: `keel-${process.pid}`,
        },
      );
      worker.on('error', (err) => this.o.logger.warn({ err, kind }, 'job worker error'));
      this.workers.set(kind, worker);
    }
    if (!this.sweeping) {
      this.sweeping = true;
      // Every worker prunes the shared history; the DELETE is idempotent, so overlap is harmless.
      const purge = (): void =>
        void this.o.store
          .purge(this.o.settings.retentionDays)
          .then(
            (n) =>
              n > 0 &&
              this.o.logger.info(
                { deleted: n, days: this.o.settings.retentionDays },
                'old job records deleted',
              ),
          )
          .catch((err: unknown) => this.o.logger.warn({ err }, 'job history retention failed'));
      this._register(intervalTimer(3600_000, purge));
      purge();
      this._register(onReconnect(this.shared, () => void this.reconcile('reconnected')));
      this._register(
        intervalTimer(this.o.settings.reconcileIntervalMs, () => void this.reconcile('periodic')),
      );
      void this.reconcile('start');
    }
    if (!this.cancelSub) {
      const sub = this.connect();
      this.cancelSub = sub;
      await sub.subscribe(this.cancelChannel);
      sub.on('message', (_channel: string, id: string) => {
        for (const w of this.workers.values()) w.cancelJob(id, 'cancelled by the user');
      });
    }
  }

  /** Relay queue events to this process's bus, so every console sees every job move. */
  watchEvents(): void {
    if (this.events.length > 0) return;
    this.events.push(
      ...relayQueueEvents({
        ...this.o,
        prefix: this.prefix,
        connect: () => this.connect(),
        queueName: (k) => this.queueName(k),
      }),
    );
  }

  queue(kind: JobKind): Queue {
    let q = this.queues.get(kind);
    if (!q) {
      q = new Queue(this.queueName(kind), {
        connection: this.shared,
        prefix: this.prefix,
        defaultJobOptions: {
          attempts: RETRY.attempts,
          backoff: { type: 'exponential', delay: RETRY.backoffMs },
          removeOnComplete: { age: 24 * 3600, count: 10_000 },
          removeOnFail: { age: 7 * 24 * 3600 },
        },
      });
      q.on('error', (err) => this.o.logger.warn({ err, kind }, 'queue error'));
      this.queues.set(kind, q);
    }
    return q;
  }

  async start<K extends JobKind>(
    kind: K,
    payload: JobPayload<K>,
    opts: StartOptions,
  ): Promise<JobRecord> {
    const parsed = { data: parsePayload(kind, payload) };
    const id = newJobId();
    const record = newRecord(id, kind, parsed.data, {
      actor: opts.actor,
      envId: this.o.envId,
      ...(opts.tenantId && { tenantId: opts.tenantId }),
      ...(opts.scheduleId && { scheduleId: opts.scheduleId }),
    });
    // The record first: a worker may take the job the instant it is added.
    await this.o.store.save(record);
    const data: QueuedJobData = {
      payload: parsed.data,
      actor: opts.actor,
      envId: this.o.envId,
      ...(opts.tenantId && { tenantId: opts.tenantId }),
      ...(opts.scheduleId && { scheduleId: opts.scheduleId }),
    };
    await this.queue(kind).add(kind, data, { jobId: id });
    this.o.bus.publish('jobs.updated', record);
    return record;
  }

  async cancel(id: string): Promise<JobRecord> {
    const rec = await this.get(id);
    if (FINAL_STATES.includes(rec.state))
      throw new KeelError('CONFLICT', `job ${id} already ${rec.state}`);
    const queue = this.queue(rec.kind);
    const job = await queue.getJob(id);
    const state = job ? await job.getState() : 'unknown';
    if (!job || state === 'unknown') {
      // Nothing will run it again (Redis lost it, or its worker died without a trace).
      return this.finishRecord(rec, 'cancelled', {
        code: 'CANCELLED',
        message: 'cancelled by the user; the queue no longer held this job',
      });
    }
    if (state === 'completed' || state === 'failed') {
      // It ended but its record never heard (the core database was away): record what happened.
      return (await settle(rec, queue, (r, s, e) => this.finishRecord(r, s, e))) ?? rec;
    }
    if (job && ['waiting', 'delayed', 'prioritized', 'waiting-children'].includes(state)) {
      await job.remove().catch(() => undefined);
      const cancelled = await this.finishRecord(rec, 'cancelled', {
        code: 'CANCELLED',
        message: 'cancelled before it started',
      });
      return cancelled;
    }
    // Running somewhere: the worker that holds it aborts its signal and records the outcome.
    await this.shared.publish(this.cancelChannel, id);
    return rec;
  }

  async get(id: string): Promise<JobRecord> {
    const rec = await this.o.store.get(id).catch((e: unknown) => {
      if (!coreAway(e)) throw e;
      throw new KeelError(
        'UNAVAILABLE',
        `the job records of ${this.o.envId} are unreachable: its core database is away (${(e as Error).message})`,
        { envId: this.o.envId },
      );
    });
    if (!rec || rec.envId !== this.o.envId) throw new KeelError('NOT_FOUND', `no job ${id}`);
    return rec;
  }

  list(filter: JobFilter): Promise<JobRecord[]> {
    return this.o.store.list({ ...filter, envId: this.o.envId });
  }

  /**
   * Resolves when the job is final: on its `jobs.updated` event (relayed from the queue's events),
   * with a slow poll of the record as a safety net for a missed event. Rejects when `signal`
   * aborts or this runner is disposed.
   */
  async wait(id: string, signal?: AbortSignal): Promise<JobRecord> {
    const first = await untilAborted(this.get(id), signal, this.stopped.signal);
    if (FINAL_STATES.includes(first.state)) return first;
    const waiting = new DisposableStore();
    const done = new Promise<JobRecord>((resolve, reject) => {
      waiting.add(
        this.o.bus.subscribe('jobs.updated', (r) => {
          if (r.id === id && FINAL_STATES.includes(r.state)) resolve(r);
        }),
      );
      interval(waiting, 2000, () => {
        this.get(id).then((r) => FINAL_STATES.includes(r.state) && resolve(r), reject);
      });
    });
    try {
      return await untilAborted(done, signal, this.stopped.signal);
    } finally {
      await waiting.dispose();
    }
  }

  /** Workers connected to this environment's queues, across every Keel. */
  async workerCount(): Promise<number> {
    const counts = await Promise.all(
      JOB_KIND_NAMES.map((k) =>
        this.queue(k)
          .getWorkersCount()
          .catch(() => 0),
      ),
    );
    return Math.max(0, ...counts);
  }

  /**
   * Stop: workers finish their current jobs within `graceMs`, else close hard (the jobs then
   * stall and another Keel takes them over); queues and listeners close.
   */
  override async dispose(graceMs = 10_000): Promise<void> {
    if (this._isDisposed) return;
    this.stopped.abort();
    // The purge and reconcile timers, the reconnect listener and the record store (registered).
    await super.dispose();
    await Promise.all(
      [...this.workers.values()].map(async (w) => {
        await within(w.close(), graceMs);
        await within(w.close(true), 3000);
      }),
    );
    // With Redis gone, closing waits for replies that never come: bound it, then drop the sockets.
    await within(
      Promise.allSettled([
        ...this.events.map((e) => e.close()),
        ...[...this.queues.values()].map((q) => q.close()),
      ]),
      3000,
    );
    for (const c of this.connections.splice(0)) c.disconnect();
  }

  /**
   * One reconciliation at a time (a reconnect during a periodic one joins it): write the records
   * a core outage kept, correct records the queue contradicts, then the caller's part (schedules).
   */
  private reconcile(why: Reconcile): Promise<void> {
    if (this._isDisposed) return Promise.resolve();
    this.reconciling ??= this.reconcileNow(why)
      .catch((err: unknown) => this.o.logger.warn({ err, why }, 'job engine reconcile failed'))
      .finally(() => (this.reconciling = undefined));
    return this.reconciling;
  }

  private async reconcileNow(why: Reconcile): Promise<void> {
    await this.o.store.flush();
    const fixed = await reconcileRecords({
      envId: this.o.envId,
      store: this.o.store,
      queue: (k) => this.queue(k),
      finish: (r, s, e) => this.finishRecord(r, s, e),
      staleSec: STALE_RECORD_SEC,
    }).catch((err: unknown) => {
      // The core database may still be away: the next round tries again.
      this.o.logger.warn({ err, why }, 'job records not reconciled');
      return [];
    });
    if (fixed.length > 0)
      this.o.logger.warn(
        { why, jobs: fixed.map((r) => `${r.id}:${r.state}`) },
        'job records corrected from the queue',
      );
    await this.o.reconcile?.(why);
  }

  private connect(): Redis | Cluster {
    const c = this.o.connect();
    this.connections.push(c);
    return c;
  }

  private get cancelChannel(): string {
    return `${this.prefix}:cancel`;
  }

  private queueName(kind: JobKind): string {
    return `jobs.${kind}`;
  }

  /** The worker side of one attempt. */
  private async process(
    job: Job,
    token: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<unknown> {
    const kind = job.name as JobKind;
    const handler = this.handlers.get(kind);
    const id = job.id ?? '';
    const data = job.data as QueuedJobData;
    if (!handler) throw new UnrecoverableError(`this Keel has no handler for ${kind}`);
    this.running++;
    try {
      return await runQueuedJob(this.workerSide, { job, token, signal, kind, handler, data, id });
    } finally {
      this.running--;
    }
  }

  private finishRecord(
    rec: JobRecord,
    state: 'completed' | 'failed' | 'cancelled',
    error?: JobRecord['error'],
  ): Promise<JobRecord> {
    return finishRecord(this.o, rec, state, error);
  }

  private get workerSide(): WorkerSide {
    return { ...this.o, queue: (k) => this.queue(k) };
  }
}
