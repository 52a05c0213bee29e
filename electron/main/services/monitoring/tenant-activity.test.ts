import { describe, expect, it } from 'vitest';
import { environmentSchema } from '../../../../shared/models/environment';
import { BlueprintLoader } from '../tenants/blueprints';
import { activityPlan, dayOf, partitionOf, rank } from './tenant-activity';

const conn = (id: string, kind: string, role: string) => ({
  id,
  name: id,
  kind,
  role,
  host: '127.0.0.1',
  port: 1,
});

describe('tenant activity', () => {
  it('names the partition and the counter day in UTC', () => {
    const d = new Date(Date.UTC(2026, 0, 31, 23, 59));
    expect(partitionOf(d)).toBe('p202601');
    expect(dayOf(d)).toBe('20260131');
  });

  it('plans from the blueprint: partitioned tables by shard, counters in the business db', async () => {
    const { blueprint } = await new BlueprintLoader().load('default');
    const env = environmentSchema.parse({
      id: 'e',
      name: 'E',
      connections: [conn('core', 'mysql', 'core'), conn('cache', 'redis', 'cache')],
    });
    const plan = activityPlan(env, blueprint, '20261201');
    expect([...plan.shards.keys()]).toEqual(['core']);
    const tables = plan.shards.get('core')!.map((t) => `${t.database}.${t.table}`);
    expect(tables).toContain('saas_unified_core.saas_unified_audit_logs');
    expect(tables).not.toContain('saas_unified_core.saas_unified_users');
    expect(plan.redis).toMatchObject({
      connectionId: 'cache',
      db: 1,
      pattern: 't:*:api_calls:20261201',
    });
    expect(plan.redis!.tenantOf('t:acme:api_calls:20261201')).toBe('acme');
    expect(plan.redis!.tenantOf('x:acme:api_calls:20261201')).toBe('');
  });

  it('ranks by rows, then API calls, summing tables', () => {
    const calls = new Map([
      ['b', 50],
      ['c', 9],
    ]);
    const r = rank(
      [
        {
          name: 'd.t1',
          counts: new Map([
            ['a', 5],
            ['b', 3],
            ['c', 3],
          ]),
        },
        { name: 'd.t2', counts: new Map([['b', 2]]) },
      ],
      calls,
    );
    expect(r.tenants).toBe(3);
    expect(r.ranking).toEqual([
      { tenantId: 'b', rows: 5, apiCalls: 50, byTable: { 'd.t1': 3, 'd.t2': 2 } },
      { tenantId: 'a', rows: 5, apiCalls: 0, byTable: { 'd.t1': 5 } },
      { tenantId: 'c', rows: 3, apiCalls: 9, byTable: { 'd.t1': 3 } },
    ]);
  });
});
