import type { Logger } from 'pino';
import { KeelError, isKeelError } from '../../../../shared/errors';
import type { JobEngine, JobKind, JobPayload, JobRecord } from '../../../../shared/jobs';
import type { Connection, Environment } from '../../../../shared/models/environment';
import type { Disposable } from '../../lib/disposables';
import type { EventBus } from '../../lib/event-bus';
import type { ClientRegistry } from '../../stores/registry';
import type { EnvironmentsService } from '../environments/environments.service';
import { migrateKeelSchema } from '../shared/keel-schema';
import { BullmqJobRunner, type BullmqSettings } from './bullmq-runner';
import type { InProcessJobRunner } from './in-process-runner';
import { MysqlJobStore } from './mysql-job-store';
import { bullmqConnection } from './redis-connection';
import type { JobFilter, JobRunner, StartOptions } from './types';

/** The connections that make an environment's jobs coordinated: Redis for the queue, MySQL for records. */
export interface Coordination {
  redis?: Connection;
  core?: Connection;
  reason?: string;
  reasonCode?: JobEngine['reasonCode'];
}

export function coordinationOf(env: Environment): Coordination {
  const redis =
    env.connections.find((c) => c.kind === 'redis' && c.role === 'jobs') ??
    env.connections.find((c) => c.kind === 'redis' && c.role === 'cache');
  const core = env.connections.find((c) => c.kind === 'mysql' && c.role === 'core');
  const base = { ...(redis && { redis }), ...(core && { core }) };
  if (!redis && !core) {
    return {
      ...base,
      reasonCode: 'no-redis-and-core',
      reason:
        'this environment has neither a Redis connection (role "jobs" or "cache") nor a MySQL connection with role "core"',
    };
  }
  if (!redis)
    return {
      ...base,
      reasonCode: 'no-redis',
      reason: 'this environment has no Redis connection (role "jobs" or "cache")',
    };
  if (!core)
    return {
      ...base,
      reasonCode: 'no-core-database',
      reason: 'this environment has no MySQL connection with role "core"',
    };
  return base;
}

interface EnvEngine {
  runner: JobRunner;
  bull?: BullmqJobRunner;
  store?: MysqlJobStore;
  coordination: Coordination;
}

export interface JobServiceOptions {
  envs: EnvironmentsService;
  registry: ClientRegistry;
  bus: EventBus;
  logger: Logger;
  /** Environments without coordination share this one. */
  local: InProcessJobRunner;
  /** Give a new runner its handlers. */
  register: (runner: JobRunner) => void;
  /** Run workers here (desktop, server, agent) or only enqueue (one-shot CLI). */
  work: boolean;
  /** Relay queue events to this process's bus (anything with a UI). */
  events: boolean;
  settings: BullmqSettings;
}

/**
 * Picks each environment's job engine: BullMQ on its Redis with records in its core database when
 * it has both (runs and schedules happen once for the whole team), otherwise this process's
 * in-process runner (and the UI says so). Everything job-shaped goes through here.
 */
export class JobService implements Disposable {
  private readonly engines = new Map<string, Promise<EnvEngine>>();
  private disposed = false;
  private readonly reconcilers = new Set<(envId: string) => Promise<unknown>>();

  constructor(private readonly o: JobServiceOptions) {}

  /** Bring up every environment's engine (workers start here), logging what cannot start. */
  async startAll(): Promise<void> {
    const envs = await this.o.envs.list();
    await Promise.all(
      envs.map((e) =>
        this.engine(e.id).catch((err: unknown) =>
          this.o.logger.warn({ err, envId: e.id }, 'job engine not started'),
        ),
      ),
    );
  }

  async engine(envId: string): Promise<EnvEngine> {
    // Nothing may start an engine once the service is disposed: nobody would stop it.
    if (this.disposed) throw new KeelError('UNAVAILABLE', 'the job engine is shutting down');
    let p = this.engines.get(envId);
    if (!p) {
      p = this.create(envId);
      this.engines.set(envId, p);
      // A failed start (core database down) is tried again on the next call.
      p.catch(() => this.engines.delete(envId));
    }
    return p;
  }

  async runner(envId: string): Promise<JobRunner> {
    return (await this.engine(envId)).runner;
  }

  async status(envId: string): Promise<JobEngine> {
    const e = await this.engine(envId);
    return {
      envId,
      engine: e.bull ? 'bullmq' : 'in-process',
      coordinated: Boolean(e.bull),
      ...(e.coordination.reason && { reason: e.coordination.reason }),
      ...(e.coordination.reasonCode && { reasonCode: e.coordination.reasonCode }),
      records: e.bull ? 'core-database' : 'local-file',
      workers: e.bull ? await e.bull.workerCount() : 1,
    };
  }

  async start<K extends JobKind>(
    kind: K,
    payload: JobPayload<K> & { envId: string },
    opts: StartOptions,
  ): Promise<JobRecord> {
    await this.o.envs.get(payload.envId);
    return (await this.runner(payload.envId)).start(kind, payload, {
      ...opts,
      envId: payload.envId,
    });
  }

  async get(id: string): Promise<JobRecord> {
    const { runner } = await this.find(id);
    return runner.get(id);
  }

  async cancel(id: string): Promise<JobRecord> {
    const { runner } = await this.find(id);
    return runner.cancel(id);
  }

