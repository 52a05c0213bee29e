import type { Logger } from 'pino';
import { KeelError, isKeelError } from '../../../../shared/errors';
import {
  MAX_EVENT_POINTS,
  METRICS,
  type MonitoringLatest,
  type MonitoringStats,
  type Sample,
  type SeriesInput,
  type SeriesResult,
  type SweepInfo,
  type TenantActivity,
} from '../../../../shared/monitoring';
import type { Disposable } from '../../lib/disposables';
import type { EventBus } from '../../lib/event-bus';
import type { ClientRegistry } from '../../stores/registry';
import type { EnvironmentsService } from '../environments/environments.service';
import { BlueprintLoader } from '../tenants/blueprints';
import { collect, type CollectContext } from './collectors/index';
import { ConnectionMonitor, samplesEvent } from './connection-monitor';
import { History, historyTarget } from './history';
import { MemoryWindow } from './memory-window';
import type { SampleWriterOptions } from './sample-writer';
import { DEFAULT_MONITORING_SETTINGS, type MonitoringSettings } from './settings';
import { ActivityCache, readTenantActivity } from './tenant-activity';

/** Store kinds whose collectors have a slow part (sizes, partitions). */
const SLOW_KINDS = new Set(['mysql', 'mongodb']);

export { DEFAULT_MONITORING_SETTINGS, type MonitoringSettings } from './settings';

interface EnvState {
  conns: Map<string, ConnectionMonitor>;
  history: History | undefined;
}

export interface MonitoringDeps {
  envs: EnvironmentsService;
  registry: ClientRegistry;
  bus: EventBus;
  logger: Logger;
  settings?: Partial<MonitoringSettings>;
  blueprints?: BlueprintLoader;
}

/**
 * Reads every connection's metrics on an interval (a sweep per connection that never overlaps
 * itself and has a time-out), keeps the last minutes in memory for live charts, publishes each
 * sweep on `monitoring.samples`, and writes samples to the environment's InfluxDB in batches,
 * buffering them while it is away.
 */
export class MonitoringService implements Disposable {
  readonly settings: MonitoringSettings;
  readonly memory: MemoryWindow;
  private readonly envStates = new Map<string, EnvState>();
  private readonly syncing = new Map<string, Promise<EnvState | undefined>>();
  private readonly blueprints: BlueprintLoader;
  /** Tenant activity per environment, read at most once per slow cadence. */
  private readonly activity = new ActivityCache();
  private running = false;
  /** Whether this console writes an environment's history (set by the composition root). */
  private writesHistory: (envId: string) => boolean = () => true;

  constructor(private readonly d: MonitoringDeps) {
    this.settings = { ...DEFAULT_MONITORING_SETTINGS, ...d.settings };
    this.blueprints = d.blueprints ?? new BlueprintLoader();
    const s = this.settings;
    this.memory = new MemoryWindow({
      windowMs: s.windowMinutes * 60_000,
      maxPointsPerSeries: Math.ceil((s.windowMinutes * 60_000) / s.intervalMs) + 2,
    });
  }

  /** Decide per environment whether this console's samples go to the history (one writer per team). */
  setHistoryWriter(writes: (envId: string) => boolean): void {
    this.writesHistory = writes;
  }

  /** Start sweeping every connection of every environment. */
  async start(): Promise<void> {
    this.running = true;
    for (const env of await this.d.envs.list()) await this.sync(env.id);
  }

  /** Pick up an environment's changes: new, changed and removed connections, its InfluxDB. */
  sync(envId: string): Promise<EnvState | undefined> {
    const prev = this.syncing.get(envId) ?? Promise.resolve(undefined);
    const next = prev
      .catch(() => undefined)
      .then(() => this.doSync(envId))
      .finally(() => {
        if (this.syncing.get(envId) === next) this.syncing.delete(envId);
      });
    this.syncing.set(envId, next);
    return next;
  }

  /** Sweep every connection of an environment now (joining sweeps already running). */
  async collectNow(envId: string): Promise<Sample[]> {
    const state = await this.state(envId);
    const done = await Promise.all([...state.conns.values()].map((c) => this.sweep(c)));
    return done.flat();
  }

  async latest(envId: string, connectionId?: string): Promise<MonitoringLatest> {
    const state = await this.state(envId);
    const conns = [...state.conns.values()].filter(
      (c) => connectionId === undefined || c.connection.id === connectionId,
    );
    if (connectionId !== undefined && conns.length === 0) {
      throw new KeelError('NOT_FOUND', `no connection "${connectionId}" in ${envId}`);
    }
    return { envId, connections: conns.map((c) => c.view()) };
  }

