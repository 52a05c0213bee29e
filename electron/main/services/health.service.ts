import type { Logger } from 'pino';
import type { Connection, ConnectionSecret } from '../../../shared/models/environment';
import type { HealthEntry, HealthSnapshot, ProbeResult } from '../../../shared/models/health';
import { DisposableOwner, MutableDisposable, timeoutTimer } from '../lib/disposables';
import type { EventBus } from '../lib/event-bus';
import { plainError } from '../stores/errors';
import { createStoreClient, type ClientRegistry } from '../stores/registry';
import { addressOf, type EndpointName, type StoreClient } from '../stores/types';
import type { EnvironmentsService } from './environments/environments.service';

const HISTORY = 30;
/** Above this round trip a store counts as degraded. */
const SLOW_MS = 1000;
/** Replicas further behind than this count as degraded. */
const LAG_DEGRADED_SEC = 60;

interface Target {
  envId: string;
  connection: Connection;
  endpoint: EndpointName;
}

const keyOf = (t: { envId: string; connectionId: string; endpoint: string }): string =>
  `${t.envId}/${t.connectionId}/${t.endpoint}`;

/**
 * Probes every endpoint of every environment on a schedule and on demand, keeps the latest result
 * with a short latency history, and publishes each probe on `health.probed`. An endpoint's probe
 * never overlaps itself; a probe's time-out is shorter than the interval, so a dead store shows as
 * down within two intervals.
 */
export class HealthService extends DisposableOwner {
  private readonly entries = new Map<string, HealthEntry>();
  private readonly inFlight = new Map<string, Promise<ProbeResult>>();
  /** The next scheduled sweep; re-armed after each one, gone on dispose. */
  private readonly next = this._register(new MutableDisposable());

  constructor(
    private readonly envs: EnvironmentsService,
    private readonly registry: ClientRegistry,
    private readonly bus: EventBus,
    private readonly logger: Logger,
    private intervalMs: number,
  ) {
    super();
  }

  /** Start the schedule (the first sweep runs at once). */
  start(): void {
    void this.tick();
  }

  setInterval(ms: number): void {
    this.intervalMs = ms;
    if (this.next.value) this.schedule();
  }

  snapshot(envId?: string): HealthSnapshot {
    const entries = [...this.entries.values()].filter((e) => !envId || e.latest.envId === envId);
    return { intervalMs: this.intervalMs, entries };
  }

  /** Probe one connection (both endpoints) or all of an environment, now. */
  async probe(envId: string, connectionId?: string): Promise<ProbeResult[]> {
    const targets = (await this.targets(envId)).filter(
      (t) => !connectionId || t.connection.id === connectionId,
    );
    if (connectionId && targets.length === 0) {
      await this.envs.resolve(envId, connectionId); // throws NOT_FOUND with a clear message
    }
    return Promise.all(targets.map((t) => this.probeTarget(t)));
  }

  /**
   * After an environment changed: forget endpoints that are gone and probe the rest at once, so a
   * saved connection shows up without waiting for the next scheduled sweep.
   */
  async refresh(envId: string): Promise<void> {
    const targets = await this.targets(envId);
    const live = new Set(
      targets.map((t) => keyOf({ envId, connectionId: t.connection.id, endpoint: t.endpoint })),
    );
    for (const k of this.entries.keys())
      if (k.startsWith(`${envId}/`) && !live.has(k)) this.entries.delete(k);
    await Promise.all(targets.map((t) => this.probeTarget(t)));
  }

  /** Probe unsaved settings with a throw-away client. */
  async test(
    envId: string,
    connection: Connection,
    secret: ConnectionSecret | undefined,
  ): Promise<ProbeResult> {
    const client = createStoreClient({ connection, secret });
    try {
      return await this.runProbe(client, { envId, connection, endpoint: 'primary' });
    } finally {
      await client.close();
    }
  }

  /** Every endpoint of an environment (or of all environments). */
  async targets(envId?: string): Promise<Target[]> {
    const list = await this.envs.list();
    return list
      .filter((e) => !envId || e.id === envId)
      .flatMap((e) =>
        e.connections.flatMap((connection) => {
          const t: Target[] = [{ envId: e.id, connection, endpoint: 'primary' }];
          const replicated = connection.kind === 'mysql' || connection.kind === 'mongodb';
          if (connection.replica && replicated)
            t.push({ envId: e.id, connection, endpoint: 'replica' });
          return t;
        }),
      );
  }

