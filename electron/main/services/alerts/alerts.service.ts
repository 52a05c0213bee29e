import { join } from 'node:path';
import type { Logger } from 'pino';
import type {
  Alert,
  AlertEvent,
  AlertFilter,
  AlertRule,
  RulePreview,
  Silence,
  Webhook,
} from '../../../../shared/alerts';
import { KeelError, isKeelError } from '../../../../shared/errors';
import { DisposableOwner } from '../../lib/disposables';
import type { EventBus } from '../../lib/event-bus';
import type { ClientRegistry } from '../../stores/registry';
import type { EnvironmentsService } from '../environments/environments.service';
import { coordinationOf } from '../jobs/job.service';
import type { MonitoringService } from '../monitoring/monitoring.service';
import { migrateKeelSchema } from '../shared/keel-schema';
import { defaultRules } from './defaults';
import { AlertsLoop, type EnvCtx } from './alerts-loop';
import { applyStates } from './evaluator';
import { FileAlertStore } from './file-store';
import { LeaderLease } from './leader';
import { MysqlAlertStore } from './mysql-store';
import { ChangeCursor } from './change-cursor';
import { previewRule } from './preview-source';
import { MemoryAlertStore, type AlertStore, type HistoryRow, type StoredAlert } from './store';
import { DEFAULT_WEBHOOK_SETTINGS, WebhookSender, type WebhookSettings } from './webhooks';

export interface AlertsDeps {
  envs: EnvironmentsService;
  registry: ClientRegistry;
  monitoring: MonitoringService;
  bus: EventBus;
  logger: Logger;
  webhooks?: Partial<WebhookSettings>;
  /** Where environments without a core database keep their alerts (memory only without it). */
  userDataDir?: string;
}

/**
 * Alerts: rules and alert state in each environment's core database (this console's memory,
 * saved in the user-data directory, for an environment without one), evaluated from monitoring's sweeps by one console per team (the
 * holder of a leader lease in that core database, see leader.ts). Every console polls the
 * shared state on each tick and publishes `alerts.changed` / `alerts.fired` for what changed.
 */
export class AlertsService extends DisposableOwner {
  readonly sender: WebhookSender;
  readonly loop: AlertsLoop;
  private readonly contexts = new Map<string, Promise<EnvCtx>>();
  /** The leases of environments with a core database, for synchronous questions. */
  private readonly leases = new Map<string, LeaderLease>();
  private readonly memory: MemoryAlertStore;

  constructor(private readonly d: AlertsDeps) {
    super();
    this.memory = d.userDataDir
      ? new FileAlertStore(join(d.userDataDir, 'alerts.json'), d.logger)
      : new MemoryAlertStore();
    this.sender = this._register(
      new WebhookSender(d.logger, { ...DEFAULT_WEBHOOK_SETTINGS, ...d.webhooks }),
    );
    this.loop = this._register(
      new AlertsLoop({ ...d, sender: this.sender, ctx: (envId) => this.ctx(envId) }),
    );
  }

  /** Evaluate on every monitoring interval (where monitoring runs). */
  start(): void {
    this.loop.start();
  }

  /** Evaluations and writes of this console. */
  get stats(): AlertsLoop['stats'] {
    return this.loop.stats;
  }

  private get intervalMs(): number {
    return this.d.monitoring.settings.intervalMs;
  }

  /** After an environment's connections changed: its storage and lease are picked again. */
  async reset(envId: string): Promise<void> {
    const p = this.contexts.get(envId);
    this.contexts.delete(envId);
    this.leases.delete(envId);
    await (await p?.catch(() => undefined))?.lease?.release();
  }

  /** The loop stops, then webhook delivery (both registered); then the leases go and state is saved. */
  override async dispose(): Promise<void> {
    await super.dispose();
    const ctxs = [...this.contexts.values()];
    this.contexts.clear();
    await Promise.allSettled(ctxs.map(async (p) => (await p).lease?.release()));
    if (this.memory instanceof FileAlertStore) await this.memory.flush();
  }

  /**
   * Another console of the team leads this environment (known from the database, not guessed):
   * it also writes the metric history, so this one need not write the same series again.
   */
  otherConsoleLeads(envId: string): boolean {
    return this.leases.get(envId)?.otherLeads ?? false;
  }

