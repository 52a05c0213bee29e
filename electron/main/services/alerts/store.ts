import type {
  Alert,
  AlertEvent,
  AlertFilter,
  AlertRule,
  Silence,
  Webhook,
} from '../../../../shared/alerts';
import type { MachineState } from './machine';

/** An alert with the evaluator's state and an optimistic-lock version. */
export interface StoredAlert {
  alert: Alert;
  machine: MachineState;
  version: number;
}

export interface HistoryRow extends AlertEvent {
  ruleName: string;
  labels: Record<string, string>;
}

/**
 * Where rules and alert state live: the environment's core database (shared by the team) or,
 * for an environment without one, this process's memory.
 */
export interface AlertStore {
  readonly shared: boolean;
  /** Write the default rules once per environment (later edits and deletions stick). */
  ensureDefaults(envId: string, rules: AlertRule[]): Promise<void>;
  rules(envId: string): Promise<AlertRule[]>;
  saveRule(rule: AlertRule): Promise<void>;
  removeRule(envId: string, id: string): Promise<boolean>;
  silences(envId: string): Promise<Silence[]>;
  saveSilence(s: Silence): Promise<void>;
  removeSilence(envId: string, id: string): Promise<boolean>;
  webhooks(envId: string): Promise<Webhook[]>;
  saveWebhooks(envId: string, hooks: Webhook[]): Promise<void>;
  /** Alerts not resolved yet. */
  open(envId: string): Promise<StoredAlert[]>;
  /** Insert a new alert; false when an open one has the same fingerprint. */
  insert(a: StoredAlert, events: AlertEvent[]): Promise<boolean>;
  /** Update if still at `a.version` (then stored as version + 1); false when someone got there first. */
  update(a: StoredAlert, events: AlertEvent[]): Promise<boolean>;
  get(envId: string, id: string): Promise<StoredAlert | undefined>;
  list(filter: AlertFilter): Promise<Alert[]>;
  /** Alerts of an environment changed at or after `sinceMs` (epoch ms; see ChangeCursor). */
  changedSince(envId: string, sinceMs: number): Promise<Alert[]>;
  events(alertId: string): Promise<AlertEvent[]>;
  searchHistory(
    envId: string,
    q: { search?: string | undefined; since?: string | undefined; limit: number },
  ): Promise<HistoryRow[]>;
}

/** Text an alert is found by: rule name, summary, label values. */
export const searchText = (a: Alert): string =>
  [a.ruleName, a.summary, ...Object.values(a.labels)].join(' ').toLowerCase();

export function matchesFilter(a: Alert, f: AlertFilter): boolean {
  if (f.envId && a.envId !== f.envId) return false;
  if (f.states && !f.states.includes(a.state)) return false;
  if (f.severity && a.severity !== f.severity) return false;
  if (f.search && !searchText(a).includes(f.search.toLowerCase())) return false;
  return true;
}

/** For environments without a core database: state lives in this process (see file-store.ts). */
export class MemoryAlertStore implements AlertStore {
  readonly shared = false;
  protected readonly defaulted = new Set<string>();
  protected readonly ruleMap = new Map<string, AlertRule>();
  protected readonly silenceMap = new Map<string, Silence>();
  protected readonly hooks = new Map<string, Webhook[]>();
  protected readonly alerts = new Map<string, StoredAlert>();
  protected readonly log: Array<AlertEvent & { envId: string }> = [];

