import { randomBytes } from 'node:crypto';
import { Queue, QueueEvents, UnrecoverableError, Worker, type Job } from 'bullmq';
import { CronExpressionParser } from 'cron-parser';
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import { KeelError, isKeelError } from '../../../../shared/errors';
import {
  FINAL_STATES,
  jobKinds,
  JOB_KIND_NAMES,
  type Actor,
  type JobKind,
  type JobPayload,
  type JobProgress,
  type JobRecord,
} from '../../../../shared/jobs';
import type { EventBus } from '../../lib/event-bus';
import type { MysqlJobStore } from './mysql-job-store';
import {
  isRetriable,
  RETRY,
  type JobFilter,
  type JobHandler,
  type JobRunner,
  type StartOptions,
} from './types';

/** What a queued job carries in Redis: never a secret, only what the handler's payload says. */
export interface QueuedJobData {
  payload: unknown;
  actor: Actor;
  envId: string;
  tenantId?: string;
  scheduleId?: string;
  /** For runs a schedule creates: its timetable, to find ticks that were never created. */
  schedule?: { cron: string; tz: string; enabledAt: string };
  /** A tick created late by catch-up. */
  late?: boolean;
}

/** At most this many missed ticks are run late after an outage. */
const MAX_CATCH_UP = 100;

export interface BullmqSettings {
  /** How long a worker's lock on a job lasts without renewal (renewed at half of it). */
  lockDurationMs: number;
  /** How often workers look for jobs whose worker died (lock expired). */
  stalledIntervalMs: number;
  /** After this many stalls a job fails ("stalled more than allowable limit"). */
  maxStalledCount: number;
  /** Progress is published at most this often per job. */
  progressIntervalMs: number;
  /** Finished job records older than this are deleted from the shared history. */
  retentionDays: number;
}

export const DEFAULT_BULLMQ_SETTINGS: BullmqSettings = {
  lockDurationMs: 30_000,
  stalledIntervalMs: 30_000,
  maxStalledCount: 2,
  progressIntervalMs: 500,
  retentionDays: 30,
};

const CONCURRENCY: Record<JobKind, number> = {
  'health.sweep': 2,
  'health.watch': 4,
  'jobs.ping': 8,
  'blueprint.apply': 1,
  // Tenants of one environment provision side by side; bulk lists run one at a time.
  'tenants.provision': 4,
  'tenants.bulkProvision': 1,
  'tenants.rollback': 2,
  'tenants.purge': 2,
};

export interface BullmqRunnerOptions {
  envId: string;
  /** A new Redis connection (queues share one; BullMQ duplicates it for blocking workers). */
  connect: () => Redis | Cluster;
  store: MysqlJobStore;
  bus: EventBus;
  logger: Logger;
  settings: BullmqSettings;
}

/**
 * Jobs on BullMQ in the environment's Redis: one queue per job kind, workers in every Keel that
 * runs them (desktop, server, agent), records in the core database. A job is run by exactly one
 * worker; a worker that dies leaves a stalled job another picks up (the run key stays, so the
 * handler resumes instead of repeating); cancellation reaches the worker through Redis pub/sub.
 */