  /** Whether this console holds the evaluator lease of an environment (tests, status). */
  async isLeader(envId: string): Promise<boolean> {
    const c = await this.ctx(envId);
    return c.lease ? c.lease.isLeader : true;
  }

  /**
   * Where an environment's alerts are read now: this console's own evaluation while the core
   * database is away (see local-mode.ts), else the shared store.
   */
  private async readStore(envId: string): Promise<AlertStore | undefined> {
    return this.loop.local.store(envId) ?? (await this.ctxOrNull(envId))?.store;
  }

  async list(f: AlertFilter): Promise<Alert[]> {
    if (f.envId) {
      return (this.loop.local.store(f.envId) ?? (await this.ctx(f.envId)).store).list(f);
    }
    const envs = await this.d.envs.list();
    const all = await Promise.all(
      envs.map(async (e) => (await this.readStore(e.id))?.list({ ...f, envId: e.id }) ?? []),
    );
    return all
      .flat()
      .sort((a, b) => b.startsAt.localeCompare(a.startsAt))
      .slice(0, f.limit);
  }

  async get(envId: string, id: string) {
    const local = this.loop.local.store(envId);
    const store = local && (await local.get(envId, id)) ? local : (await this.ctx(envId)).store;
    const a = await this.mustGet(store, envId, id);
    const rule = (await store.rules(envId)).find((r) => r.id === a.alert.ruleId) ?? null;
    return { alert: a.alert, history: await store.events(id), rule };
  }

  async summary() {
    const envs = await this.d.envs.list();
    const out = await Promise.all(
      envs.map(async (e) => {
        const store = await this.readStore(e.id);
        const open = store
          ? await store.list({ envId: e.id, states: ['firing', 'acknowledged'], limit: 5000 })
          : [];
        const firing = open.filter((a) => a.state === 'firing' && !a.silenced);
        const since = this.loop.local.since(e.id);
        return {
          envId: e.id,
          firing: firing.length,
          critical: firing.filter((a) => a.severity === 'critical').length,
          acknowledged: open.filter((a) => a.state === 'acknowledged').length,
          ...(since !== undefined && { localSince: new Date(since).toISOString() }),
        };
      }),
    );
    return out;
  }

  async acknowledge(
    envId: string,
    id: string,
    by: string,
    note: string,
    untilMinutes?: number,
  ): Promise<Alert> {
    return this.manual(envId, id, by, note, (a, now) => {
      if (
        a.alert.state !== 'firing' &&
        a.alert.state !== 'pending' &&
        a.alert.state !== 'acknowledged'
      ) {
        throw new KeelError('CONFLICT', `alert ${id} is ${a.alert.state}`);
      }
      const ackUntil = untilMinutes === undefined ? null : now + untilMinutes * 60_000;
      a.machine = { ...a.machine, state: 'acknowledged', since: now, ackUntil };
      a.alert.acknowledgedAt = new Date(now).toISOString();
      a.alert.acknowledgedBy = by;
      a.alert.ackNote = note;
      a.alert.ackUntil = ackUntil === null ? null : new Date(ackUntil).toISOString();
    });
  }

  async resolve(envId: string, id: string, by: string, note: string): Promise<Alert> {
    return this.manual(envId, id, by, note, (a, now) => {
      if (a.alert.state === 'resolved') throw new KeelError('CONFLICT', `alert ${id} is resolved`);
      a.machine = { ...a.machine, state: 'resolved', since: now, ackUntil: null };
    });
  }

  async history(
    envId: string,
    q: { search?: string | undefined; since?: string | undefined; limit: number },
  ): Promise<HistoryRow[]> {
    return (await this.ctx(envId)).store.searchHistory(envId, q);
  }

  async rules(envId: string): Promise<AlertRule[]> {
    return (await this.ctx(envId)).store.rules(envId);
  }

  async saveRule(rule: AlertRule): Promise<AlertRule> {
    await (await this.ctx(rule.envId)).store.saveRule(rule);
    this.changed(rule.envId);
    return rule;
  }

  async removeRule(envId: string, id: string): Promise<{ removed: boolean }> {
    const removed = await (await this.ctx(envId)).store.removeRule(envId, id);
    this.changed(envId);
    return { removed };
  }

