import { describe, expect, it } from 'vitest';
import type { Alert, RulePreview } from '@shared/alerts';
import {
  DEFAULT_FILTER,
  filterAlerts,
  firingSpans,
  formatDuration,
  formatLabelLines,
  parseDuration,
  parseLabelLines,
  previewRows,
  silenceIdFor,
  silencePhase,
  fromLocalInput,
  toLocalInput,
} from './alertModel';

const alert = (over: Partial<Alert>): Alert => ({
  id: 'a1',
  envId: 'demo',
  ruleId: 'db-connections',
  ruleName: 'DB connections above 80 %',
  fingerprint: 'fp',
  labels: { connection: 'core', team: 'dba' },
  severity: 'warning',
  state: 'firing',
  silenced: false,
  value: 0.9,
  summary: 'connections at 90 %',
  runbookUrl: null,
  startsAt: '2026-12-01T10:00:00.000Z',
  firingAt: '2026-12-01T10:01:00.000Z',
  acknowledgedAt: null,
  acknowledgedBy: null,
  ackNote: null,
  ackUntil: null,
  resolvedAt: null,
  updatedAt: '2026-12-01T10:01:00.000Z',
  ...over,
});

describe('filterAlerts', () => {
  const list = [
    alert({ id: 'r', state: 'resolved', severity: 'critical' }),
    alert({ id: 'w', severity: 'warning', startsAt: '2026-12-01T11:00:00.000Z' }),
    alert({ id: 'c', severity: 'critical', labels: { connection: 'cache' } }),
    alert({ id: 'p', state: 'pending', ruleName: 'Replication lag', summary: 'lag 30 s' }),
  ];

  it('keeps open states by default and puts firing, then severe, first', () => {
    expect(filterAlerts(list, DEFAULT_FILTER).map((a) => a.id)).toEqual(['c', 'w', 'p']);
  });
  it('an empty state list means every state', () => {
    expect(filterAlerts(list, { ...DEFAULT_FILTER, states: [] })).toHaveLength(4);
  });
  it('filters by severity', () => {
    const r = filterAlerts(list, { states: [], severity: 'critical', search: '' });
    expect(r.map((a) => a.id)).toEqual(['c', 'r']);
  });
  it('searches rule name, summary and labels, every word', () => {
    const f = { states: [], severity: 'all' as const, search: '' };
    expect(filterAlerts(list, { ...f, search: 'LAG' }).map((a) => a.id)).toEqual(['p']);
    expect(filterAlerts(list, { ...f, search: 'connection=cache' }).map((a) => a.id)).toEqual([
      'c',
    ]);
    expect(filterAlerts(list, { ...f, search: 'replication 30' }).map((a) => a.id)).toEqual(['p']);
    expect(filterAlerts(list, { ...f, search: 'replication nope' })).toEqual([]);
  });
});

describe('parseLabelLines', () => {
  it('reads key=value lines and comma-separated pairs', () => {
    expect(parseLabelLines('team = dba\n\nconnection=core, env=prod')).toEqual({
      labels: { team: 'dba', connection: 'core', env: 'prod' },
      issues: [],
    });
  });
  it('keeps = inside values', () => {
    expect(parseLabelLines('q=a=b').labels).toEqual({ q: 'a=b' });
  });
  it('reports bad lines by number', () => {
    const r = parseLabelLines('ok=1\nnoequals\nBad=1\nok=2\n=x');
    expect(r.labels).toEqual({ ok: '1' });
    expect(r.issues).toEqual([
      { line: 2, kind: 'format' },
      { line: 3, kind: 'key' },
      { line: 4, kind: 'duplicate' },
      { line: 5, kind: 'format' },
    ]);
  });
  it('round-trips through formatLabelLines', () => {
    const labels = { z: '1', a: 'x y' };
    expect(formatLabelLines(labels)).toBe('a=x y\nz=1');
    expect(parseLabelLines(formatLabelLines(labels)).labels).toEqual(labels);
  });
});

