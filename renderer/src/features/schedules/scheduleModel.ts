import { scheduleInputSchema, type Schedule, type ScheduleInput } from '@shared/schedules';
import {
  buildTarget,
  defaultDraft,
  draftFromTarget,
  targetIssuesOf,
  type TargetDraft,
  type TargetField,
  type TargetIssue,
} from '../jobs/target/targetModel';

export interface ScheduleDraft {
  id: string;
  name: string;
  target: TargetDraft;
  cron: string;
  tz: string;
  enabled: boolean;
}

export type ScheduleField = 'id' | 'name' | 'cron' | 'tz' | TargetField;

export interface ScheduleIssue extends Omit<TargetIssue, 'field'> {
  field: ScheduleField | undefined;
}

/** Common timetables, one click away; the labels are translated (`schedules.presets.*`). */
export const CRON_PRESETS = {
  every15: '*/15 * * * *',
  hourly: '0 * * * *',
  daily2: '0 2 * * *',
  weekdays7: '0 7 * * 1-5',
  weekly: '0 3 * * 1',
  monthly: '0 4 1 * *',
} as const;
export type CronPreset = keyof typeof CRON_PRESETS;

export function newScheduleDraft(envId: string, tz: string): ScheduleDraft {
  return {
    id: '',
    name: '',
    target: defaultDraft(envId),
    cron: CRON_PRESETS.daily2,
    tz,
    enabled: true,
  };
}

export function draftFromSchedule(s: Schedule): ScheduleDraft {
  return {
    id: s.id,
    name: s.name,
    target: draftFromTarget(s.target),
    cron: s.cron,
    tz: s.tz,
    enabled: s.enabled,
  };
}

const TOP: readonly ScheduleField[] = ['id', 'name', 'cron', 'tz'];

/** The form field of a `schedules.save` issue path (the router's or zod's). */
export function scheduleFieldOfPath(path: ReadonlyArray<PropertyKey>): ScheduleField | undefined {
  const head = String(path[0] ?? '');
  if ((TOP as readonly string[]).includes(head)) return head as ScheduleField;
  if (head === 'envId') return 'envId';
  if (head === 'target') return buildFieldOfTarget(path);
  return undefined;
}

function buildFieldOfTarget(path: ReadonlyArray<PropertyKey>): ScheduleField | undefined {
  return targetIssuesOf([{ path, code: '', message: '' }])[0]?.field ?? 'kind';
}

/**
 * Check the whole schedule with the contract's `scheduleInputSchema` (the cron's meaning is the
 * server's to judge: see `useCronPreview`). `existingIds`: ids taken in this environment, for a new one.
 */
export function validateSchedule(
  d: ScheduleDraft,
  envId: string,
  existingIds: readonly string[] = [],
): { issues: ScheduleIssue[]; value?: ScheduleInput } {
  const target = buildTarget({ ...d.target, envId });
  const issues: ScheduleIssue[] = [...target.issues];
  const parsed = scheduleInputSchema.safeParse({
    id: d.id.trim(),
    envId,
    name: d.name.trim(),
    target: target.value,
    cron: d.cron,
    tz: d.tz,
    enabled: d.enabled,
  });
  if (existingIds.includes(d.id.trim()))
    issues.push({ field: 'id', code: 'keel_duplicate', message: 'id in use' });
  if (!parsed.success) {
    for (const i of parsed.error.issues) {
      const field = scheduleFieldOfPath(i.path);
      if (field && issues.some((x) => x.field === field)) continue;
      const t = targetIssuesOf([i])[0] as TargetIssue;
      const empty = (field === 'id' || field === 'name') && d[field].trim() === '';
      issues.push({ ...t, field, ...(empty && { code: 'keel_required' }) });
    }
  }
  if (issues.length > 0 || !parsed.success) return { issues };
  return { issues, value: parsed.data };
}

/** The first issue per field, and those of no field. */
export function splitScheduleIssues(issues: readonly ScheduleIssue[]): {
  byField: Partial<Record<ScheduleField, ScheduleIssue>>;
  general: ScheduleIssue[];
} {
  const byField: Partial<Record<ScheduleField, ScheduleIssue>> = {};
  const general: ScheduleIssue[] = [];
  for (const i of issues) {
    if (i.field === undefined) general.push(i);
    else byField[i.field] ??= i;
  }
  return { byField, general };
}
