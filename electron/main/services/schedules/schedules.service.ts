import type { Logger } from 'pino';
import { KeelError, isKeelError } from '../../../../shared/errors';
import { JOB_KIND_NAMES, type Actor, type JobRecord } from '../../../../shared/jobs';
import type { Schedule, ScheduleInput, ScheduleListEntry } from '../../../../shared/schedules';
import { DisposableMap, DisposableOwner, timeoutTimer } from '../../lib/disposables';
import type { EventBus } from '../../lib/event-bus';
import type { ClientRegistry } from '../../stores/registry';
import type { EnvironmentsService } from '../environments/environments.service';
import type { QueuedJobData } from '../jobs/bullmq-runner';
import type { JobService } from '../jobs/job.service';
import { nextRuns } from './cron';
import { missedTicks } from './deadman';
import { schedulerHealthy } from './reconcile';
import {
  FileScheduleStore,
  MysqlScheduleStore,
  type ScheduleStore,
  type StoredSchedule,
} from './schedule-store';

/** setTimeout cannot wait longer than ~24.8 days; local timers re-check at least this often. */
const MAX_TIMER_MS = 60 * 60 * 1000;

/**
 * Schedules: a cron expression and time zone that start a job. In a coordinated environment the
 * definition lives in the core database and BullMQ's job scheduler creates each run exactly once
 * for the whole team (upserting the same scheduler from many consoles is idempotent). Otherwise the
 * definition is local and this process's timers start the runs (and stop with it).
 */
export class ScheduleService extends DisposableOwner {
  private readonly local: ScheduleStore;
  /** Local schedules' next-run timers by `envId/id`; gone on dispose (a later arm is a no-op). */
  private readonly timers = this._register(new DisposableMap<string>());

  constructor(
    private readonly o: {
      jobs: JobService;
      envs: EnvironmentsService;
      registry: ClientRegistry;
      bus: EventBus;
      logger: Logger;
      userDataDir: string;
      /** This process drives schedules (desktop, server, agent); a one-shot CLI does not. */
      drive: boolean;
    },
  ) {
    super();
    this.local = new FileScheduleStore(o.userDataDir);
    if (o.drive) this._register(o.jobs.onReconcile((envId) => this.reconcile(envId)));
  }

  /** Make every environment's engine carry its schedules (idempotent; run at start and on change). */
  async syncAll(): Promise<void> {
    for (const env of await this.o.envs.list()) {
      await this.sync(env.id).catch((err: unknown) =>
        this.o.logger.warn({ err, envId: env.id }, 'schedules not synced'),
      );
    }
  }

  async sync(envId: string): Promise<void> {
    const { store } = await this.storeFor(envId);
    for (const s of await store.list(envId)) await this.apply(s);
  }

  /**
   * Put back every enabled schedule Redis no longer carries (lost with its data, or a chain of runs
   * that broke): the coordinated engine calls this after a reconnect and periodically. A healthy
   * scheduler is left alone, so a tick that is due but not yet taken is never replaced.
   */
  async reconcile(envId: string): Promise<number> {
    const engine = await this.o.jobs.engine(envId);
    if (!engine.bull) return 0;
    const { store } = await this.storeFor(envId);
    let repaired = 0;
    for (const s of await store.list(envId)) {
      if (!s.enabled || (await schedulerHealthy(engine.bull.queue(s.target.kind), s))) continue;
      await this.apply(s);
      repaired++;
    }
    if (repaired > 0)
      this.o.logger.warn({ envId, repaired }, 'schedules missing from Redis were put back');
    return repaired;
  }

  /** Per environment: one whose store fails answers with its error, the others still list. */
  async list(envId?: string): Promise<ScheduleListEntry[]> {
    const envIds = envId
      ? [(await this.o.envs.get(envId)).id]
      : (await this.o.envs.list()).map((e) => e.id);
    return Promise.all(
      envIds.map(async (id): Promise<ScheduleListEntry> => {
        try {
          const { store } = await this.storeFor(id);
          const schedules: Schedule[] = [];
          for (const s of await store.list(id)) schedules.push(await this.view(s));
          return { envId: id, schedules };
        } catch (err) {
          this.o.logger.warn({ err, envId: id }, 'schedules not listed');
          const error = isKeelError(err)
            ? err.toShape()
            : new KeelError(
                'INTERNAL',
                `the schedules of ${id} could not be read; see the Keel log`,
              ).toShape();
          return { envId: id, schedules: [], error };
        }
      }),
    );
  }

  async save(
    input: ScheduleInput & { tz: string; enabled: boolean },
    actor: Actor,
  ): Promise<Schedule> {
    nextRuns(input.cron, input.tz, 1); // refuses an invalid expression with the reason
    await this.o.envs.get(input.envId);
    const { store } = await this.storeFor(input.envId);
    const prev = await store.get(input.envId, input.id);
    const now = new Date().toISOString();
    const s: StoredSchedule = {
      id: input.id,
      envId: input.envId,
      name: input.name,
      target: input.target as StoredSchedule['target'],
      cron: input.cron,
      tz: input.tz,
      enabled: input.enabled,
      createdBy: prev?.createdBy ?? actor,
      createdAt: prev?.createdAt ?? now,
      updatedAt: now,
    };
    await store.save(s);
    await this.apply(s);
    this.changed(s.envId);
    return this.view(s);
  }