  async series(q: SeriesInput): Promise<SeriesResult> {
    const state = await this.state(q.envId);
    const conn = state.conns.get(q.connectionId);
    if (!conn) throw new KeelError('NOT_FOUND', `no connection "${q.connectionId}" in ${q.envId}`);
    const base = { metric: q.metric, unit: METRICS[q.metric].unit, stepSec: q.stepSec };
    const inMemory = this.memory.covers(Math.max(q.from, 0)) && q.from >= conn.startedAt;
    const history = state.history;
    let note: string | undefined;
    if (q.source === 'influxdb' || (q.source === 'auto' && !inMemory)) {
      if (history) {
        try {
          return { ...base, source: 'influxdb', series: await history.series(q) };
        } catch (e) {
          if (q.source === 'influxdb') throw e;
          note = `InfluxDB unavailable (${(e as Error).message}); showing the memory window`;
        }
      } else if (q.source === 'influxdb') {
        throw new KeelError('PRECONDITION_FAILED', `environment ${q.envId} has no InfluxDB`);
      } else {
        note = 'no InfluxDB in this environment: only the last minutes are kept, in memory';
      }
    }
    const series = this.memory.series(
      q.envId,
      q.connectionId,
      q.metric,
      q.from,
      q.to,
      q.stepSec,
      q.tags,
    );
    return { ...base, source: 'memory', ...(note && { note }), series };
  }

  async stats(envId: string): Promise<MonitoringStats> {
    const state = await this.state(envId);
    const h = state.history;
    return {
      envId,
      running: this.running,
      intervalMs: this.settings.intervalMs,
      connections: state.conns.size,
      history: h
        ? {
            connectionId: h.target.connectionId,
            database: h.target.database,
            retentionDays: h.target.retentionDays,
            writer: h.writer.stats(),
          }
        : null,
      memory: { windowMinutes: this.settings.windowMinutes, ...this.memory.stats(envId) },
    };
  }

  /**
   * Tenants by activity per shard. Reads the whole environment at most once per slow cadence
   * (intervalMs × slowEvery) and serves the cached read in between; `refresh` reads now.
   */
  async tenantActivity(
    envId: string,
    connectionId?: string,
    refresh = false,
  ): Promise<TenantActivity> {
    const ttl = this.settings.intervalMs * this.settings.slowEvery;
    const all = await this.activity.get(envId, ttl, refresh, () => this.readActivity(envId));
    if (connectionId === undefined) return all;
    if (!all.shards.some((s) => s.connectionId === connectionId)) {
      throw new KeelError(
        'NOT_FOUND',
        `connection "${connectionId}" holds no shared business tables`,
      );
    }
    return { ...all, shards: all.shards.filter((s) => s.connectionId === connectionId) };
  }

  private async readActivity(envId: string): Promise<TenantActivity> {
    const env = await this.d.envs.get(envId);
    const { blueprint } = await this.blueprints.load(env.blueprint);
    const reg = this.d.registry;
    return readTenantActivity(
      env,
      blueprint,
      {
        mysql: (id) => reg.of('mysql', envId, id),
        redis: (id) => reg.of('redis', envId, id),
      },
      { timeoutMs: Math.max(5000, this.settings.timeoutMs ?? 0) },
      new Date(),
    );
  }

  /** Stop sweeping (running sweeps finish); history writers keep writing what they hold. */
  async stop(): Promise<void> {
    this.running = false;
    const conns = [...this.envStates.values()].flatMap((s) => [...s.conns.values()]);
    for (const c of conns) c.stop();
    await Promise.allSettled(conns.map((c) => c.idle()));
  }

  /** Write an environment's buffered samples now; false if InfluxDB did not take them in time. */
  async flush(envId: string, timeoutMs = 10_000): Promise<boolean> {
    return (await this.state(envId)).history?.writer.drain(timeoutMs) ?? true;
  }

  async dispose(): Promise<void> {
    await this.stop();
    const states = [...this.envStates.values()];
    this.envStates.clear();
    await Promise.allSettled(states.map((s) => s.history?.dispose()));
  }

  private async state(envId: string): Promise<EnvState> {
    const s = this.envStates.get(envId) ?? (await this.sync(envId));
    if (!s) throw new KeelError('NOT_FOUND', `no environment "${envId}"`);
    return s;
  }

