import { jobStartSchema, type JobKind, type JobStart } from '@shared/jobs';

/**
 * The "what to run" part of the Start job and schedule dialogs: a job kind and its payload, edited
 * as strings and checked against the contract's own `jobStartSchema`.
 */
export const TIME_UNITS = ['s', 'min', 'h'] as const;
export type TimeUnit = (typeof TIME_UNITS)[number];
const UNIT_SECONDS: Record<TimeUnit, number> = { s: 1, min: 60, h: 3600 };

export interface TargetDraft {
  kind: JobKind;
  envId: string;
  /** '' = every connection of the environment. */
  connectionId: string;
  duration: string;
  durationUnit: TimeUnit;
  interval: string;
  intervalUnit: TimeUnit;
}

export type TargetField = 'kind' | 'envId' | 'connectionId' | 'duration' | 'interval';

export interface TargetIssue {
  field: TargetField | undefined;
  /** A zod issue code, or ours: keel_required, keel_number, keel_interval_longer. */
  code: string;
  message: string;
  /** Bounds of too_small / too_big, in seconds for the two durations. */
  minimum?: number;
  maximum?: number;
}

export function defaultDraft(envId: string, kind: JobKind = 'health.sweep'): TargetDraft {
  return {
    kind,
    envId,
    connectionId: '',
    duration: '30',
    durationUnit: 'min',
    interval: '30',
    intervalUnit: 's',
  };
}

/** Seconds in the largest unit that divides them evenly: 1800 → 30 min. */
export function splitSeconds(sec: number): { value: string; unit: TimeUnit } {
  for (const unit of ['h', 'min'] as const) {
    if (sec > 0 && sec % UNIT_SECONDS[unit] === 0)
      return { value: String(sec / UNIT_SECONDS[unit]), unit };
  }
  return { value: String(sec), unit: 's' };
}

/** A whole number of units as seconds; undefined when the text is not a whole number. */
export function toSeconds(text: string, unit: TimeUnit): number | undefined {
  const s = text.trim();
  if (!/^\d{1,9}$/.test(s)) return undefined;
  return Number(s) * UNIT_SECONDS[unit];
}

export function draftFromTarget(target: JobStart): TargetDraft {
  const base = defaultDraft(target.payload.envId, target.kind);
  if (target.kind !== 'health.watch') return base;
  const d = splitSeconds(target.payload.durationSec);
  const i = splitSeconds(target.payload.intervalSec);
  return {
    ...base,
    connectionId: target.payload.connectionId ?? '',
    duration: d.value,
    durationUnit: d.unit,
    interval: i.value,
    intervalUnit: i.unit,
  };
}

const FIELD_OF_KEY: Record<string, TargetField> = {
  kind: 'kind',
  envId: 'envId',
  connectionId: 'connectionId',
  durationSec: 'duration',
  intervalSec: 'interval',
};

/** The draft field of a schema path: `['payload','durationSec']`, `['target','payload','envId']`. */
export function targetFieldOfPath(path: ReadonlyArray<PropertyKey>): TargetField | undefined {
  const p = path.map(String);
  if (p[0] === 'target') p.shift();
  if (p[0] === 'payload') p.shift();
  return p[0] !== undefined ? FIELD_OF_KEY[p[0]] : undefined;
}

/** `{kind, payload}` as the contract wants it, plus the issues numbers could not get past. */
export function buildTarget(d: TargetDraft): { value: unknown; issues: TargetIssue[] } {
  if (d.kind !== 'health.watch')
    return { value: { kind: d.kind, payload: { envId: d.envId } }, issues: [] };
  const issues: TargetIssue[] = [];
  const num = (field: 'duration' | 'interval', text: string, unit: TimeUnit): number => {
    const sec = toSeconds(text, unit);
    if (sec === undefined)
      issues.push({
        field,
        code: text.trim() === '' ? 'keel_required' : 'keel_number',
        message: 'not a whole number',
      });
    return sec ?? 0;
  };
  const payload = {
    envId: d.envId,
    ...(d.connectionId !== '' && { connectionId: d.connectionId }),
    durationSec: num('duration', d.duration, d.durationUnit),
    intervalSec: num('interval', d.interval, d.intervalUnit),
  };
  return { value: { kind: d.kind, payload }, issues };
}

/** Zod issues (of the target alone or of a schedule holding it) as ours. */
export function targetIssuesOf(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; code: string; message: string }>,
): TargetIssue[] {
  return issues.map((i) => {
    const raw = i as unknown as { minimum?: unknown; maximum?: unknown };
    const field = targetFieldOfPath(i.path);
    return {
      field,
      code: i.code === 'custom' && field === 'interval' ? 'keel_interval_longer' : i.code,
      message: i.message,
      ...(typeof raw.minimum === 'number' && { minimum: raw.minimum }),
      ...(typeof raw.maximum === 'number' && { maximum: raw.maximum }),
    };
  });
}

/** Check the draft with the contract's schema; `value` is set when it may be sent. */
export function validateTarget(d: TargetDraft): { issues: TargetIssue[]; value?: JobStart } {
  const built = buildTarget(d);
  const parsed = jobStartSchema.safeParse(built.value);
  const issues = [...built.issues];
  if (!parsed.success) {
    for (const i of targetIssuesOf(parsed.error.issues)) {
      // A number that did not parse already says so; the schema's complaint about 0 adds nothing.
      if (i.field && issues.some((x) => x.field === i.field)) continue;
      issues.push(i);
    }
  }
  return issues.length === 0 && parsed.success ? { issues, value: parsed.data } : { issues };
}

/** The first issue per field. */
export function issuesByField(
  issues: readonly TargetIssue[],
): Partial<Record<TargetField, TargetIssue>> {
  const out: Partial<Record<TargetField, TargetIssue>> = {};
  for (const i of issues) if (i.field) out[i.field] ??= i;
  return out;
}
