import type { Alert, AlertState, Labels, RulePreview, Severity } from '@shared/alerts';

/** What the alerts list is filtered by; all parts combine (and). */
export interface AlertListFilter {
  /** Empty: every state. */
  states: readonly AlertState[];
  severity: Severity | 'all';
  search: string;
}

export const DEFAULT_FILTER: AlertListFilter = {
  states: ['pending', 'firing', 'acknowledged'],
  severity: 'all',
  search: '',
};

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };
const STATE_RANK: Record<AlertState, number> = {
  firing: 0,
  pending: 1,
  acknowledged: 2,
  resolved: 3,
};

/** Whether an alert's rule name, summary, id or any label key/value contains every word. */
export function matchesSearch(a: Alert, search: string): boolean {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const hay = [
    a.ruleName,
    a.summary,
    a.id,
    ...Object.entries(a.labels).map(([k, v]) => `${k}=${v}`),
  ]
    .join('\n')
    .toLowerCase();
  return words.every((w) => hay.includes(w));
}

/** The alerts shown: filtered, then firing before the rest, severe first, newest first. */
export function filterAlerts(alerts: readonly Alert[], f: AlertListFilter): Alert[] {
  return alerts
    .filter(
      (a) =>
        (f.states.length === 0 || f.states.includes(a.state)) &&
        (f.severity === 'all' || a.severity === f.severity) &&
        matchesSearch(a, f.search),
    )
    .sort(
      (a, b) =>
        STATE_RANK[a.state] - STATE_RANK[b.state] ||
        SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
        Date.parse(b.startsAt) - Date.parse(a.startsAt),
    );
}

export type LabelIssue = { line: number; kind: 'format' | 'key' | 'duplicate' | 'long' };

const LABEL_KEY = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * `key=value` lines (or comma-separated pairs) → labels. Blank lines are skipped; spaces around
 * key and value are trimmed; the value may contain `=`. Issues name the 1-based line.
 */
export function parseLabelLines(text: string): { labels: Labels; issues: LabelIssue[] } {
  const labels: Labels = {};
  const issues: LabelIssue[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    for (const part of raw.split(',')) {
      const pair = part.trim();
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      if (eq <= 0) {
        issues.push({ line, kind: 'format' });
        continue;
      }
      const key = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (!LABEL_KEY.test(key)) issues.push({ line, kind: 'key' });
      else if (value.length > 200) issues.push({ line, kind: 'long' });
      else if (key in labels) issues.push({ line, kind: 'duplicate' });
      else labels[key] = value;
    }
  });
  return { labels, issues };
}

/** Labels → `key=value` lines, sorted by key (the editor's text). */
export const formatLabelLines = (labels: Labels): string =>
  Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k] ?? ''}`)
    .join('\n');

/** `k=v, k2=v2` for one line (tables, CSV). */
export const labelsInline = (labels: Labels): string =>
  Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k] ?? ''}`)
    .join(', ');

const UNIT_SEC: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/**
 * `90`, `90s`, `15m`, `1h30m`, `2d`, `1w` → seconds; a bare number is minutes when
 * `bare === 'm'`. Undefined for anything else (including zero or negative durations).
 */
export function parseDuration(text: string, bare: 's' | 'm' = 's'): number | undefined {
  const s = text.trim().toLowerCase().replace(/\s+/g, '');
  if (s === '') return undefined;
  if (/^\d+$/.test(s)) {
    const n = Number(s) * (bare === 'm' ? 60 : 1);
    return n > 0 ? n : undefined;
  }
  if (!/^(\d+[smhdw])+$/.test(s)) return undefined;
  let total = 0;
  for (const [, n, u] of s.matchAll(/(\d+)([smhdw])/g))
    total += Number(n) * (UNIT_SEC[u ?? 's'] ?? 0);
  return total > 0 ? total : undefined;
}

/** Seconds → the shortest `1h30m` form (the inverse of parseDuration). */
export function formatDuration(sec: number): string {
  if (sec <= 0) return '0s';
  let rest = Math.round(sec);
  const out: string[] = [];
  for (const [u, n] of [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    if (rest >= n) {
      out.push(`${Math.floor(rest / n)}${u}`);
      rest %= n;
    }
  }
  return out.join('');
}

export interface FiringSpan {
  series: string;
  start: number;
  /** Open spans (still firing) end at the last point of the window. */
  end: number;
  open: boolean;
}

/**
 * The preview's firings as spans to shade, clipped to the window of its points (and merged where
 * spans of one series overlap), plus how many times the rule would have fired.
 */
export function firingSpans(preview: RulePreview): { spans: FiringSpan[]; count: number } {
  const ats = preview.points.map((p) => p.at);
  if (ats.length === 0 && preview.firings.length === 0) return { spans: [], count: 0 };
  const min = ats.length ? Math.min(...ats) : -Infinity;
  const max = ats.length
    ? Math.max(...ats)
    : Math.max(...preview.firings.map((f) => f.end ?? f.start));
  const sorted = [...preview.firings].sort(
    (a, b) => a.series.localeCompare(b.series) || a.start - b.start,
  );
  const spans: FiringSpan[] = [];
  for (const f of sorted) {
    const start = Math.max(f.start, min);
    const end = Math.min(f.end ?? max, max);
    if (end < start) continue;
    const prev = spans.at(-1);
    if (prev && prev.series === f.series && start <= prev.end) {
      prev.end = Math.max(prev.end, end);
      prev.open ||= f.end === null;
    } else spans.push({ series: f.series, start, end, open: f.end === null });
  }
  return { spans, count: preview.firings.length };
}

/** Preview points → chart rows `{at, [series]: value}`, one row per timestamp. */
export function previewRows(preview: RulePreview): {
  rows: Array<Record<string, number>>;
  series: string[];
} {
  const byAt = new Map<number, Record<string, number>>();
  const series = new Set<string>();
  for (const p of preview.points) {
    series.add(p.series);
    const row = byAt.get(p.at) ?? { at: p.at };
    row[p.series] = p.value;
    byAt.set(p.at, row);
  }
  return {
    rows: [...byAt.values()].sort((a, b) => (a['at'] ?? 0) - (b['at'] ?? 0)),
    series: [...series].sort(),
  };
}

/** A silence id from an alert, unique enough and a valid slug. */
export function silenceIdFor(a: Pick<Alert, 'ruleId'>, now = Date.now()): string {
  const base = a.ruleId
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `${(base || 'alert').slice(0, 40)}-${now.toString(36)}`;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** An instant → the value of an `<input type="datetime-local">` (local time, minutes). */
export function toLocalInput(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A `datetime-local` value → an ISO instant; undefined when empty or not a date. */
export function fromLocalInput(value: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return undefined;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** Whether a silence is in effect at `now`, still to come, or over. */
export function silencePhase(
  s: { startsAt: string; endsAt: string },
  now = Date.now(),
): 'active' | 'scheduled' | 'expired' {
  if (Date.parse(s.endsAt) <= now) return 'expired';
  return Date.parse(s.startsAt) > now ? 'scheduled' : 'active';
}