  async retry(id: string, opts: StartOptions): Promise<JobRecord> {
    const rec = await this.get(id);
    if (rec.state !== 'failed' && rec.state !== 'cancelled') {
      throw new KeelError(
        'CONFLICT',
        `job ${id} is ${rec.state}: only failed or cancelled jobs can be run again`,
      );
    }
    const envId = rec.envId ?? (rec.payload as { envId: string }).envId;
    return (await this.runner(envId)).start(rec.kind, rec.payload as never, {
      ...opts,
      envId,
      ...(rec.tenantId && { tenantId: rec.tenantId }),
    });
  }

  /** The job's final record; rejects when `signal` aborts or its engine is disposed. */
  async wait(id: string, signal?: AbortSignal): Promise<JobRecord> {
    const { runner } = await this.find(id);
    return runner.wait(id, signal);
  }

  async list(filter: JobFilter): Promise<JobRecord[]> {
    if (filter.envId) return (await this.runner(filter.envId)).list(filter);
    const envs = await this.o.envs.list();
    const all = await Promise.all([
      this.o.local.list(filter),
      ...envs.map(async (env) => {
        const e = await this.engine(env.id).catch(() => undefined);
        return e?.bull ? e.bull.list(filter) : [];
      }),
    ]);
    return all
      .flat()
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .slice(0, filter.limit);
  }

  /** Jobs this process is working on right now (for the tray and the agent's health). */
  async runningHere(): Promise<number> {
    let n = this.o.local.running;
    for (const p of this.engines.values())
      n += (await p.catch(() => undefined))?.bull?.running ?? 0;
    return n;
  }

  /**
   * Run `fn` for an environment each time its coordinated engine's Redis comes back after a drop,
   * and on the engine's periodic sweep: what Redis lost (a restart without data) is put back.
   */
  onReconcile(fn: (envId: string) => Promise<unknown>): Disposable {
    this.reconcilers.add(fn);
    return { dispose: () => void this.reconcilers.delete(fn) };
  }

  /** After an environment's connections changed: its engine is rebuilt on next use. */
  async reset(envId: string): Promise<void> {
    const p = this.engines.get(envId);
    this.engines.delete(envId);
    const e = await p?.catch(() => undefined);
    await e?.bull?.dispose();
  }

  /** Stop: running jobs get `graceMs` to finish before they are handed back to other workers. */
  async dispose(graceMs?: number): Promise<void> {
    this.disposed = true;
    const all = [...this.engines.values()];
    this.engines.clear();
    await Promise.all(
      all.map(async (p) => (await p.catch(() => undefined))?.bull?.dispose(graceMs)),
    );
  }

  /**
   * The engine holding job `id`. NOT_FOUND only when every place a record could be answered; an
   * unreachable core database is UNAVAILABLE (the job may well exist there).
   */
  private async find(id: string): Promise<EnvEngine> {
    const away: string[] = [];
    const has = (r: JobRunner, envId?: string): Promise<boolean> =>
      r.get(id).then(
        () => true,
        (e: unknown) => {
          if (!isKeelError(e) || e.code !== 'NOT_FOUND') away.push(`${envId}: ${String(e)}`);
          return false;
        },
      );
    if (
      await this.o.local.get(id).then(
        () => true,
        () => false,
      )
    )
      return { runner: this.o.local, coordination: {} };
    for (const env of await this.o.envs.list()) {
      const e = await this.engine(env.id).catch((err: unknown) => {
        if (coordinationOf(env).core) away.push(`${env.id}: ${String(err)}`);
        return undefined;
      });
      if (e?.bull && (await has(e.bull, env.id))) return e;
    }
    if (away.length > 0)
      throw new KeelError(
        'UNAVAILABLE',
        `job ${id} not found in the records that answered; unreachable: ${away.join('; ')}`,
        { unreachable: away },
      );
    throw new KeelError('NOT_FOUND', `no job ${id}`);
  }

  private async create(envId: string): Promise<EnvEngine> {
    const env = await this.o.envs.get(envId);
    const coordination = coordinationOf(env);
    if (!coordination.redis || !coordination.core) return { runner: this.o.local, coordination };
    const core = await this.o.registry.of('mysql', envId, coordination.core.id);
    await migrateKeelSchema(core);
    const { connection, secret } = await this.o.envs.resolve(envId, coordination.redis.id);
    const store = new MysqlJobStore(core);
    const bull = new BullmqJobRunner({
      envId,
      connect: () => bullmqConnection(connection, secret),
      store,
      bus: this.o.bus,
      logger: this.o.logger,
      settings: this.o.settings,
      reconcile: async (why) => {
        for (const fn of this.reconcilers) {
          await fn(envId).catch((err: unknown) =>
            this.o.logger.warn({ err, envId, why }, 'job engine reconcile step failed'),
          );
        }
      },
    });
    this.o.register(bull);
    try {
      if (this.o.work) await bull.startWorkers();
      if (this.o.events) bull.watchEvents();
    } catch (err) {
      // A failed start is forgotten (and tried again later): stop what it had started.
      await bull.dispose(0).catch(() => undefined);
      throw err;
    }
    this.o.logger.info(
      { envId, redis: `${connection.host}:${connection.port}` },
      'coordinated job engine started',
    );
    return { runner: bull, bull, store, coordination };
  }
}
