import {
  alertRuleSchema,
  type AlertRule,
  type AlertRuleInput,
  type Comparison,
  type Severity,
} from '@shared/alerts';
import { formatLabelLines, parseLabelLines, type LabelIssue } from './alertModel';

/** The rule editor's fields, as typed (numbers stay strings until parsed). */
export interface RuleForm {
  id: string;
  name: string;
  type: 'threshold' | 'deadman';
  metric: string;
  op: Comparison;
  threshold: string;
  clearThreshold: string;
  forSec: string;
  minStateSec: string;
  missedIntervals: string;
  severity: Severity;
  labels: string;
  runbookUrl: string;
  enabled: boolean;
}

export const EMPTY_RULE_FORM: RuleForm = {
  id: '',
  name: '',
  type: 'threshold',
  metric: 'mysql.connections_ratio',
  op: '>',
  threshold: '0.8',
  clearThreshold: '',
  forSec: '60',
  minStateSec: '60',
  missedIntervals: '3',
  severity: 'warning',
  labels: '',
  runbookUrl: '',
  enabled: true,
};

export function formFromRule(r: AlertRule): RuleForm {
  return {
    id: r.id,
    name: r.name,
    type: r.type,
    metric: r.metric ?? '',
    op: r.op,
    threshold: String(r.threshold),
    clearThreshold: r.clearThreshold === undefined ? '' : String(r.clearThreshold),
    forSec: String(r.forSec),
    minStateSec: String(r.minStateSec),
    missedIntervals: String(r.missedIntervals),
    severity: r.severity,
    labels: formatLabelLines(r.labels),
    runbookUrl: r.runbookUrl ?? '',
    enabled: r.enabled,
  };
}

/** A name → an id slug (new rules). */
export const slugOf = (name: string): string =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);

/** `''` → undefined, a number → the number, anything else → NaN (the schema refuses it). */
const num = (s: string): number | undefined => (s.trim() === '' ? undefined : Number(s.trim()));

export interface RuleCheck {
  rule: AlertRule | undefined;
  input: AlertRuleInput;
  /** Field → first message (schema path joined by `.`). */
  issues: Record<string, string>;
  labelIssues: LabelIssue[];
}

/**
 * The form as a rule input, validated by the contract's schema (the same the service applies),
 * plus the label lines' own issues. `rule` is set only when everything is valid.
 */
export function checkRule(f: RuleForm, envId: string, base: Partial<AlertRule> = {}): RuleCheck {
  const { labels, issues: labelIssues } = parseLabelLines(f.labels);
  const input = {
    ...base,
    id: f.id.trim() || slugOf(f.name),
    envId,
    name: f.name,
    type: f.type,
    ...(f.type === 'threshold' && f.metric ? { metric: f.metric } : {}),
    op: f.op,
    threshold: num(f.threshold) ?? 0,
    ...(num(f.clearThreshold) !== undefined && { clearThreshold: num(f.clearThreshold) }),
    forSec: num(f.forSec) ?? 0,
    minStateSec: num(f.minStateSec) ?? 0,
    missedIntervals: num(f.missedIntervals) ?? 1,
    severity: f.severity,
    labels,
    ...(f.runbookUrl.trim() !== '' && { runbookUrl: f.runbookUrl.trim() }),
    enabled: f.enabled,
  } as AlertRuleInput;
  const r = alertRuleSchema.safeParse(input);
  const issues: Record<string, string> = {};
  if (!r.success)
    for (const i of r.error.issues) {
      const k = i.path.map(String).join('.') || 'form';
      issues[k] ??= i.message;
    }
  return {
    rule: r.success && labelIssues.length === 0 ? r.data : undefined,
    input,
    issues,
    labelIssues,
  };
}
