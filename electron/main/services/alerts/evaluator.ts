import { randomUUID } from 'node:crypto';
import type {
  Alert,
  AlertEvent,
  AlertRule,
  AlertState,
  Labels,
  Silence,
} from '../../../../shared/alerts';
import type { StoreKind } from '../../../../shared/models/environment';
import type { SamplesEvent } from '../../../../shared/monitoring';
import { STORE_UP_METRIC } from './defaults';
import {
  fingerprint,
  observe,
  silencing,
  sortLabels,
  step,
  type MachineState,
  type Observation,
} from './machine';
import type { StoredAlert } from './store';

/** What the evaluator knows of one connection from its sweeps. */
export interface ConnTrack {
  kind: StoreKind;
  /** When this console first knew the connection (the dead-man baseline before any sample). */
  firstSeen: number;
  /** The last sweep's outcome (undefined before the first). */
  up?: boolean;
  /**
   * What the health probes last saw of each endpoint, and when. Preferred over the sweeps for
   * the store-down rule while fresh: a probe asks only "do you answer", while a sweep can fail
   * for its own reasons (a slow read, a privilege) with the store up.
   */
  probes?: Map<'primary' | 'replica', { up: boolean; at: number }>;
  /** The longest gap seen between two probes of this connection (how fresh is fresh). */
  probeGapMs?: number;
  lastDataAt?: number;
  /** Latest value per metric + tags. */
  values: Map<string, { metric: string; tags: Record<string, string>; value: number; at: number }>;
}

/** Keep what a sweep says about its connection. */
export function track(t: ConnTrack, e: SamplesEvent): void {
  // The slow read (sizes, partitions) and derived figures say nothing about whether it answers.
  if (e.part === undefined) t.up = !e.error;
  // Derived figures (partition runway) must not keep a silent collector's dead-man quiet.
  if (e.points.length && e.part !== 'partitions') t.lastDataAt = e.at;
  for (const p of e.points) {
    const tags = (p.tags ?? {}) as Record<string, string>;
    t.values.set(`${p.metric}|${JSON.stringify(tags)}`, {
      metric: p.metric,
      tags,
      value: p.value,
      at: e.at,
    });
  }
}

interface SeriesObs {
  labels: Labels;
  obs: Observation;
  connectionId: string;
}

/** Every series of a rule with what this evaluation observes of it. */
export function observeRule(
  rule: AlertRule,
  envId: string,
  conns: ReadonlyMap<string, ConnTrack>,
  now: number,
  intervalMs: number,
): SeriesObs[] {
  const out: SeriesObs[] = [];
  for (const [connectionId, t] of conns) {
    if (rule.scope.connectionIds.length && !rule.scope.connectionIds.includes(connectionId))
      continue;
    if (rule.scope.kind && rule.scope.kind !== t.kind) continue;
    const base = { ...rule.labels, env: envId, connection: connectionId, kind: t.kind };
    if (rule.type === 'deadman') {
      const silentMs = now - (t.lastDataAt ?? t.firstSeen);
      const active = silentMs > rule.missedIntervals * intervalMs;
      out.push({ labels: base, obs: { active, cleared: !active, value: null }, connectionId });
    } else if (rule.metric === STORE_UP_METRIC) {
      for (const { endpoint, up } of reachability(t, now, intervalMs)) {
        const labels = endpoint === 'replica' ? { ...base, endpoint } : base;
        out.push({ labels, obs: observe(rule, up ? 1 : 0), connectionId });
      }
    } else {
      for (const v of t.values.values()) {
        // A value older than three sweeps says nothing about now (the dead-man rules cover it).
        if (v.metric !== rule.metric || now - v.at > 3 * intervalMs) continue;
        out.push({ labels: { ...base, ...v.tags }, obs: observe(rule, v.value), connectionId });
      }
    }
  }
  return out;
}

/** Keep what a health probe says about one endpoint of its connection. */
export function trackProbe(
  t: ConnTrack,
  endpoint: 'primary' | 'replica',
  up: boolean,
  at: number,
): void {
  t.probes ??= new Map();
  const prev = t.probes.get(endpoint);
  if (prev && at > prev.at) t.probeGapMs = Math.max(t.probeGapMs ?? 0, at - prev.at);
  t.probes.set(endpoint, { up, at });
}

/**
 * Whether each endpoint answers, for the store-down rule: the health probes' word while it is
 * fresh (three probe gaps, at least three sweep intervals), else the last sweep's (primary only).
 */
export function reachability(
  t: ConnTrack,
  now: number,
  intervalMs: number,
): Array<{ endpoint: 'primary' | 'replica'; up: boolean }> {
  const freshMs = 3 * Math.max(t.probeGapMs ?? 0, intervalMs);
  const out: Array<{ endpoint: 'primary' | 'replica'; up: boolean }> = [];
  const primary = t.probes?.get('primary');
  if (primary && now - primary.at <= freshMs) out.push({ endpoint: 'primary', up: primary.up });
  else if (t.up !== undefined) out.push({ endpoint: 'primary', up: t.up });
  const replica = t.probes?.get('replica');
  if (replica && now - replica.at <= freshMs) out.push({ endpoint: 'replica', up: replica.up });
  return out;
}

