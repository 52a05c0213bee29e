import { describe, expect, it } from 'vitest';
import { alertRuleSchema, type AlertRule, type AlertRuleInput } from '../../shared/alerts';
import { defaultRules } from '../../electron/main/services/alerts/defaults';
import { evaluate, type ConnTrack } from '../../electron/main/services/alerts/evaluator';
import {
  fingerprint,
  observe,
  silencing,
  step,
  type MachineState,
} from '../../electron/main/services/alerts/machine';
import { previewThreshold } from '../../electron/main/services/alerts/preview';
import { MemoryAlertStore, type StoredAlert } from '../../electron/main/services/alerts/store';

const rule = (over: Partial<AlertRuleInput> = {}): AlertRule =>
  alertRuleSchema.parse({
    id: 'conn',
    envId: 'demo',
    name: 'connections',
    metric: 'mysql.connections_ratio',
    threshold: 0.8,
    forSec: 60,
    minStateSec: 60,
    ...over,
  });

/** Run a value per 10 s tick through the machine; returns every state entered. */
function run(r: AlertRule, values: number[], stepMs = 10_000) {
  let m: MachineState | undefined;
  const entered: string[] = [];
  let alerts = 0;
  values.forEach((v, i) => {
    const res = step(m, observe(r, v), r, i * stepMs);
    if (res.entered[0] === 'pending') alerts++;
    entered.push(...res.entered);
    m = res.next?.state === 'resolved' ? undefined : res.next;
  });
  return { entered, alerts, last: m };
}

describe('alert state machine', () => {
  it('goes pending, then firing after forSec, then resolved after minStateSec clear', () => {
    const r = rule();
    const { entered, last } = run(
      r,
      [0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5],
    );
    expect(entered).toEqual(['pending', 'firing', 'resolved']);
    expect(last).toBeUndefined();
  });

  it('fires at once when forSec is 0', () => {
    expect(run(rule({ forSec: 0 }), [0.9]).entered).toEqual(['pending', 'firing']);
  });

  it('keeps ONE alert for a value flapping around the threshold every evaluation for 10 minutes', () => {
    const values = Array.from({ length: 60 }, (_, i) => (i % 2 ? 0.75 : 0.85));
    const damped = run(rule(), values);
    expect(damped.alerts).toBe(1);
    expect(damped.entered).toEqual(['pending', 'firing']);
    // Without damping the same input opens an alert again and again.
    expect(run(rule({ minStateSec: 0, forSec: 0 }), values).alerts).toBe(30);
  });

  it('applies hysteresis: stays firing between clear and fire thresholds', () => {
    const r = rule({ threshold: 0.8, clearThreshold: 0.7, forSec: 0, minStateSec: 0 });
    expect(run(r, [0.9, 0.75, 0.75, 0.72]).entered).toEqual(['pending', 'firing']);
    expect(run(r, [0.9, 0.75, 0.65]).entered).toEqual(['pending', 'firing', 'resolved']);
  });

  it('acknowledged stays quiet until ackUntil, then fires again while still true', () => {
    const r = rule({ forSec: 0, minStateSec: 0 });
    const ack: MachineState = {
      state: 'acknowledged',
      since: 0,
      startsAt: 0,
      clearSince: null,
      ackUntil: 60_000,
    };
    expect(step(ack, observe(r, 0.9), r, 30_000).entered).toEqual([]);
    expect(step(ack, observe(r, 0.9), r, 60_000).entered).toEqual(['firing']);
    expect(step(ack, observe(r, 0.5), r, 30_000).entered).toEqual(['resolved']);
  });

  it('opens no new alert during maintenance', () => {
    const r = rule({ forSec: 0 });
    expect(step(undefined, observe(r, 0.9), r, 0, { maintenance: true }).next).toBeUndefined();
  });
});

