import type { Logger } from 'pino';
import type { Webhook } from '../../../../shared/alerts';
import type { Disposable } from '../../lib/disposables';
import type { EventBus } from '../../lib/event-bus';
import type { EnvironmentsService } from '../environments/environments.service';
import type { MonitoringService } from '../monitoring/monitoring.service';
import { evaluate, track, type ConnTrack } from './evaluator';
import type { LeaderLease } from './leader';
import type { AlertStore } from './store';
import type { WebhookSender } from './webhooks';

export interface EnvCtx {
  store: AlertStore;
  lease: LeaderLease | undefined;
  /** Newest `updatedAt` seen (epoch ms), to tell other consoles' changes. */
  seenUpTo: number;
  busy: boolean;
}

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
export class AlertsLoop implements Disposable {
  /** Evaluations run and alert writes made by this console (only the leader's grow). */
  readonly stats = { evaluations: 0, writes: 0, conflicts: 0 };
  private readonly conns = new Map<string, Map<string, ConnTrack>>();
  private readonly subs: Disposable[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly d: LoopDeps) {}

  get running(): boolean {
    return this.timer !== undefined;
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

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const s of this.subs.splice(0)) void s.dispose();
  }

  /** Evaluate on every monitoring interval (where monitoring runs). */
  start(): void {
    if (this.timer) return;
    this.subs.push(
      this.d.bus.subscribe('monitoring.samples', (e) => {
        const t = this.trackOf(e.envId, e.connectionId, e.kind);
        const wasUp = t.up;
        track(t, e);
        // A store that just went down is worth an evaluation now rather than next tick.
        if (wasUp === true && t.up === false) void this.tick(e.envId);
      }),
    );
    this.timer = setInterval(() => void this.tickAll(), this.intervalMs);
    this.timer.unref?.();
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
      this.d.logger.debug({ err, envId }, 'alerts: no storage');
      return;
    }
    if (c.busy) return;
    c.busy = true;
    try {
      await this.syncConns(envId, now);
      // Only a console that evaluates takes the lease; one that merely reads never blocks it.
      if (this.timer && (c.lease ? await c.lease.tick() : true)) {
        await this.evaluateEnv(envId, c, now);
      }
      await this.publishChanges(envId, c);
    } catch (err) {
      this.d.logger.warn({ err, envId }, 'alerts: evaluation failed');
    } finally {
      c.busy = false;
    }
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
    const changed = await c.store.changedSince(envId, c.seenUpTo);
    if (!changed.length) return;
    for (const a of changed) {
      const firingAt = a.firingAt ? Date.parse(a.firingAt) : 0;
      if (a.state === 'firing' && !a.silenced && firingAt > c.seenUpTo) {
        this.d.bus.publish('alerts.fired', a);
      }
      c.seenUpTo = Math.max(c.seenUpTo, Date.parse(a.updatedAt));
    }
    this.d.bus.publish('alerts.changed', { envId });
  }
}
