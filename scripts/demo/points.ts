// InfluxDB points: each tenant's activity in its own database (tenant_<id>) and the platform's
// totals in platform_metrics, as line protocol over the 1.x HTTP /write endpoint. Traffic follows
// a day in China (quiet at night, busy in office hours) so the charts have a shape.
import { fillTemplate, type Blueprint } from '../../shared/blueprint';
import type { Rng } from './random';

export interface PointTenant {
  id: string;
  plan: string;
  /** Only active tenants make calls (default: active). */
  status?: string;
}

const isActive = (t: PointTenant): boolean => (t.status ?? 'active') === 'active';

const FIVE_MIN = 300;
const LANES = 8;
/** Calls per five minutes at the busiest hour, by plan. */
const PEAK: Record<string, number> = { free: 4, basic: 30, pro: 200, enterprise: 900 };

/** 0.15 at 04:00 in China, 1 at 14:00. */
export function dayShape(epochSec: number): number {
  const hour = (epochSec / 3600 + 8) % 24;
  return 0.575 + 0.425 * Math.cos(((hour - 14) / 24) * 2 * Math.PI);
}

/** POST line protocol to /write (precision: seconds). */
export async function writePoints(baseUrl: string, db: string, lines: string[]): Promise<void> {
  if (lines.length === 0) return;
  const url = `${baseUrl}/write?db=${encodeURIComponent(db)}&precision=s`;
  const res = await fetch(url, { method: 'POST', body: lines.join('\n') });
  if (!res.ok) throw new Error(`influx write to ${db}: HTTP ${res.status} ${await res.text()}`);
}

/** Calls of a tenant in five minutes at `at`, by its plan and the time of day. */
const modelCalls = (plan: string, at: number, rng: Rng): number =>
  Math.round((PEAK[plan] ?? 4) * dayShape(at) * (0.7 + rng.next() * 0.6));

/** One point of a tenant's activity: `calls` made since the last point (default: five minutes' worth). */
export function tenantLine(
  t: PointTenant,
  at: number,
  rng: Rng,
  calls = modelCalls(t.plan, at, rng),
): string {
  const errors = rng.chance(0.08) ? rng.int(1, Math.max(1, Math.ceil(calls / 20))) : 0;
  const latency = (120 + rng.next() * 380).toFixed(1);
  const users = Math.max(calls > 0 ? 1 : 0, Math.round(calls / 6));
  return `tenant_activity,tenant=${t.id},plan=${t.plan} api_calls=${calls}i,errors=${errors}i,latency_ms=${latency},active_users=${users}i ${at}`;
}

/** One point of the whole platform per plan: its active tenants and the calls they made. */
export function platformLines(
  tenants: PointTenant[],
  at: number,
  rng: Rng,
  callsOf: (plan: string, tenants: number) => number = (plan, n) => n * modelCalls(plan, at, rng),
): string[] {
  const byPlan = new Map<string, number>();
  for (const t of tenants) byPlan.set(t.plan, (byPlan.get(t.plan) ?? 0) + 1);
  return [...byPlan].map(([plan, n]) => {
    const calls = callsOf(plan, n);
    const errors = Math.round(calls * rng.next() * 0.02);
    const p95 = (300 + rng.next() * 900).toFixed(1);
    return `platform_activity,plan=${plan} tenants_active=${n}i,api_calls=${calls}i,errors=${errors}i,p95_latency_ms=${p95} ${at}`;
  });
}

/** Six hours of each tenant and a day of the platform, every five minutes. */
export async function seedPoints(
  baseUrl: string,
  b: Blueprint,
  tenants: PointTenant[],
  rng: Rng,
): Promise<{ points: number; databases: number }> {
  const now = Math.floor(Date.now() / 1000 / FIVE_MIN) * FIVE_MIN;
  let points = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: LANES }, async () => {
      while (next < tenants.length) {
        const t = tenants[next++] as PointTenant;
        const lines: string[] = [];
        for (let at = now - 6 * 3600; at <= now; at += FIVE_MIN) {
          lines.push(isActive(t) ? tenantLine(t, at, rng) : tenantLine(t, at, rng, 0));
        }
        await writePoints(baseUrl, fillTemplate(b.influx.tenantBucket, t.id), lines);
        points += lines.length;
      }
    }),
  );
  const platform: string[] = [];
  for (let at = now - 24 * 3600; at <= now; at += FIVE_MIN) {
    platform.push(...platformLines(tenants.filter(isActive), at, rng));
  }
  await writePoints(baseUrl, b.influx.database, platform);
  return { points: points + platform.length, databases: tenants.length + 1 };
}