  async previewRule(rule: AlertRule, hours: number): Promise<RulePreview> {
    return previewRule(this.d.monitoring, await this.d.envs.get(rule.envId), rule, hours);
  }

  async silences(envId: string): Promise<Silence[]> {
    return (await this.ctx(envId)).store.silences(envId);
  }

  async saveSilence(s: Silence, by: string): Promise<Silence> {
    const saved = { ...s, createdBy: s.createdBy ?? by };
    await (await this.ctx(s.envId)).store.saveSilence(saved);
    this.changed(s.envId);
    return saved;
  }

  async removeSilence(envId: string, id: string): Promise<{ removed: boolean }> {
    const removed = await (await this.ctx(envId)).store.removeSilence(envId, id);
    this.changed(envId);
    return { removed };
  }

  async webhooks(envId: string): Promise<Webhook[]> {
    return (await this.ctx(envId)).store.webhooks(envId);
  }

  async saveWebhooks(envId: string, hooks: Webhook[]): Promise<Webhook[]> {
    const ids = new Set(hooks.map((h) => h.id));
    if (ids.size !== hooks.length) throw new KeelError('VALIDATION', 'webhook ids must differ');
    // The same check as at send time (which still runs: addresses change), so a bad URL is said now.
    for (const [i, h] of hooks.entries()) {
      await this.sender.policy.validate(h.url).catch((e: Error) => {
        throw new KeelError('VALIDATION', `webhook ${h.id}: ${e.message}`, {
          issues: [{ path: ['webhooks', String(i), 'url'], message: e.message }],
        });
      });
    }
    await (await this.ctx(envId)).store.saveWebhooks(envId, hooks);
    return hooks;
  }

  private changed(envId: string): void {
    this.d.bus.publish('alerts.changed', { envId });
  }

  private async manual(
    envId: string,
    id: string,
    by: string,
    note: string,
    change: (a: StoredAlert, now: number) => void,
  ): Promise<Alert> {
    const { store } = await this.ctx(envId);
    // The evaluator may write the same alert meanwhile: read again and retry on a conflict.
    for (let attempt = 0; attempt < 5; attempt++) {
      const a = await this.mustGet(store, envId, id);
      const now = Date.now();
      const from = a.alert.state;
      change(a, now);
      applyStates(a.alert, a.machine, now);
      a.alert.updatedAt = new Date(now).toISOString();
      const ev: AlertEvent = {
        alertId: id,
        at: a.alert.updatedAt,
        from,
        to: a.alert.state,
        by,
        note,
        value: a.alert.value,
      };
      if (await store.update(a, [ev])) {
        this.changed(envId);
        return a.alert;
      }
    }
    throw new KeelError('CONFLICT', `alert ${id} keeps changing; try again`);
  }

  private async mustGet(store: AlertStore, envId: string, id: string): Promise<StoredAlert> {
    const a = await store.get(envId, id);
    if (!a) throw new KeelError('NOT_FOUND', `no alert "${id}" in ${envId}`);
    return a;
  }

  private async ctxOrNull(envId: string): Promise<EnvCtx | null> {
    try {
      return await this.ctx(envId);
    } catch (e) {
      if (isKeelError(e)) return null;
      throw e;
    }
  }

  private ctx(envId: string): Promise<EnvCtx> {
    let p = this.contexts.get(envId);
    if (!p) {
      p = this.createCtx(envId);
      this.contexts.set(envId, p);
      // A core database that is down is tried again on the next call.
      p.catch(() => this.contexts.delete(envId));
    }
    return p;
  }

  private async createCtx(envId: string): Promise<EnvCtx> {
    const env = await this.d.envs.get(envId);
    const { core } = coordinationOf(env);
    let store: AlertStore = this.memory;
    let lease: LeaderLease | undefined;
    if (core) {
      const mysql = await this.d.registry.of('mysql', envId, core.id);
      await migrateKeelSchema(mysql);
      store = new MysqlAlertStore(mysql);
      lease = new LeaderLease(mysql, envId, Math.max(3 * this.intervalMs, 3000));
      this.leases.set(envId, lease);
    }
    // Before the lease: its row is written with the defaults.
    await store.ensureDefaults(envId, defaultRules(envId));
    return { store, lease, cursor: new ChangeCursor(Date.now()), busy: false };
  }
}