export interface Change {
  stored: StoredAlert;
  isNew: boolean;
  events: AlertEvent[];
}

const iso = (ms: number): string => new Date(ms).toISOString();
const fmt = (v: number): string => (Number.isInteger(v) ? String(v) : v.toPrecision(3));

function summaryOf(rule: AlertRule, labels: Labels, value: number | null, intervalMs: number) {
  const where = labels.connection ?? '?';
  if (rule.type === 'deadman') {
    return `${rule.name}: no sample from ${where} for ${(rule.missedIntervals * intervalMs) / 1000} s`;
  }
  if (rule.metric === STORE_UP_METRIC) {
    return `${rule.name}: ${where}${labels.endpoint === 'replica' ? "'s read replica" : ''} does not answer`;
  }
  return `${rule.name}: ${rule.metric} = ${value === null ? '?' : fmt(value)} on ${where} (${rule.op} ${rule.threshold})`;
}

/**
 * One evaluation of an environment: runs the state machine over every series of every enabled
 * rule and returns the alerts to write (new or changed) with their history rows. Open alerts
 * of rules that are gone or disabled resolve.
 */
export function evaluate(input: {
  envId: string;
  rules: readonly AlertRule[];
  silences: readonly Silence[];
  open: readonly StoredAlert[];
  conns: ReadonlyMap<string, ConnTrack>;
  now: number;
  intervalMs: number;
}): Change[] {
  const { envId, now, intervalMs } = input;
  const open = new Map(input.open.map((a) => [a.alert.fingerprint, a]));
  const changes: Change[] = [];
  const enabled = new Set<string>();
  for (const rule of input.rules) {
    if (!rule.enabled) continue;
    enabled.add(rule.id);
    for (const s of observeRule(rule, envId, input.conns, now, intervalMs)) {
      const labels = sortLabels(s.labels);
      const fp = fingerprint(rule.id, labels);
      const prev = open.get(fp);
      const sil = silencing(input.silences, labels, now);
      const r = step(prev?.machine, s.obs, rule, now, { maintenance: sil.maintenance });
      if (!r.next) continue;
      const alert: Alert = prev
        ? { ...prev.alert }
        : {
            id: `a_${randomUUID()}`,
            envId,
            ruleId: rule.id,
            ruleName: rule.name,
            fingerprint: fp,
            labels,
            severity: rule.severity,
            state: 'pending',
            silenced: sil.silenced,
            value: s.obs.value,
            summary: '',
            runbookUrl: rule.runbookUrl ?? null,
            startsAt: iso(now),
            firingAt: null,
            acknowledgedAt: null,
            acknowledgedBy: null,
            ackNote: null,
            ackUntil: null,
            resolvedAt: null,
            updatedAt: iso(now),
          };
      const machineChanged =
        !prev || prev.machine.clearSince !== r.next.clearSince || r.entered.length > 0;
      if (!machineChanged && prev.alert.silenced === sil.silenced) continue;
      alert.silenced = sil.silenced;
      alert.value = s.obs.value;
      alert.summary = summaryOf(rule, labels, s.obs.value, intervalMs);
      alert.updatedAt = iso(now);
      const events = transitions(alert, prev?.alert.state ?? null, r.entered, now, s.obs.value);
      applyStates(alert, r.next, now);
      changes.push({
        stored: { alert, machine: r.next, version: prev?.version ?? 0 },
        isNew: !prev,
        events,
      });
    }
  }
  for (const prev of input.open) {
    if (enabled.has(prev.alert.ruleId)) continue;
    const alert: Alert = { ...prev.alert, updatedAt: iso(now) };
    const machine: MachineState = {
      ...prev.machine,
      state: 'resolved',
      since: now,
      ackUntil: null,
    };
    applyStates(alert, machine, now);
    const events = transitions(
      alert,
      prev.alert.state,
      ['resolved'],
      now,
      null,
      'the rule was removed or disabled',
    );
    changes.push({ stored: { alert, machine, version: prev.version }, isNew: false, events });
  }
  return changes;
}

function transitions(
  alert: Alert,
  from: AlertState | null,
  entered: AlertState[],
  now: number,
  value: number | null,
  note: string | null = null,
): AlertEvent[] {
  const out: AlertEvent[] = [];
  let f = from;
  for (const to of entered) {
    out.push({ alertId: alert.id, at: iso(now), from: f, to, by: 'evaluator', note, value });
    f = to;
  }
  return out;
}

/** Copy the machine's state into the alert's fields. */
export function applyStates(alert: Alert, m: MachineState, now: number): void {
  const was = alert.state;
  alert.state = m.state;
  if (m.state === 'firing' && (was !== 'firing' || !alert.firingAt)) alert.firingAt = iso(now);
  if (m.state === 'resolved' && was !== 'resolved') alert.resolvedAt = iso(now);
  if (m.state === 'firing' && was === 'acknowledged') alert.ackUntil = null;
}
