import { createHash } from 'node:crypto';
import type { AlertRule, AlertState, Comparison, Labels, Silence } from '../../../../shared/alerts';

/**
 * The alert lifecycle as pure functions, shared by the evaluator and the rule preview:
 * pending → firing → acknowledged → resolved, with hysteresis (`clearThreshold`) and flap
 * damping (`minStateSec`).
 */

/** What one evaluation saw for one series of a rule. */
export interface Observation {
  /** The condition holds (value past the threshold, or the collector is silent). */
  active: boolean;
  /** The value is back past the clear threshold (hysteresis); never true while `active`. */
  cleared: boolean;
  value: number | null;
}

/** The part of an alert the state machine needs; times are epoch ms. */
export interface MachineState {
  state: AlertState;
  /** When the current state was entered. */
  since: number;
  /** When the alert started (pending). */
  startsAt: number;
  /** Since when the value has been clear without a break (null while it is not). */
  clearSince: number | null;
  /** An acknowledgement lapses here (acknowledged only). */
  ackUntil: number | null;
}

export interface StepResult {
  next: MachineState | undefined;
  /** States entered in this step, in order (pending and firing together when forSec is 0). */
  entered: AlertState[];
}

export const compare = (v: number, op: Comparison, t: number): boolean => {
  switch (op) {
    case '>':
      return v > t;
    case '>=':
      return v >= t;
    case '<':
      return v < t;
    case '<=':
      return v <= t;
    case '==':
      return v === t;
    case '!=':
      return v !== t;
  }
};

/** A threshold rule's observation of a value, with hysteresis. */
export function observe(
  rule: Pick<AlertRule, 'op' | 'threshold' | 'clearThreshold'>,
  value: number,
): Observation {
  const active = compare(value, rule.op, rule.threshold);
  const clear = rule.clearThreshold ?? rule.threshold;
  return { active, cleared: !active && !compare(value, rule.op, clear), value };
}

/**
 * One evaluation of one series. A new alert starts pending (not during maintenance); it fires
 * once it has been pending `forSec` and the condition holds. It resolves only after the value has
 * stayed clear for `minStateSec` and the current state is at least that old — so input that
 * flaps around the threshold keeps one alert open instead of opening dozens. An acknowledged
 * alert fires again when its acknowledgement lapses while the value is not clear.
 */
export function step(
  prev: MachineState | undefined,
  obs: Observation,
  rule: Pick<AlertRule, 'forSec' | 'minStateSec'>,
  now: number,
  opts: { maintenance?: boolean } = {},
): StepResult {
  const forMs = rule.forSec * 1000;
  const minMs = rule.minStateSec * 1000;
  if (!prev || prev.state === 'resolved') {
    if (!obs.active || opts.maintenance) return { next: undefined, entered: [] };
    const pending: MachineState = {
      state: 'pending',
      since: now,
      startsAt: now,
      clearSince: null,
      ackUntil: null,
    };
    if (forMs === 0)
      return { next: { ...pending, state: 'firing' }, entered: ['pending', 'firing'] };
    return { next: pending, entered: ['pending'] };
  }
  const clearSince = obs.cleared ? (prev.clearSince ?? now) : null;
  const s: MachineState = { ...prev, clearSince };
  if (clearSince !== null && now - clearSince >= minMs && now - prev.since >= minMs) {
    return { next: { ...s, state: 'resolved', since: now, ackUntil: null }, entered: ['resolved'] };
  }
  if (prev.state === 'pending' && obs.active && now - prev.startsAt >= forMs) {
    return { next: { ...s, state: 'firing', since: now }, entered: ['firing'] };
  }
  if (
    prev.state === 'acknowledged' &&
    prev.ackUntil !== null &&
    now >= prev.ackUntil &&
    !obs.cleared
  ) {
    return { next: { ...s, state: 'firing', since: now, ackUntil: null }, entered: ['firing'] };
  }
  return { next: s, entered: [] };
}

/** Labels sorted by key, so the same set always reads the same. */
export const sortLabels = (labels: Labels): Labels =>
  Object.fromEntries(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));

/** Rule id + sorted labels: one open alert per fingerprint. */
export function fingerprint(ruleId: string, labels: Labels): string {
  const text = JSON.stringify([ruleId, Object.entries(sortLabels(labels))]);
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

/** Every matcher equals the alert's label (no matchers: everything). */
export const matchesLabels = (matchers: Labels, labels: Labels): boolean =>
  Object.entries(matchers).every(([k, v]) => labels[k] === v);

/** Silences and maintenance windows in force now that match these labels. */
export function silencing(
  silences: readonly Silence[],
  labels: Labels,
  now: number,
): { silenced: boolean; maintenance: boolean } {
  let silenced = false;
  let maintenance = false;
  for (const s of silences) {
    if (now < Date.parse(s.startsAt) || now >= Date.parse(s.endsAt)) continue;
    if (!matchesLabels(s.matchers, labels)) continue;
    silenced = true;
    if (s.kind === 'maintenance') maintenance = true;
  }
  return { silenced, maintenance };
}

const SEVERITY_RANK = { info: 0, warning: 1, critical: 2 } as const;
export const atLeast = (s: keyof typeof SEVERITY_RANK, min: keyof typeof SEVERITY_RANK): boolean =>
  SEVERITY_RANK[s] >= SEVERITY_RANK[min];
