import type { Logger } from 'pino';
import type { Webhook } from '../../../../shared/alerts';
import { DisposableOwner, intervalTimer, MutableDisposable } from '../../lib/disposables';
import type { EventBus } from '../../lib/event-bus';
import type { EnvironmentsService } from '../environments/environments.service';
import type { MonitoringService } from '../monitoring/monitoring.service';
import { evaluate, reachability, track, trackProbe, type ConnTrack } from './evaluator';
import type { LeaderLease } from './leader';
import type { ChangeCursor } from './change-cursor';
import { defaultRules } from './defaults';
import { LocalAlerts, coreAway, type SharedSnapshot } from './local-mode';
import type { AlertStore } from './store';
import type { WebhookSender } from './webhooks';

export interface EnvCtx {
  store: AlertStore;
  lease: LeaderLease | undefined;
  /** How far this console has read the alerts, to tell other consoles' changes and announce firings. */
  cursor: ChangeCursor;
  busy: boolean;
  /** The shared state last read, to evaluate from while the core database is away. */
  snapshot?: SharedSnapshot;
  /** Ticks since the snapshot was read (a console that does not lead reads it now and then). */
  snapshotAge?: number;
}

/** A console that does not lead reads the shared state for its snapshot every this many ticks. */
const SNAPSHOT_EVERY = 6;

export interface LoopDeps {
  envs: EnvironmentsService;
  monitoring: MonitoringService;
  bus: EventBus;
  logger: Logger;
  sender: WebhookSender;
  /** An environment's storage and lease (throws while its core database is away). */
  ctx: (envId: string) => Promise<EnvCtx>;
}

/**
 * The evaluation loop: keeps what monitoring's sweeps say about each connection, and on every
 * monitoring interval evaluates each environment whose lease this console holds, writes the
 * transitions, sends webhooks, and publishes what changed in the shared state (its own writes
 * and other consoles').
 */
export class AlertsLoop extends DisposableOwner {
  /** Evaluations run and alert writes made by this console (only the leader's grow). */
  readonly stats = { evaluations: 0, writes: 0, conflicts: 0 };
  private readonly conns = new Map<string, Map<string, ConnTrack>>();
  /** The evaluation timer, from start() to dispose. */
  private readonly ticker = this._register(new MutableDisposable());
  /** Evaluation here alone while an environment's core database is away. */
  readonly local: LocalAlerts;

  constructor(private readonly d: LoopDeps) {
    super();
    this.local = this._register(new LocalAlerts(d.bus, d.logger, d.sender));
  }

  get running(): boolean {
    return this.ticker.value !== undefined;
  }

  private get intervalMs(): number {
    return this.d.monitoring.settings.intervalMs;
  }

  private get sender(): WebhookSender {
    return this.d.sender;
  }

  private ctx(envId: string): Promise<EnvCtx> {
    return this.d.ctx(envId);
  }

  /** Evaluate on every monitoring interval (where monitoring runs). */
  start(): void {
    if (this.ticker.value || this._isDisposed) return;
    this._register(
      this.d.bus.subscribe('monitoring.samples', (e) => {
        const t = this.trackOf(e.envId, e.connectionId, e.kind);
        const wasUp = t.up;
        track(t, e);
        // A store that just went down is worth an evaluation now rather than next tick.
        if (wasUp === true && t.up === false) void this.tick(e.envId);
      }),
    );
    this._register(
      this.d.bus.subscribe('health.probed', ({ latest: r }) => {
        const t = this.trackOf(r.envId, r.connectionId, r.kind);
        const before = reachability(t, Date.now(), this.intervalMs);
        // "degraded" answers (slowly): only "down" is a store that does not answer.
        trackProbe(t, r.endpoint, r.status !== 'down', Date.parse(r.at));
        const went = before.find((b) => b.endpoint === r.endpoint)?.up === true;
        if (went && r.status === 'down') void this.tick(r.envId);
      }),
    );
    this.ticker.value = intervalTimer(this.intervalMs, () => void this.tickAll());
  }

  async tickAll(): Promise<void> {
    const envs = await this.d.envs.list().catch(() => []);
    await Promise.all(envs.map((e) => this.tick(e.id)));
  }

  /** Evaluate (when leading) and publish what changed since the last tick. */
  async tick(envId: string, now = Date.now()): Promise<void> {
    let c: EnvCtx;
    try {
      c = await this.ctx(envId);
    } catch (err) {
      // The core database was away when this console first needed it: nothing read yet.
      if (coreAway(err) && this.running) await this.evaluateLocally(envId, undefined, now);
      else this.d.logger.debug({ err, envId }, 'alerts: no storage');
      return;
    }
    if (c.busy) return;
    c.busy = true;
    try {
      await this.syncConns(envId, now);
      if (this.local.since(envId) !== undefined) {
        await c.store.open(envId); // throws while the core database is still away
        await this.local.leave(envId, c.store);
      }
      // Only a console that evaluates takes the lease; one that merely reads never blocks it.
      if (this.running && (c.lease ? await c.lease.tick() : true)) {
        await this.evaluateEnv(envId, c, now);
      } else if (this.running && c.store.shared) {
        await this.refreshSnapshot(envId, c);
      }
      await this.publishChanges(envId, c);
    } catch (err) {
      if (coreAway(err) && this.running && c.store.shared) {
        await this.evaluateLocally(envId, c, now);
      } else {
        this.d.logger.warn({ err, envId }, 'alerts: evaluation failed');
      }
    } finally {
      c.busy = false;
    }
  }

