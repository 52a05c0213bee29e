import { expect } from 'vitest';
import { BlueprintLoader } from '../../../electron/main/services/tenants/blueprints';
import type { TenantPlatform } from '../../support/tenants';

/** Rows of ai_call_logs spread over the tenants: acme 60 %, beta 30 %, strangers 10 %. */
export const SHARED_ROWS = 100_000;

export interface Seeded {
  /** Rows of each tenant in every shared table, counted by the test. */
  sharedRows: { acme: number; beta: number };
  acmeMonthCalls: number;
  acmeKeys: number;
  acmeRedisBytes: number;
}

const DAY = 86_400_000;
const dayKey = (d: Date): string => d.toISOString().slice(0, 10).replaceAll('-', '');
/** A random UUID made by the server (MD5 of a random number, in UUID layout). */
const UUID_SQL =
  "LOWER(CONCAT(SUBSTR(h,1,8),'-',SUBSTR(h,9,4),'-',SUBSTR(h,13,4),'-',SUBSTR(h,17,4),'-',SUBSTR(h,21,12)))";

/** acme (basic, shared), beta (free, shared), gamma (pro, own schema), delta (leaving), with known data. */
export async function seedQuotaPlatform(p: TenantPlatform, env: string): Promise<Seeded> {
  const applied = await p.job('tenants.applyBlueprint', { envId: env });
  expect(applied.state, JSON.stringify(applied.error)).toBe('completed');
  for (const [id, plan, tier] of [
    ['acme', 'basic', 'shared'],
    ['beta', 'free', 'shared'],
    ['gamma', 'pro', 'dedicated_schema'],
    ['delta', 'free', 'shared'],
  ] as const) {
    const rec = await p.job('tenants.provision', {
      envId: env,
      spec: { id, name: `${id} Inc`, plan, tier },
    });
    expect(rec.state, JSON.stringify(rec.error)).toBe('completed');
  }
  // delta is leaving: still metered (its data is there), but its limits no longer change.
  await p.call('tenants.markForDeletion', {
    envId: env,
    tenantId: 'delta',
    reason: 'contract ended',
  });
  const db = p.db;
  await db.query(
    `INSERT INTO ai_agent_platform.ai_call_logs (id, tenant_id, platform_type, request_id, status, created_at)
     SELECT ${UUID_SQL}, t, 'dify', CONCAT('r', seq), 'success', UTC_TIMESTAMP(3) FROM (
       SELECT seq, MD5(CONCAT(seq, RAND())) AS h,
              CASE WHEN seq % 10 < 6 THEN 'acme' WHEN seq % 10 < 9 THEN 'beta' ELSE CONCAT('other', seq % 40) END AS t
         FROM ai_agent_platform.seq_1_to_${SHARED_ROWS}) s`,
  );
  await db.query('ANALYZE TABLE ai_agent_platform.ai_call_logs');
  const user = (t: string, n: number, schema = 'saas_unified_core') =>
    db.query(
      `INSERT INTO ${schema}.saas_unified_users (id, tenant_id, username, email, password_hash) VALUES (?, ?, ?, ?, 'x')`,
      [`${t}-u${n}-0000-0000-000000000000`.slice(0, 36), t, `u${n}`, `u${n}@${t}.test`],
    );
  for (let i = 1; i <= 3; i++) await user('acme', i);
  for (let i = 1; i <= 2; i++) await user('beta', i);
  for (let i = 1; i <= 4; i++) await user('gamma', i, 'tenant_gamma');
  const service = (t: string, n: number, schema = 'core_business_platform') =>
    db.query(
      `INSERT INTO ${schema}.services (id, tenant_id, service_code, name) VALUES (?, ?, ?, ?)`,
      [`${t}-s${n}`, t, `s${n}`, `Service ${n}`],
    );
  await service('acme', 1);
  await service('acme', 2);
  await service('gamma', 1, 'tenant_gamma');
  const now = new Date();
  const today = now.toISOString().slice(0, 10);
  const lastMonth = new Date(now.getTime() - 40 * DAY).toISOString().slice(0, 10);
  await db.query(
    `INSERT INTO saas_unified_core.saas_unified_usage_stats (id, tenant_id, user_id, stat_date, api_calls, tokens_used) VALUES
     ('p1', 'acme', 'u1', ?, 10, 1000), ('p2', 'acme', 'u2', ?, 5, 500), ('p3', 'acme', 'u1', ?, 99, 9999)`,
    [today, today, lastMonth],
  );

  // Redis (business db 1): this month's counters, last month's (not counted), sessions.
  const r = p.redisClient;
  await r.select(1);
  const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const days = dayKey(first) === dayKey(now) ? [now] : [first, now];
  let acmeMonthCalls = 0;
  for (const [i, d] of days.entries()) {
    await r.set(`t:acme:api_calls:${dayKey(d)}`, 300 + i * 400);
    acmeMonthCalls += 300 + i * 400;
  }
  await r.set(`t:acme:api_calls:${dayKey(new Date(now.getTime() - 40 * DAY))}`, 5000);
  for (let i = 0; i < 4; i++) await r.set(`t:acme:session:${i}`, 'x'.repeat(100 * (i + 1)));
  await r.set(`t:beta:api_calls:${dayKey(now)}`, 1200); // free: 1,000 a month
  const acmeKeyNames = await r.keys('t:acme:*');
  let acmeRedisBytes = 0;
  for (const k of acmeKeyNames) acmeRedisBytes += Number(await r.call('MEMORY', 'USAGE', k));
  await r.select(0);

  // InfluxDB: two series, ten points in acme's database.
  const lines = Array.from(
    { length: 10 },
    (_, i) => `cpu,host=h${i % 2} v=${i} ${BigInt(Date.now() - i * 60_000) * 1_000_000n}`,
  );
  await p.influx.write('tenant_acme', lines.join('\n'));

  // MongoDB: four documents in acme's statistics collection.
  await p.mongoClient
    .db('business_db')
    .collection('tenant_acme_statistics')
    .insertMany(
      [1, 2, 3, 4].map((n) => ({
        stat_type: 'daily',
        period: 'd',
        date: `2026-01-0${n}`,
        tenant_id: 'acme',
      })),
    );

  const { blueprint } = await new BlueprintLoader().load('default');
  const sharedRows = { acme: 0, beta: 0 };
  for (const d of blueprint.mysql.databases) {
    for (const t of d.tables) {
      const [row] = await db.query<{ a: number; b: number }>(
        `SELECT SUM(tenant_id = 'acme') AS a, SUM(tenant_id = 'beta') AS b FROM \`${d.name}\`.\`${t.name}\``,
      );
      sharedRows.acme += Number(row?.a ?? 0);
      sharedRows.beta += Number(row?.b ?? 0);
    }
  }
  return { sharedRows, acmeMonthCalls, acmeKeys: acmeKeyNames.length, acmeRedisBytes };
}

/** Rows the server read through handlers (index and table scans), summed. */
export async function handlerReads(p: TenantPlatform): Promise<number> {
  const rows = await p.db.query<{ Variable_name: string; Value: string }>(
    "SHOW GLOBAL STATUS WHERE Variable_name IN ('Handler_read_next', 'Handler_read_rnd_next', 'Handler_read_prev')",
  );
  return rows.reduce((a, r) => a + Number(r.Value), 0);
}
