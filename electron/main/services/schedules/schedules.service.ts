import type { Logger } from 'pino';
import { KeelError } from '../../../../shared/errors';
import { JOB_KIND_NAMES, type Actor, type JobRecord } from '../../../../shared/jobs';
import type { Schedule, ScheduleInput } from '../../../../shared/schedules';
import type { Disposable } from '../../lib/disposables';
import type { EventBus } from '../../lib/event-bus';
import type { ClientRegistry } from '../../stores/registry';
import type { EnvironmentsService } from '../environments/environments.service';
import type { QueuedJobData } from '../jobs/bullmq-runner';
import type { JobService } from '../jobs/job.service';
import { nextRuns } from './cron';
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
export class ScheduleService implements Disposable {
  private readonly local: ScheduleStore;
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private stopped = false;

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
    this.local = new FileScheduleStore(o.userDataDir);
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

  async list(envId?: string): Promise<Schedule[]> {
    const envIds = envId ? [envId] : (await this.o.envs.list()).map((e) => e.id);
    const out: Schedule[] = [];
    for (const id of envIds) {
      const { store } = await this.storeFor(id);
      for (const s of await store.list(id)) out.push(await this.view(s));
    }
    return out;
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

  dispose(): void {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private async view(s: StoredSchedule): Promise<Schedule> {
    const last = (await this.o.jobs.list({ envId: s.envId, limit: 200 }).catch(() => [])).find(
      (j) => j.scheduleId === s.id,
    );
    return {
      ...s,
      next: s.enabled ? nextRuns(s.cron, s.tz, 5) : [],
      ...(last && { lastRun: { jobId: last.id, state: last.state, at: last.createdAt } }),
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
    if (this.stopped) return;
    const [next] = nextRuns(s.cron, s.tz, 1);
    if (!next) return;
    const wait = Math.max(0, Date.parse(next) - Date.now());
    const key = `${s.envId}/${s.id}`;
    const t = setTimeout(
      () => {
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
      },
      Math.min(wait, MAX_TIMER_MS),
    );
    t.unref?.();
    this.timers.set(key, t);
  }

  private clearTimer(s: StoredSchedule): void {
    const key = `${s.envId}/${s.id}`;
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.delete(key);
  }

  private changed(envId: string): void {
    this.o.bus.publish('schedules.changed', { envId });
  }
}