  /** Evaluate from the last state read, notify here, keep the changes for the core's return. */
  private async evaluateLocally(envId: string, c: EnvCtx | undefined, now: number) {
    try {
      await this.syncConns(envId, now);
      const lease = c?.lease;
      await this.local.evaluate(
        envId,
        () => ({
          snapshot: c?.snapshot ?? {
            rules: defaultRules(envId),
            silences: [],
            webhooks: [],
            open: [],
          },
          leads: lease ? lease.ledWithin(2 * lease.ttlMs) : false,
        }),
        this.conns.get(envId) ?? new Map(),
        now,
        this.intervalMs,
      );
    } catch (err) {
      this.d.logger.warn({ err, envId }, 'alerts: local evaluation failed');
    }
  }

  /** A console that does not lead keeps a recent snapshot of the shared state too. */
  private async refreshSnapshot(envId: string, c: EnvCtx): Promise<void> {
    c.snapshotAge = (c.snapshotAge ?? SNAPSHOT_EVERY) + 1;
    if (c.snapshot && c.snapshotAge < SNAPSHOT_EVERY) return;
    const [rules, silences, open, webhooks] = await Promise.all([
      c.store.rules(envId),
      c.store.silences(envId),
      c.store.open(envId),
      c.store.webhooks(envId),
    ]);
    c.snapshot = { rules, silences, open, webhooks };
    c.snapshotAge = 0;
  }

  private trackOf(envId: string, connectionId: string, kind: ConnTrack['kind']): ConnTrack {
    let env = this.conns.get(envId);
    if (!env) this.conns.set(envId, (env = new Map()));
    let t = env.get(connectionId);
    if (!t || t.kind !== kind) {
      env.set(connectionId, (t = { kind, firstSeen: Date.now(), values: new Map() }));
    }
    return t;
  }

  /** Know every connection of the environment (a silent one too), forget removed ones. */
  private async syncConns(envId: string, now: number): Promise<void> {
    const env = await this.d.envs.get(envId);
    const map = this.conns.get(envId) ?? new Map<string, ConnTrack>();
    this.conns.set(envId, map);
    const live = new Set(env.connections.map((c) => c.id));
    for (const id of map.keys()) if (!live.has(id)) map.delete(id);
    for (const c of env.connections) {
      if (map.get(c.id)?.kind !== c.kind)
        map.set(c.id, { kind: c.kind, firstSeen: now, values: new Map() });
    }
  }

  private async evaluateEnv(envId: string, c: EnvCtx, now: number): Promise<void> {
    const [rules, silences, open] = await Promise.all([
      c.store.rules(envId),
      c.store.silences(envId),
      c.store.open(envId),
    ]);
    c.snapshotAge = (c.snapshotAge ?? SNAPSHOT_EVERY) + 1;
    const webhooks =
      c.snapshot && c.snapshotAge < SNAPSHOT_EVERY
        ? c.snapshot.webhooks
        : await c.store.webhooks(envId);
    if (!c.snapshot || c.snapshotAge >= SNAPSHOT_EVERY) c.snapshotAge = 0;
    c.snapshot = { rules, silences, open, webhooks };
    this.stats.evaluations++;
    const changes = evaluate({
      envId,
      rules,
      silences,
      open,
      conns: this.conns.get(envId) ?? new Map(),
      now,
      intervalMs: this.intervalMs,
    });
    if (!changes.length) return;
    let hooks: Webhook[] | undefined;
    for (const ch of changes) {
      const ok = ch.isNew
        ? await c.store.insert(ch.stored, ch.events)
        : await c.store.update(ch.stored, ch.events);
      if (!ok) {
        // Someone else wrote it first (a hand acknowledgement); the next tick sees their version.
        this.stats.conflicts++;
        continue;
      }
      this.stats.writes++;
      const a = ch.stored.alert;
      for (const ev of ch.events) {
        const notify =
          (ev.to === 'firing' && !a.silenced) || (ev.to === 'resolved' && a.firingAt !== null);
        if (!notify) continue;
        hooks ??= await c.store.webhooks(envId);
        this.sender.send(hooks, a, ev);
      }
    }
  }

  /** Publish `alerts.changed` and, for newly firing unsilenced alerts, `alerts.fired`. */
  private async publishChanges(envId: string, c: EnvCtx): Promise<void> {
    const { changed, fired } = c.cursor.take(await c.store.changedSince(envId, c.cursor.since));
    if (!changed.length) return;
    for (const a of fired) {
      // Written by the leader after an outage, and already notified here while it lasted.
      if (this.local.notifiedLocally(a.fingerprint, Date.parse(a.firingAt ?? ''))) continue;
      this.d.bus.publish('alerts.fired', a);
    }
    this.d.bus.publish('alerts.changed', { envId });
  }
}
