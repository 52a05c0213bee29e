import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  levelOf,
  ratioOf,
  utilisation,
  wantedFlags,
} from '../../electron/main/services/quotas/evaluate';
import { previewPlan } from '../../electron/main/services/quotas/plan';
import {
  estimateFromRuns,
  keyPosition,
  runStarts,
  type SampledRow,
} from '../../electron/main/services/quotas/sample';
import { parseBlueprint } from '../../electron/main/services/tenants/blueprints';
import { readFileSync } from 'node:fs';
import type { TenantUsage } from '../../shared/quotas';
import type { TenantSummary } from '../../shared/tenants';

/** What `WHERE id >= start ORDER BY id LIMIT n` returns from a sorted table, per run. */
function runRows(ids: Array<{ id: string; tenant: string }>, starts: string[], limit: number) {
  const rows: SampledRow[] = [];
  starts.forEach((s, run) => {
    let lo = 0;
    let hi = ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((ids[mid]?.id ?? '') < s) lo = mid + 1;
      else hi = mid;
    }
    const from = lo;
    for (const x of ids.slice(from, from + limit)) rows.push({ run, ...x });
  });
  return rows;
}

describe('primary-key sample estimates', () => {
  const table = (n: number, share: (i: number) => string) =>
    Array.from({ length: n }, (_, i) => ({ id: randomUUID(), tenant: share(i) })).sort((a, b) =>
      a.id < b.id ? -1 : 1,
    );

  it('estimates each tenant within its stated bound (95 %: few misses in 60 tables)', () => {
    let misses = 0;
    for (let k = 0; k < 60; k++) {
      const ids = table(10_000, (i) => (i % 10 < 6 ? 'a' : i % 10 < 9 ? 'b' : 'c'));
      const starts = runStarts(64);
      const est = estimateFromRuns(starts, 16, runRows(ids, starts, 16))!;
      const a = est.byTenant.get('a')!;
      if (Math.abs(a.rows - 6_000) > a.error) misses++;
      expect(est.rows).toBeGreaterThan(900);
    }
    // 95 % bounds: about 3 misses expected; 10 would mean the stated error is too small.
    expect(misses).toBeLessThan(10);
  }, 60_000);

  it('counts every row of a table smaller than the runs cover (no double counting)', () => {
    const ids = table(300, (i) => (i < 100 ? 'a' : 'b'));
    const starts = runStarts(64, 0.5);
    const est = estimateFromRuns(starts, 16, runRows(ids, starts, 16))!;
    expect(est.rows).toBeLessThanOrEqual(300);
    expect(Math.abs(est.total.rows - 300)).toBeLessThanOrEqual(est.total.error);
  });

  it('refuses ids that are not UUIDs rather than guessing', () => {
    expect(keyPosition('acme-0001')).toBeUndefined();
    const starts = runStarts(4, 0);
    const rows = starts.flatMap((_, run) =>
      Array.from({ length: 16 }, (_, i) => ({ run, id: `acme-${run}-${i}`, tenant: 'acme' })),
    );
    expect(estimateFromRuns(starts, 16, rows)).toBeUndefined();
  });
});

describe('utilisation and plan previews', () => {
  const m = (value: number) => ({ value, method: 'exact' as const, error: 0 });
  const usage = (apiCalls: number, users: number): TenantUsage =>
    ({
      tenantId: 'acme',
      apiCalls: m(apiCalls),
      aiTokens: m(0),
      storageMb: m(10),
      users: m(users),
      services: { value: 0, method: 'unknown', error: 0 },
    }) as unknown as TenantUsage;

  it('grades 80 / 90 / over-100 %, unlimited and unknown', () => {
    expect(levelOf(0.79, m(1))).toBe('ok');
    expect(levelOf(0.8, m(1))).toBe('warning');
    expect(levelOf(0.9, m(1))).toBe('alert');
    expect(levelOf(1, m(1))).toBe('alert');
    expect(levelOf(1.01, m(1))).toBe('over');
    expect(ratioOf(5, null)).toBeNull();
    expect(ratioOf(3, 0)).toBe(3);
    const u = utilisation(
      usage(1200, 1),
      { apiCalls: 1000, storageMb: 100, users: 1, services: 1 },
      [],
    );
    expect(wantedFlags(u)).toEqual({ over: ['apiCalls'], keep: ['services'] });
    const o = utilisation(
      usage(1200, 1),
      { apiCalls: 1000, storageMb: 100, users: 1, services: 1 },
      [
        {
          dimension: 'apiCalls',
          limit: null,
          reason: 'r',
          actor: 'a',
          at: new Date().toISOString(),
        },
      ],
    );
    expect(o[0]).toMatchObject({ limit: null, ratio: null, level: 'ok', source: 'override' });
  });

  it('says a downgrade sets flags and needs confirmation; an upgrade clears them', () => {
    const b = parseBlueprint(readFileSync('resources/blueprints/default.yaml', 'utf8'), 'default');
    const t = { id: 'acme', plan: 'basic', tier: 'shared', quotas: {} } as unknown as TenantSummary;
    const at = { at: new Date().toISOString(), usage: usage(2000, 3) };
    const down = previewPlan(b, t, 'free', at, [], []);
    expect(down).toMatchObject({ direction: 'downgrade', fits: false, confirmRequired: true });
    expect(down.flagsSet.sort()).toEqual(['apiCalls', 'users']);
    const up = previewPlan(
      b,
      { ...t, plan: 'free' } as TenantSummary,
      'basic',
      at,
      [],
      ['apiCalls', 'users'],
    );
    expect(up).toMatchObject({
      direction: 'upgrade',
      fits: true,
      confirmRequired: false,
      flagsSet: [],
    });
    expect(up.flagsCleared.sort()).toEqual(['apiCalls', 'users']);
    expect(() => previewPlan(b, t, 'gold', at, [], [])).toThrow(/unknown plan gold/);
  });
});