describe('parseDuration', () => {
  it.each([
    ['90', 90],
    ['90s', 90],
    ['15m', 900],
    ['1h30m', 5400],
    ['1h 30m', 5400],
    ['2d', 172_800],
    ['1w', 604_800],
  ])('%s → %i s', (text, sec) => expect(parseDuration(text)).toBe(sec));
  it('reads a bare number as minutes when asked', () => {
    expect(parseDuration('30', 'm')).toBe(1800);
  });
  it.each(['', '0', '0m', 'abc', '1x', '-5m', '1.5h', 'h'])('refuses %j', (text) =>
    expect(parseDuration(text)).toBeUndefined(),
  );
  it('formats back', () => {
    expect(formatDuration(5400)).toBe('1h30m');
    expect(formatDuration(86_461)).toBe('1d1m1s');
    expect(formatDuration(0)).toBe('0s');
  });
});

describe('firingSpans', () => {
  const points = [0, 60, 120, 180, 240].map((at) => ({ at: at * 1000, value: 1, series: 's' }));
  const preview = (firings: RulePreview['firings']): RulePreview => ({
    points,
    firings,
    source: 'memory',
  });

  it('counts firings and clips spans to the window', () => {
    const r = firingSpans(
      preview([
        { series: 's', start: -30_000, end: 60_000, peak: 2 },
        { series: 's', start: 180_000, end: null, peak: 3 },
      ]),
    );
    expect(r.count).toBe(2);
    expect(r.spans).toEqual([
      { series: 's', start: 0, end: 60_000, open: false },
      { series: 's', start: 180_000, end: 240_000, open: true },
    ]);
  });
  it('merges overlapping spans of one series, keeps other series apart', () => {
    const r = firingSpans(
      preview([
        { series: 's', start: 0, end: 120_000, peak: 2 },
        { series: 's', start: 60_000, end: 180_000, peak: 2 },
        { series: 't', start: 60_000, end: 120_000, peak: 2 },
      ]),
    );
    expect(r.spans).toEqual([
      { series: 's', start: 0, end: 180_000, open: false },
      { series: 't', start: 60_000, end: 120_000, open: false },
    ]);
    expect(r.count).toBe(3);
  });
  it('has nothing for no data', () => {
    expect(firingSpans({ points: [], firings: [], source: 'none' })).toEqual({
      spans: [],
      count: 0,
    });
  });
  it('drops spans wholly outside the window', () => {
    expect(
      firingSpans(preview([{ series: 's', start: 500_000, end: 600_000, peak: 1 }])).spans,
    ).toEqual([]);
  });
});

describe('previewRows', () => {
  it('pivots points by time, one column per series', () => {
    const r = previewRows({
      points: [
        { at: 2, value: 5, series: 'b' },
        { at: 1, value: 1, series: 'a' },
        { at: 2, value: 2, series: 'a' },
      ],
      firings: [],
      source: 'memory',
    });
    expect(r.series).toEqual(['a', 'b']);
    expect(r.rows).toEqual([
      { at: 1, a: 1 },
      { at: 2, a: 2, b: 5 },
    ]);
  });
});

describe('silenceIdFor', () => {
  it('makes a slug', () => {
    expect(silenceIdFor({ ruleId: 'DB_conn.s' }, 36)).toBe('db-conn-s-10');
    expect(silenceIdFor({ ruleId: '--' }, 35)).toBe('alert-z');
  });
});

describe('datetime-local values', () => {
  it('round-trip an instant (to the minute)', () => {
    const iso = '2026-12-01T18:30:00.000Z';
    expect(fromLocalInput(toLocalInput(iso))).toBe(iso);
  });
  it('refuse junk', () => {
    expect(fromLocalInput('')).toBeUndefined();
    expect(fromLocalInput('tomorrow')).toBeUndefined();
  });
});

describe('silencePhase', () => {
  const s = { startsAt: '2026-12-01T10:00:00.000Z', endsAt: '2026-12-01T12:00:00.000Z' };
  it.each([
    ['2026-12-01T09:00:00.000Z', 'scheduled'],
    ['2026-12-01T11:00:00.000Z', 'active'],
    ['2026-12-01T12:00:00.000Z', 'expired'],
  ])('at %s is %s', (now, phase) => expect(silencePhase(s, Date.parse(now))).toBe(phase));
});
