import { describe, expect, it } from 'vitest';
import type { HealthEntry, ProbeResult } from '@shared/models/health';
import { countByStatus, groupEntries, mergeResults, upsertEntry } from './grouping';

const result = (o: Partial<ProbeResult>): ProbeResult => ({
  envId: 'demo',
  connectionId: 'core',
  endpoint: 'primary',
  kind: 'mysql',
  name: 'Core',
  role: 'core',
  address: '127.0.0.1:3306',
  at: '2025-01-01T00:00:00.000Z',
  status: 'up',
  ...o,
});
const entry = (o: Partial<ProbeResult>): HealthEntry => ({
  latest: result(o),
  history: [],
  pool: null,
  breaker: 'closed',
});

describe('health grouping', () => {
  it('replaces the entry of the same env, connection and endpoint', () => {
    const snap = { intervalMs: 10_000, entries: [entry({}), entry({ endpoint: 'replica' })] };
    const next = upsertEntry(snap, entry({ status: 'down' }));
    expect(next.entries.map((e) => [e.latest.endpoint, e.latest.status])).toEqual([
      ['primary', 'down'],
      ['replica', 'up'],
    ]);
    const added = upsertEntry(snap, entry({ envId: 'prod' }));
    expect(added.entries).toHaveLength(3);
    expect(snap.entries).toHaveLength(2);
  });

  it('applies probe answers only when newer', () => {
    const snap = { intervalMs: 1, entries: [entry({ at: '2025-01-01T00:00:10.000Z' })] };
    expect(mergeResults(snap, [result({ status: 'down', at: '2025-01-01T00:00:05.000Z' })])).toBe(
      snap,
    );
    const next = mergeResults(snap, [result({ status: 'down', at: '2025-01-01T00:00:20.000Z' })]);
    expect(next.entries[0]?.latest.status).toBe('down');
  });

  it('counts by status', () => {
    expect(
      countByStatus([entry({}), entry({ status: 'down' }), entry({ status: 'down' })]),
    ).toEqual({
      up: 1,
      degraded: 0,
      down: 2,
      unknown: 0,
    });
  });

  it('groups by environment order, then role order, then name with primary first', () => {
    const entries = [
      entry({ envId: 'prod', connectionId: 'a', role: 'cache' }),
      entry({ connectionId: 'metrics', role: 'metrics' }),
      entry({ connectionId: 'crm', role: 'business:crm' }),
      entry({ connectionId: 'core', role: 'core', endpoint: 'replica' }),
      entry({ connectionId: 'core', role: 'core' }),
      entry({ connectionId: 'aaa', role: 'zzz_custom' }),
      entry({ connectionId: 'cache', role: 'cache' }),
    ];
    const names: Record<string, string> = { core: 'Core', crm: 'CRM' };
    const groups = groupEntries(entries, ['demo', 'prod'], (_e, c) => names[c] ?? c);
    expect(groups.map((g) => g.envId)).toEqual(['demo', 'prod']);
    expect(groups[0]?.roles.map((r) => r.role)).toEqual([
      'core',
      'business:crm',
      'cache',
      'metrics',
      'zzz_custom',
    ]);
    expect(groups[0]?.roles[0]?.entries.map((e) => e.latest.endpoint)).toEqual([
      'primary',
      'replica',
    ]);
  });
});