  async remove(envId: string, id: string): Promise<boolean> {
    const { store } = await this.storeFor(envId);
    const s = await this.require(store, envId, id);
    await this.unapply(s);
    const removed = await store.remove(envId, id);
    this.changed(envId);
    return removed;
  }

  async setEnabled(envId: string, id: string, enabled: boolean): Promise<Schedule> {
    const { store } = await this.storeFor(envId);
    const s = await this.require(store, envId, id);
    const next = { ...s, enabled, updatedAt: new Date().toISOString() };
    await store.save(next);
    await this.apply(next);
    this.changed(envId);
    return this.view(next);
  }

  async runNow(envId: string, id: string, actor: Actor): Promise<JobRecord> {
    const { store } = await this.storeFor(envId);
    const s = await this.require(store, envId, id);
    return this.o.jobs.start(s.target.kind, s.target.payload as never, { actor, scheduleId: s.id });
  }

  private async view(s: StoredSchedule): Promise<Schedule> {
    const runs = await this.o.jobs
      .list({ envId: s.envId, scheduleId: s.id, limit: 1 })
      .catch(() => undefined);
    const last = runs?.[0];
    // Unknown runs say nothing about missed ticks.
    const missed = runs && missedTicks(s, last?.createdAt);
    return {
      ...s,
      next: s.enabled ? nextRuns(s.cron, s.tz, 5) : [],
      ...(last && {
        lastRun: { jobId: last.id, state: last.state, at: last.createdAt },
        lastRunAt: last.createdAt,
      }),
      ...(missed && { missed }),
    };
  }

  private async storeFor(envId: string): Promise<{ store: ScheduleStore; coordinated: boolean }> {
    const engine = await this.o.jobs.engine(envId);
    if (engine.bull && engine.coordination.core) {
      const core = await this.o.registry.of('mysql', envId, engine.coordination.core.id);
      return { store: new MysqlScheduleStore(core), coordinated: true };
    }
    return { store: this.local, coordinated: false };
  }

  private async require(store: ScheduleStore, envId: string, id: string): Promise<StoredSchedule> {
    const s = await store.get(envId, id);
    if (!s) throw new KeelError('NOT_FOUND', `no schedule "${id}" in ${envId}`);
    return s;
  }

  /** Make the engine match the definition: scheduler upserted or removed, or local timer set. */
  private async apply(s: StoredSchedule): Promise<void> {
    const engine = await this.o.jobs.engine(s.envId);
    if (engine.bull) {
      for (const kind of JOB_KIND_NAMES) {
        if (kind !== s.target.kind || !s.enabled)
          await engine.bull.queue(kind).removeJobScheduler(s.id);
      }
      if (!s.enabled) return;
      const data: QueuedJobData = {
        payload: s.target.payload,
        actor: { type: 'schedule', name: s.name },
        envId: s.envId,
        scheduleId: s.id,
        schedule: { cron: s.cron, tz: s.tz, enabledAt: s.updatedAt },
      };
      await engine.bull
        .queue(s.target.kind)
        .upsertJobScheduler(s.id, { pattern: s.cron, tz: s.tz }, { name: s.target.kind, data });
      return;
    }
    this.clearTimer(s);
    if (s.enabled && this.o.drive) this.arm(s);
  }

  private async unapply(s: StoredSchedule): Promise<void> {
    const engine = await this.o.jobs.engine(s.envId);
    if (engine.bull) {
      for (const kind of JOB_KIND_NAMES) await engine.bull.queue(kind).removeJobScheduler(s.id);
    }
    this.clearTimer(s);
  }

  /** A local timer for the next run; it re-arms itself after each run. */
  private arm(s: StoredSchedule): void {
    if (this._isDisposed) return;
    const [next] = nextRuns(s.cron, s.tz, 1);
    if (!next) return;
    const wait = Math.max(0, Date.parse(next) - Date.now());
    const key = `${s.envId}/${s.id}`;
    const t = timeoutTimer(Math.min(wait, MAX_TIMER_MS), () => {
      this.timers.delete(key);
      if (wait > MAX_TIMER_MS) return this.arm(s);
      void this.o.jobs
        .start(s.target.kind, s.target.payload as never, {
          actor: { type: 'schedule', name: s.name },
          scheduleId: s.id,
        })
        .catch((err: unknown) =>
          this.o.logger.warn({ err, schedule: s.id }, 'scheduled run could not start'),
        )
        .finally(() => this.arm(s));
    });
    this.timers.set(key, t);
  }

  private clearTimer(s: StoredSchedule): void {
    this.timers.delete(`${s.envId}/${s.id}`);
  }

  private changed(envId: string): void {
    this.o.bus.publish('schedules.changed', { envId });
  }
}