export class BullmqJobRunner implements JobRunner {
  readonly coordinated = true;
  private readonly handlers = new Map<JobKind, JobHandler<JobKind>>();
  private readonly queues = new Map<JobKind, Queue>();
  private readonly workers = new Map<JobKind, Worker>();
  private readonly events: QueueEvents[] = [];
  private readonly prefix: string;
  private readonly shared: Redis | Cluster;
  private cancelSub: Redis | Cluster | undefined;
  private closed = false;
  /** Jobs this process is working on right now. */
  running = 0;
  private purgeTimer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly o: BullmqRunnerOptions) {
    // One hash tag, so every key of the environment lands in one slot on a Redis Cluster.
    this.prefix = `{keel-${o.envId}}`;
    this.shared = o.connect();
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
        (job, _token, signal) => this.process(job, signal),
        {
          connection: this.o.connect(),
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
    if (!this.purgeTimer) {
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
      this.purgeTimer = setInterval(purge, 3600_000);
      this.purgeTimer.unref();
      purge();
    }
    if (!this.cancelSub) {
      const sub = this.o.connect();
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
    for (const kind of JOB_KIND_NAMES) {
      const ev = new QueueEvents(this.queueName(kind), {
        connection: this.o.connect(),
        prefix: this.prefix,
      });
      ev.on('error', (err) => this.o.logger.warn({ err }, 'queue events error'));
      ev.on('progress', ({ jobId, data }) => {
        if (data && typeof data === 'object') {
          this.o.bus.publish('jobs.progress', { id: jobId, progress: data as JobProgress });
        }
      });
      for (const name of ['waiting', 'active', 'completed', 'removed'] as const) {
        ev.on(name, ({ jobId }: { jobId: string }) => void this.publishRecord(jobId));
      }
      ev.on('failed', ({ jobId, failedReason }) => void this.onFailed(jobId, failedReason));
      this.events.push(ev);
    }
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
    const parsed = jobKinds[kind].safeParse(payload);
    if (!parsed.success) {
      throw new KeelError('VALIDATION', `invalid payload for ${kind}`, {
        issues: parsed.error.issues,
      });
    }
    const id = `j_${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
    const record = this.newRecord(id, kind, parsed.data, {
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
    const job = await this.queue(rec.kind).getJob(id);
    const state = job ? await job.getState() : 'unknown';
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
    const rec = await this.o.store.get(id);
    if (!rec || rec.envId !== this.o.envId) throw new KeelError('NOT_FOUND', `no job ${id}`);
    return rec;
  }

  list(filter: JobFilter): Promise<JobRecord[]> {
    return this.o.store.list({ ...filter, envId: this.o.envId });
  }

  /**
   * Resolves when the job is final: on its `jobs.updated` event (relayed from the queue's events),
   * with a slow poll of the record as a safety net for a missed event.
   */
  async wait(id: string): Promise<JobRecord> {
    const first = await this.get(id);
    if (FINAL_STATES.includes(first.state)) return first;
    return new Promise<JobRecord>((resolve, reject) => {
      const done = (r: JobRecord): void => {
        sub.dispose();
        clearInterval(poll);
        resolve(r);
      };
      const sub = this.o.bus.subscribe('jobs.updated', (r) => {
        if (r.id === id && FINAL_STATES.includes(r.state)) done(r);
      });
      const poll = setInterval(() => {
        this.get(id).then(
          (r) => FINAL_STATES.includes(r.state) && done(r),
          (e: unknown) => {
            sub.dispose();
            clearInterval(poll);
            reject(e as Error);
          },
        );
      }, 2000);
    });
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
  async dispose(graceMs = 10_000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.purgeTimer);
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
    for (const c of [this.cancelSub, this.shared]) c?.disconnect();
  }

  private get cancelChannel(): string {
    return `${this.prefix}:cancel`;
  }

  private queueName(kind: JobKind): string {
    return `jobs.${kind}`;
  }

  private newRecord(
    id: string,
    kind: JobKind,
    payload: unknown,
    d: Omit<QueuedJobData, 'payload'>,
  ): JobRecord {
    return {
      id,
      kind,
      state: 'queued',
      payload,
      actor: d.actor,
      envId: d.envId,
      ...(d.tenantId && { tenantId: d.tenantId }),
      ...(d.scheduleId && { scheduleId: d.scheduleId }),
      attempts: 0,
      createdAt: new Date().toISOString(),
      progress: { done: 0 },
      log: [],
    };
  }

  /** The worker side of one attempt. */
  private async process(job: Job, signal: AbortSignal | undefined): Promise<unknown> {
    const kind = job.name as JobKind;
    const handler = this.handlers.get(kind);
    const id = job.id ?? '';
    const data = job.data as QueuedJobData;
    if (!handler) throw new UnrecoverableError(`this Keel has no handler for ${kind}`);
    this.running++;
    try {
      return await this.attempt(job, kind, handler, data, id, signal);
    } finally {
      this.running--;
    }
  }

  private async attempt(
    job: Job,
    kind: JobKind,
    handler: JobHandler<JobKind>,
    data: QueuedJobData,
    id: string,
    signal: AbortSignal | undefined,
  ): Promise<unknown> {
    // Jobs a schedule created have no record yet.
    const rec = (await this.o.store.get(id)) ?? this.newRecord(id, kind, data.payload, data);
    rec.state = 'running';
    rec.attempts = job.attemptsMade + 1;
    rec.startedAt ??= new Date().toISOString();
    delete rec.error;
    if (job.stalledCounter > 0) log(rec, 'warn', 'taken over after the worker running it stopped');
    if (data.late) log(rec, 'warn', 'ran late: this tick fell due while the queue was unreachable');
    await this.o.store.save(rec);
    // QueueEvents' "active" may read the record before this save: announce "running" ourselves.
    this.o.bus.publish('jobs.updated', structuredClone(rec));
    await this.catchUp(kind, id, data).catch((err: unknown) =>
      this.o.logger.warn({ err, job: id }, 'catch-up failed'),
    );
    const abort = signal ?? new AbortController().signal;
    let lastSave = 0;
    let lastPublish = 0;
    try {
      const result = await handler(data.payload as JobPayload<JobKind>, {
        id,
        runKey: id,
        attempt: rec.attempts,
        actor: rec.actor,
        queuedAt: rec.createdAt,
        signal: abort,
        progress: (p) => {
          rec.progress = p;
          const now = Date.now();
          if (
            now - lastPublish >= this.o.settings.progressIntervalMs ||
            (p.total !== undefined && p.done >= p.total)
          ) {
            lastPublish = now;
            void job.updateProgress(p).catch(() => undefined);
          }
          if (now - lastSave >= 2000) {
            lastSave = now;
            void this.o.store.save(rec).catch(() => undefined);
          }
        },
        log: (level, msg) => log(rec, level, msg),
      });
      if (abort.aborted) throw abort.reason;
      rec.result = result;
      await this.finishRecord(rec, 'completed');
      return result ?? null;
    } catch (e) {
      if (abort.aborted) {
        await this.finishRecord(rec, 'cancelled', {
          code: 'CANCELLED',
          message: 'cancelled by the user',
        });
        throw new UnrecoverableError('cancelled');
      }
      const shape = isKeelError(e)
        ? e.toShape()
        : { code: 'INTERNAL' as const, message: e instanceof Error ? e.message : String(e) };
      if (!isKeelError(e)) this.o.logger.error({ err: e, job: id }, 'job crashed');
      if (rec.attempts < RETRY.attempts && isRetriable(shape.code)) {
        const delay = RETRY.backoffMs * 2 ** (rec.attempts - 1);
        log(
          rec,
          'warn',
          `attempt ${rec.attempts} failed (${shape.message}); retrying in ${delay / 1000} s`,
        );
        rec.state = 'queued';
        rec.error = shape;
        await this.o.store.save(rec);
        throw new Error(shape.message, { cause: e });
      }
      await this.finishRecord(rec, 'failed', shape);
      throw new UnrecoverableError(shape.message);
    }
  }

  /**
   * BullMQ creates a schedule's next run when the current one starts, from the current time; a
   * tick that fell due while Redis or every worker was away is skipped. Walk back from this tick
   * and add the ticks that were never created, under the scheduler's own job ids, so each runs
   * once (a concurrent duplicate add is a no-op for an existing id).
   */
  private async catchUp(kind: JobKind, id: string, data: QueuedJobData): Promise<void> {
    const m = /^repeat:(.+):(\d+)$/.exec(id);
    if (!m || !data.schedule || !data.scheduleId) return;
    const since = Date.parse(data.schedule.enabledAt);
    const it = CronExpressionParser.parse(data.schedule.cron, {
      tz: data.schedule.tz,
      currentDate: new Date(Number(m[2])),
    });
    const missed: number[] = [];
    for (let i = 0; i < MAX_CATCH_UP; i++) {
      const prev = it.prev().getTime();
      if (prev < since) break;
      const prevId = `repeat:${data.scheduleId}:${prev}`;
      if ((await this.queue(kind).getJob(prevId)) || (await this.o.store.get(prevId))) break;
      missed.push(prev);
    }
    for (const t of missed.reverse()) {
      await this.queue(kind).add(
        kind,
        { ...data, late: true },
        { jobId: `repeat:${data.scheduleId}:${t}` },
      );
    }
    if (missed.length > 0)
      this.o.logger.warn(
        { schedule: data.scheduleId, missed: missed.length },
        'ran missed ticks late',
      );
  }

  private async finishRecord(
    rec: JobRecord,
    state: 'completed' | 'failed' | 'cancelled',
    error?: JobRecord['error'],
  ): Promise<JobRecord> {
    rec.state = state;
    rec.finishedAt = new Date().toISOString();
    if (error) rec.error = error;
    await this.o.store.save(rec);
    this.o.logger.info(
      { job: rec.id, kind: rec.kind, state, attempts: rec.attempts, schedule: rec.scheduleId },
      'job finished',
    );
    this.o.bus.publish('jobs.updated', rec);
    return rec;
  }

  private async publishRecord(jobId: string): Promise<void> {
    const rec = await this.o.store.get(jobId).catch(() => undefined);
    if (rec) this.o.bus.publish('jobs.updated', rec);
  }

  /** A job BullMQ failed without our processor (stalled too often): record it failed. */
  private async onFailed(jobId: string, reason: string): Promise<void> {
    const rec = await this.o.store.get(jobId).catch(() => undefined);
    if (!rec) return;
    if (!FINAL_STATES.includes(rec.state)) {
      await this.finishRecord(rec, 'failed', { code: 'INTERNAL', message: reason }).catch(
        () => undefined,
      );
    } else {
      this.o.bus.publish('jobs.updated', rec);
    }
  }
}

function log(rec: JobRecord, level: 'info' | 'warn' | 'error', msg: string): void {
  rec.log.push({ at: new Date().toISOString(), level, msg });
  if (rec.log.length > 200) rec.log.splice(0, rec.log.length - 200);
}

/** Wait for `p`, but no longer than `ms`. */
function within(p: Promise<unknown>, ms: number): Promise<void> {
  return Promise.race([
    p.then(
      () => undefined,
      () => undefined,
    ),
    new Promise<void>((r) => setTimeout(r, ms).unref()),
  ]);
}