  private async doSync(envId: string): Promise<EnvState | undefined> {
    let env;
    try {
      env = await this.d.envs.get(envId);
    } catch (e) {
      if (!(isKeelError(e) && e.code === 'NOT_FOUND')) throw e;
      await this.drop(envId);
      return undefined;
    }
    let state = this.envStates.get(envId);
    if (!state) this.envStates.set(envId, (state = { conns: new Map(), history: undefined }));
    // History first: the first sweeps of new connections must find their writer.
    const target = await historyTarget(env, this.blueprints, this.d.logger);
    if (target?.fingerprint !== state.history?.target.fingerprint) {
      const old = state.history;
      state.history = target
        ? new History(target, this.d.registry, this.d.logger, this.writerOptions(state))
        : undefined;
      // The old writer gets a moment to hand over what it holds.
      void old?.dispose().catch(() => undefined);
    }
    const live = new Set(env.connections.map((c) => c.id));
    for (const [id, c] of state.conns) {
      if (live.has(id)) continue;
      c.stop();
      state.conns.delete(id);
      this.memory.forget(envId, id);
    }
    for (const connection of env.connections) {
      const had = state.conns.get(connection.id);
      if (had?.same(connection)) {
        if (this.running) had.start();
        continue;
      }
      had?.stop();
      const c = new ConnectionMonitor(
        envId,
        connection,
        this.settings,
        (m) => this.sweep(m),
        this.d.logger,
      );
      state.conns.set(connection.id, c);
      if (this.running) c.start();
    }
    return state;
  }

  private async drop(envId: string): Promise<void> {
    const s = this.envStates.get(envId);
    if (!s) return;
    this.envStates.delete(envId);
    this.activity.forget(envId);
    for (const c of s.conns.values()) c.stop();
    this.memory.forget(envId);
    await s.history?.dispose();
  }

  private writerOptions(state: EnvState): SampleWriterOptions {
    const s = this.settings;
    return {
      batchSize: s.batchSize,
      flushMs: s.flushMs,
      maxInFlight: s.maxInFlight,
      capacity: s.bufferSamples ?? this.neededCapacity(state),
    };
  }

  /**
   * Samples the buffer must hold to ride out `bufferMinutes` of InfluxDB being away at the
   * current rate: each connection's samples per sweep (learned, or a guess before its first).
   */
  private neededCapacity(state: EnvState): number {
    const s = this.settings;
    const sweeps = (s.bufferMinutes * 60_000) / s.intervalMs;
    let perSweep = 0;
    for (const c of state.conns.values()) perSweep += c.samplesPerSweep;
    return Math.max(s.minBufferSamples, Math.ceil(perSweep * sweeps));
  }

  /**
   * One sweep of one connection; joins the running one instead of overlapping it. On the slow
   * cadence it also starts the slow read (sizes, partitions) beside it, which never delays it.
   */
  private sweep(c: ConnectionMonitor): Promise<Sample[]> {
    const read = (ctx: CollectContext) => collect(this.d.registry, c.envId, c.connection, ctx);
    if (SLOW_KINDS.has(c.connection.kind) && c.slowDue) {
      void c
        .collectSlow(read)
        .then((r) => r && this.keep(c, r.samples, r.info, 'slow'))
        .catch((err: unknown) => this.d.logger.error({ err }, 'monitoring slow read crashed'));
    }
    return c.runExclusive(async () => {
      const { samples, info } = await c.collectOnce(read);
      this.keep(c, samples, info);
      return samples;
    });
  }

  /**
   * Samples another service derives for a connection (partition runway from maintenance's
   * discovery): into the live window, the history (one writer per team) and a
   * `monitoring.samples` event of part `partitions`, which says nothing about reachability.
   */
  ingest(envId: string, connectionId: string, samples: Sample[]): void {
    const state = this.envStates.get(envId);
    const c = state?.conns.get(connectionId);
    const first = samples[0];
    if (!state || !c || !first) return;
    this.memory.record(samples);
    if (state.history && this.writesHistory(envId)) state.history.writer.add(samples);
    this.d.bus.publish('monitoring.samples', {
      envId,
      connectionId,
      kind: c.connection.kind,
      at: first.at,
      durationMs: 0,
      part: 'partitions',
      points: samples
        .slice(0, MAX_EVENT_POINTS)
        .map((x) => ({ metric: x.metric, value: x.value, ...(x.tags && { tags: x.tags }) })),
      omitted: Math.max(0, samples.length - MAX_EVENT_POINTS),
    });
  }

  /** Keep a read's samples: live window, history (one writer per team), the samples event. */
  private keep(c: ConnectionMonitor, samples: Sample[], info: SweepInfo, part?: 'slow'): void {
    const state = this.envStates.get(c.envId);
    // Removed or replaced while it ran: its samples belong to nobody now.
    if (state?.conns.get(c.connection.id) !== c) return;
    this.memory.record(samples);
    const history = state.history;
    // One console of the team writes the history (the alert evaluator's lease holder); the
    // others keep their live window only, so series are not written twice.
    if (history && this.writesHistory(c.envId)) {
      history.writer.add(samples);
      if (this.settings.bufferSamples === undefined) {
        const need = this.neededCapacity(state);
        if (need > history.writer.stats().capacity) history.writer.setCapacity(need);
      }
    }
    this.d.bus.publish('monitoring.samples', samplesEvent(c, info, samples, part));
  }
}