describe('fingerprints and silences', () => {
  it('fingerprints rule + labels independent of label order', () => {
    expect(fingerprint('r', { a: '1', b: '2' })).toBe(fingerprint('r', { b: '2', a: '1' }));
    expect(fingerprint('r', { a: '1' })).not.toBe(fingerprint('r', { a: '2' }));
    expect(fingerprint('r', { a: '1' })).not.toBe(fingerprint('s', { a: '1' }));
  });

  it('matches silences by labels and time window; maintenance also holds new alerts', () => {
    const base = {
      id: 's',
      envId: 'demo',
      startsAt: '2026-01-01T00:00:00.000Z',
      endsAt: '2026-01-01T01:00:00.000Z',
      comment: 'x',
    };
    const at = Date.parse('2026-01-01T00:30:00.000Z');
    const s = [{ ...base, kind: 'silence' as const, matchers: { connection: 'core' } }];
    expect(silencing(s, { connection: 'core', env: 'demo' }, at)).toEqual({
      silenced: true,
      maintenance: false,
    });
    expect(silencing(s, { connection: 'cache' }, at).silenced).toBe(false);
    expect(silencing(s, { connection: 'core' }, at + 3_600_000).silenced).toBe(false);
    const m = [{ ...base, kind: 'maintenance' as const, matchers: {} }];
    expect(silencing(m, { connection: 'x' }, at)).toEqual({ silenced: true, maintenance: true });
  });
});

describe('evaluate', () => {
  const conns = (over: Partial<ConnTrack> = {}): Map<string, ConnTrack> =>
    new Map([
      [
        'core',
        {
          kind: 'mysql',
          firstSeen: 0,
          up: true,
          lastDataAt: 0,
          values: new Map([
            ['x', { metric: 'mysql.connections_ratio', tags: {}, value: 0.99, at: 0 }],
          ]),
          ...over,
        },
      ],
    ]);

  it('opens one alert per rule + series with labels, and a dead-man alert for a silent collector', () => {
    const rules = defaultRules('demo');
    const first = evaluate({
      envId: 'demo',
      rules,
      silences: [],
      open: [],
      conns: conns(),
      now: 1000,
      intervalMs: 1000,
    });
    const ids = first.map((c) => c.stored.alert.ruleId).sort();
    expect(ids).toEqual(['db-connections', 'db-pool-exhausted']);
    const pool = first.find((c) => c.stored.alert.ruleId === 'db-pool-exhausted');
    expect(pool?.stored.alert).toMatchObject({
      state: 'firing',
      labels: { env: 'demo', connection: 'core', kind: 'mysql' },
    });
    expect(pool?.events.map((e) => e.to)).toEqual(['pending', 'firing']);
    const open: StoredAlert[] = first.map((c) => ({ ...c.stored, version: 1 }));
    const silent = evaluate({
      envId: 'demo',
      rules,
      silences: [],
      open,
      conns: conns({ up: false, lastDataAt: 0, values: new Map() }),
      now: 5000,
      intervalMs: 1000,
    });
    const fired = silent.filter((c) => c.isNew).map((c) => c.stored.alert.ruleId);
    expect(fired.sort()).toEqual(['deadman-mysql', 'store-down']);
  });

  it('resolves open alerts of a disabled rule', () => {
    const rules = defaultRules('demo');
    const first = evaluate({
      envId: 'demo',
      rules,
      silences: [],
      open: [],
      conns: conns(),
      now: 1000,
      intervalMs: 1000,
    });
    const open = first.map((c) => ({ ...c.stored, version: 1 }));
    const off = rules.map((r) => ({ ...r, enabled: false }));
    const next = evaluate({
      envId: 'demo',
      rules: off,
      silences: [],
      open,
      conns: conns(),
      now: 2000,
      intervalMs: 1000,
    });
    expect(next.map((c) => c.stored.alert.state)).toEqual(['resolved', 'resolved']);
  });
});