  ensureDefaults(envId: string, rules: AlertRule[]): Promise<void> {
    if (!this.defaulted.has(envId)) {
      this.defaulted.add(envId);
      for (const r of rules) this.ruleMap.set(`${envId}/${r.id}`, r);
    }
    return Promise.resolve();
  }
  rules(envId: string): Promise<AlertRule[]> {
    return Promise.resolve([...this.ruleMap.values()].filter((r) => r.envId === envId));
  }
  saveRule(rule: AlertRule): Promise<void> {
    this.ruleMap.set(`${rule.envId}/${rule.id}`, rule);
    return Promise.resolve();
  }
  removeRule(envId: string, id: string): Promise<boolean> {
    return Promise.resolve(this.ruleMap.delete(`${envId}/${id}`));
  }
  silences(envId: string): Promise<Silence[]> {
    return Promise.resolve([...this.silenceMap.values()].filter((s) => s.envId === envId));
  }
  saveSilence(s: Silence): Promise<void> {
    this.silenceMap.set(`${s.envId}/${s.id}`, s);
    return Promise.resolve();
  }
  removeSilence(envId: string, id: string): Promise<boolean> {
    return Promise.resolve(this.silenceMap.delete(`${envId}/${id}`));
  }
  webhooks(envId: string): Promise<Webhook[]> {
    return Promise.resolve(this.hooks.get(envId) ?? []);
  }
  saveWebhooks(envId: string, hooks: Webhook[]): Promise<void> {
    this.hooks.set(envId, hooks);
    return Promise.resolve();
  }
  open(envId: string): Promise<StoredAlert[]> {
    return Promise.resolve(
      [...this.alerts.values()].filter(
        (a) => a.alert.envId === envId && a.alert.state !== 'resolved',
      ),
    );
  }
  insert(a: StoredAlert, events: AlertEvent[]): Promise<boolean> {
    const dup = [...this.alerts.values()].some(
      (x) =>
        x.alert.envId === a.alert.envId &&
        x.alert.fingerprint === a.alert.fingerprint &&
        x.alert.state !== 'resolved',
    );
    if (dup) return Promise.resolve(false);
    this.alerts.set(a.alert.id, { ...a, version: 1 });
    this.log.push(...events.map((e) => ({ ...e, envId: a.alert.envId })));
    return Promise.resolve(true);
  }
  update(a: StoredAlert, events: AlertEvent[]): Promise<boolean> {
    const cur = this.alerts.get(a.alert.id);
    if (!cur || cur.version !== a.version) return Promise.resolve(false);
    this.alerts.set(a.alert.id, { ...a, version: a.version + 1 });
    this.log.push(...events.map((e) => ({ ...e, envId: a.alert.envId })));
    return Promise.resolve(true);
  }
  get(envId: string, id: string): Promise<StoredAlert | undefined> {
    const a = this.alerts.get(id);
    return Promise.resolve(a?.alert.envId === envId ? a : undefined);
  }
  list(f: AlertFilter): Promise<Alert[]> {
    return Promise.resolve(
      [...this.alerts.values()]
        .map((a) => a.alert)
        .filter((a) => matchesFilter(a, f))
        .sort((a, b) => b.startsAt.localeCompare(a.startsAt))
        .slice(0, f.limit),
    );
  }
  changedSince(envId: string, sinceMs: number): Promise<Alert[]> {
    return Promise.resolve(
      [...this.alerts.values()]
        .map((a) => a.alert)
        .filter((a) => a.envId === envId && Date.parse(a.updatedAt) >= sinceMs),
    );
  }
  events(alertId: string): Promise<AlertEvent[]> {
    return Promise.resolve(this.log.filter((e) => e.alertId === alertId));
  }
  searchHistory(
    envId: string,
    q: { search?: string | undefined; since?: string | undefined; limit: number },
  ): Promise<HistoryRow[]> {
    const out: HistoryRow[] = [];
    for (const e of [...this.log].reverse()) {
      const a = this.alerts.get(e.alertId)?.alert;
      if (!a || e.envId !== envId) continue;
      if (q.since && e.at < q.since) continue;
      const text = `${searchText(a)} ${e.note ?? ''}`.toLowerCase();
      if (q.search && !text.includes(q.search.toLowerCase())) continue;
      out.push({
        alertId: e.alertId,
        at: e.at,
        from: e.from,
        to: e.to,
        by: e.by,
        note: e.note,
        value: e.value,
        ruleName: a.ruleName,
        labels: a.labels,
      });
      if (out.length >= q.limit) break;
    }
    return Promise.resolve(out);
  }
}