  probeTarget(t: Target): Promise<ProbeResult> {
    const key = keyOf({ envId: t.envId, connectionId: t.connection.id, endpoint: t.endpoint });
    const running = this.inFlight.get(key);
    if (running) return running;
    const p = this.registry
      .get(t.envId, t.connection.id)
      .then(
        (client) => this.runProbe(client, t),
        (e: unknown) => this.down(t, e), // e.g. its secret cannot be read
      )
      .then((r) => this.record(r, t))
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, p);
    return p;
  }

  private async tick(): Promise<void> {
    try {
      const targets = await this.targets();
      // Forget endpoints that no longer exist.
      const live = new Set(
        targets.map((t) =>
          keyOf({ envId: t.envId, connectionId: t.connection.id, endpoint: t.endpoint }),
        ),
      );
      for (const k of this.entries.keys()) if (!live.has(k)) this.entries.delete(k);
      await Promise.all(targets.map((t) => this.probeTarget(t)));
    } catch (e) {
      this.logger.warn({ err: e }, 'health sweep failed');
    } finally {
      // After dispose the slot closes a new timer at once: a sweep in flight schedules nothing.
      this.schedule();
    }
  }

  private schedule(): void {
    this.next.value = timeoutTimer(this.intervalMs, () => void this.tick());
  }

  private base(t: Target) {
    const c = t.connection;
    const address = addressOf(t.endpoint === 'replica' && c.replica ? c.replica : c);
    return {
      envId: t.envId,
      connectionId: c.id,
      endpoint: t.endpoint,
      kind: c.kind,
      name: c.name,
      role: c.role,
      address,
    };
  }

  private down(t: Target, e: unknown): ProbeResult {
    const base = this.base(t);
    const ctx = { kind: t.connection.kind, address: base.address, tls: t.connection.tls.enabled };
    return { ...base, at: new Date().toISOString(), status: 'down', error: plainError(e, ctx) };
  }

  private async runProbe(client: StoreClient, t: Target): Promise<ProbeResult> {
    const c = t.connection;
    const base = this.base(t);
    const at = new Date().toISOString();
    try {
      const f = await client.probe(t.endpoint, {
        timeoutMs: Math.min(c.timeouts.connectMs + 2000, this.intervalMs),
      });
      const lag = f.replicationLagSec;
      const degraded =
        f.latencyMs > SLOW_MS || lag === null || (lag !== undefined && lag > LAG_DEGRADED_SEC);
      return {
        ...base,
        at,
        status: degraded ? 'degraded' : 'up',
        latencyMs: Math.round(f.latencyMs * 100) / 100,
        ...(f.version !== undefined && { version: f.version }),
        ...(f.serverRole !== undefined && { serverRole: f.serverRole }),
        ...(f.uptimeSec !== undefined && { uptimeSec: f.uptimeSec }),
        ...(lag !== undefined && { replicationLagSec: lag }),
      };
    } catch (e) {
      return this.down(t, e);
    }
  }

  private record(r: ProbeResult, t: Target): ProbeResult {
    const key = keyOf(r);
    const prev = this.entries.get(key);
    const history = [...(prev?.history ?? []), { at: r.at, latencyMs: r.latencyMs ?? null }].slice(
      -HISTORY,
    );
    const client = this.registry
      .open()
      .find((o) => o.envId === t.envId && o.client.connection.id === t.connection.id)?.client;
    const lastError = r.error ? { ...r.error, at: r.at } : prev?.lastError;
    const entry: HealthEntry = {
      latest: r,
      history,
      pool: client ? client.stats() : null,
      breaker: client?.breakerState ?? 'closed',
      ...(lastError && { lastError }),
    };
    this.entries.set(key, entry);
    if (prev?.latest.status !== r.status) {
      const where = {
        envId: r.envId,
        connectionId: r.connectionId,
        endpoint: r.endpoint,
        address: r.address,
      };
      if (r.status === 'down')
        this.logger.warn(
          { ...where, code: r.error?.code },
          `store down: ${r.error?.message ?? ''}`,
        );
      else
        this.logger.info({ ...where, from: prev?.latest.status ?? 'unknown' }, `store ${r.status}`);
    }
    this.bus.publish('health.probed', entry);
    return r;
  }
}
