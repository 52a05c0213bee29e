import type { Logger } from 'pino';
import type { AlertEvent, AlertRule, Silence, Webhook } from '../../../../shared/alerts';
import { isKeelError } from '../../../../shared/errors';
import type { EventBus } from '../../lib/event-bus';
import { evaluate, type ConnTrack } from './evaluator';
import { MemoryAlertStore, type AlertStore, type StoredAlert } from './store';
import type { WebhookSender } from './webhooks';

/** What a console last read of an environment's shared alert state, to carry on without it. */
export interface SharedSnapshot {
  rules: AlertRule[];
  silences: Silence[];
  webhooks: Webhook[];
  open: StoredAlert[];
}

/** Codes that mean "the core database is away", as opposed to a refusal or a bug. */
const AWAY = new Set(['CONN_REFUSED', 'HOST_NOT_FOUND', 'TIMEOUT', 'UNAVAILABLE']);

export const coreAway = (e: unknown): boolean => isKeelError(e) && AWAY.has(e.code);

class LocalStore extends MemoryAlertStore {
  seed(a: StoredAlert): void {
    this.alerts.set(a.alert.id, structuredClone(a));
  }
}

interface LocalEnv {
  since: number;
  store: LocalStore;
  snapshot: SharedSnapshot;
  /** This console led the environment when the core database went away: it writes the outbox. */
  leads: boolean;
  /** Alerts changed here, in order: the version the shared store had (none: new) and the events. */
  outbox: Map<string, { base: number | undefined; events: AlertEvent[] }>;
}

/**
 * Alerts while an environment's core database — where rules, alert state and the evaluator lease
 * live — cannot be reached. Each console evaluates on its own from the last state it read (the
 * seeds' default rules if it never read any), so its operator is still notified (desktop, tray,
 * the console's banner), and the console that led when the database went away also sends the
 * webhooks it knew and keeps every change in an outbox it writes when the database returns. The
 * others' local alerts are theirs alone and are dropped then: the leader's are the record.
 */
export class LocalAlerts {
  private readonly envs = new Map<string, LocalEnv>();
  /** Fingerprints notified while local, so the shared copy written later is not notified again. */
  private readonly notified = new Map<string, number>();

  constructor(
    private readonly bus: EventBus,
    private readonly logger: Logger,
    private readonly sender: WebhookSender,
  ) {}

  /** Since when an environment's alerts have been evaluated here only (epoch ms). */
  since(envId: string): number | undefined {
    return this.envs.get(envId)?.since;
  }

  /** The local store of an environment evaluated here only. */
  store(envId: string): AlertStore | undefined {
    return this.envs.get(envId)?.store;
  }

  /** Whether a firing alert was already notified here while local (its fingerprint, since). */
  notifiedLocally(fingerprint: string, firingAt: number): boolean {
    const at = this.notified.get(fingerprint);
    return at !== undefined && firingAt <= at + 60_000;
  }

  /** One local evaluation; enters local mode first if needed. */
  async evaluate(
    envId: string,
    enter: () => { snapshot: SharedSnapshot; leads: boolean },
    conns: ReadonlyMap<string, ConnTrack>,
    now: number,
    intervalMs: number,
  ): Promise<void> {
    let l = this.envs.get(envId);
    if (!l) {
      const { snapshot, leads } = enter();
      const store = new LocalStore();
      for (const a of snapshot.open) store.seed(a);
      l = { since: now, store, snapshot, leads, outbox: new Map() };
      this.envs.set(envId, l);
      this.logger.warn(
        { envId, leads },
        'alerts: the core database is away; evaluating here until it returns',
      );
    }
    const { rules, silences, webhooks } = l.snapshot;
    const changes = evaluate({
      envId,
      rules,
      silences,
      open: await l.store.open(envId),
      conns,
      now,
      intervalMs,
    });
    for (const ch of changes) {
      const ok = ch.isNew
        ? await l.store.insert(ch.stored, ch.events)
        : await l.store.update(ch.stored, ch.events);
      if (!ok) continue;
      const a = ch.stored.alert;
      const entry = l.outbox.get(a.id) ?? {
        base: ch.isNew ? undefined : ch.stored.version,
        events: [],
      };
      entry.events.push(...ch.events);
      l.outbox.set(a.id, entry);
      for (const ev of ch.events) {
        if (ev.to === 'firing' && !a.silenced) {
          this.notified.set(a.fingerprint, now);
          this.bus.publish('alerts.fired', a);
        }
        const notify =
          (ev.to === 'firing' && !a.silenced) || (ev.to === 'resolved' && a.firingAt !== null);
        if (notify && l.leads) this.sender.send(webhooks, a, ev);
      }
    }
    if (changes.length) this.bus.publish('alerts.changed', { envId });
  }

  /**
   * The core database is back: the console that led writes what changed here (each alert's last
   * state and all its events), the others drop theirs. Returns when local mode began, if it did.
   * A write that fails leaves the rest for the next call.
   */
  async leave(envId: string, shared: AlertStore): Promise<number | undefined> {
    const l = this.envs.get(envId);
    if (!l) return undefined;
    if (l.leads) {
      let written = 0;
      let conflicts = 0;
      for (const [id, entry] of l.outbox) {
        const a = await l.store.get(envId, id);
        if (a) {
          const ok =
            entry.base === undefined
              ? await shared.insert(a, entry.events)
              : await shared.update({ ...a, version: entry.base }, entry.events);
          if (ok) written++;
          else conflicts++;
        }
        l.outbox.delete(id);
      }
      this.logger.info(
        { envId, written, conflicts, awayMs: Date.now() - l.since },
        'alerts: the core database is back; wrote what was evaluated while it was away',
      );
    }
    this.envs.delete(envId);
    this.bus.publish('alerts.changed', { envId });
    return l.since;
  }

  dispose(): void {
    this.envs.clear();
    this.notified.clear();
  }
}