describe('evaluate with silences', () => {
  const conns = new Map<string, ConnTrack>([
    ['core', { kind: 'mysql', firstSeen: 0, up: false, lastDataAt: 0, values: new Map() }],
  ]);
  const window = { startsAt: '1970-01-01T00:00:00.000Z', endsAt: '2100-01-01T00:00:00.000Z' };
  const run = (kind: 'silence' | 'maintenance') =>
    evaluate({
      envId: 'demo',
      rules: defaultRules('demo').filter((r) => r.id === 'store-down'),
      silences: [
        { id: 's', envId: 'demo', kind, matchers: { connection: 'core' }, comment: 'x', ...window },
      ],
      open: [],
      conns,
      now: 1000,
      intervalMs: 1000,
    });

  it('marks matching alerts silenced (shown, not notified)', () => {
    const [c] = run('silence');
    expect(c?.stored.alert).toMatchObject({ state: 'firing', silenced: true });
  });

  it('holds off new alerts during a maintenance window', () => {
    expect(run('maintenance')).toEqual([]);
  });
});

describe('memory alert store', () => {
  it('keeps one open alert per fingerprint and refuses stale versions', async () => {
    const store = new MemoryAlertStore();
    const [c] = evaluate({
      envId: 'demo',
      rules: defaultRules('demo').filter((r) => r.id === 'store-down'),
      silences: [],
      open: [],
      conns: new Map([['core', { kind: 'mysql', firstSeen: 0, up: false, values: new Map() }]]),
      now: 1000,
      intervalMs: 1000,
    });
    if (!c) throw new Error('no alert');
    expect(await store.insert(c.stored, c.events)).toBe(true);
    expect(await store.insert({ ...c.stored, alert: { ...c.stored.alert, id: 'other' } }, [])).toBe(
      false,
    );
    const [open] = await store.open('demo');
    expect(open?.version).toBe(1);
    expect(await store.update({ ...c.stored, version: 1 }, [])).toBe(true);
    expect(await store.update({ ...c.stored, version: 1 }, [])).toBe(false);
    expect((await store.events(c.stored.alert.id)).map((e) => e.to)).toEqual(['pending', 'firing']);
  });
});

describe('preview', () => {
  it('reports firings over past series with the same damping', () => {
    const points = Array.from(
      { length: 60 },
      (_, i) => [i * 10_000, i >= 10 && i < 40 ? (i % 2 ? 0.78 : 0.9) : 0.5] as const,
    );
    const p = previewThreshold(rule(), [{ series: 'core', points }]);
    expect(p.points).toHaveLength(60);
    expect(p.firings).toHaveLength(1);
    expect(p.firings[0]).toMatchObject({ series: 'core', peak: 0.9 });
    expect(p.firings[0]?.end).not.toBeNull();
  });
});

describe('evaluator + store over time', () => {
  it('turns 10 minutes of flapping samples into exactly one alert row', async () => {
    const store = new MemoryAlertStore();
    const rules = defaultRules('demo').filter((r) => r.id === 'db-connections');
    const t: ConnTrack = { kind: 'mysql', firstSeen: 0, up: true, values: new Map() };
    const conns = new Map([['core', t]]);
    for (let i = 0; i < 60; i++) {
      const now = i * 10_000;
      // Around the threshold (0.8) and across the clear threshold (0.7) on every sweep.
      const value = i % 2 ? 0.65 : 0.85;
      t.lastDataAt = now;
      t.values.set('r', { metric: 'mysql.connections_ratio', tags: {}, value, at: now });
      const open = await store.open('demo');
      for (const c of evaluate({
        envId: 'demo',
        rules,
        silences: [],
        open,
        conns,
        now,
        intervalMs: 10_000,
      })) {
        expect(
          await (c.isNew ? store.insert(c.stored, c.events) : store.update(c.stored, c.events)),
        ).toBe(true);
      }
    }
    const all = await store.list({ envId: 'demo', limit: 100 });
    expect(all).toHaveLength(1);
    expect(all[0]?.state).toBe('firing');
  });
});
