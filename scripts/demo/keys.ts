// Redis keys of every tenant in the business db, under its prefix (t:<id>:): a month of daily
// API-call counters sized to its plan's quota, a few live sessions with a TTL (active tenants
// only: a suspended tenant's users are signed out), and a dashboard cache hash.
import { Redis } from 'ioredis';
import { fillTemplate, type Blueprint } from '../../shared/blueprint';
import type { Rng } from './random';

export interface KeyTenant {
  id: string;
  plan: string;
  status: string;
}

const DAY = 86_400_000;
const HISTORY_DAYS = 30;
/** Calls a day when the plan sets no quota (enterprise). */
const UNLIMITED_DAILY = 12_000;

/** 20240601: the day a counter counts, in UTC. */
export const dayKey = (d: Date): string => d.toISOString().slice(0, 10).replaceAll('-', '');

export function redisClient(port: number, db: number): Redis {
  return new Redis({ host: '127.0.0.1', port, db, lazyConnect: true, maxRetriesPerRequest: 2 });
}

/** A tenant's daily calls: a share of its monthly quota, a few tenants close to the limit. */
export function dailyCalls(b: Blueprint, plan: string, rng: Rng): number {
  const monthly = b.plans[plan]?.apiCalls;
  const base = monthly === null || monthly === undefined ? UNLIMITED_DAILY : monthly / 30;
  return Math.max(1, Math.round(base * (rng.chance(0.1) ? 1.05 : 0.2 + rng.next() * 0.7)));
}

export async function seedKeys(
  port: number,
  b: Blueprint,
  tenants: KeyTenant[],
  rng: Rng,
): Promise<{ keys: number }> {
  const redis = redisClient(port, b.redis.businessDb);
  await redis.connect();
  let keys = 0;
  try {
    const now = Date.now();
    for (let i = 0; i < tenants.length; i += 25) {
      const pipe = redis.pipeline();
      for (const t of tenants.slice(i, i + 25)) {
        const p = fillTemplate(b.redis.keyPrefix, t.id);
        const daily = dailyCalls(b, t.plan, rng);
        // Suspended and leaving tenants stopped calling a few days ago.
        const silent = t.status === 'active' ? 0 : rng.int(3, 10);
        for (let d = silent; d < HISTORY_DAYS; d++) {
          const calls = Math.round(daily * (0.6 + rng.next() * 0.8));
          const key = `${p}api_calls:${dayKey(new Date(now - d * DAY))}`;
          pipe.set(key, calls, 'EX', (40 - d) * 86_400);
          keys++;
        }
        if (t.status === 'active') {
          for (let s = rng.int(1, 5); s > 0; s--) {
            const session = JSON.stringify({
              user: `user${rng.int(1, 20)}`,
              ip: `10.0.${rng.int(0, 255)}.${rng.int(1, 254)}`,
            });
            pipe.set(`${p}session:${rng.hex(32)}`, session, 'EX', rng.int(600, 7_200));
            keys++;
          }
        }
        pipe.hset(`${p}cache:dashboard`, {
          customers: rng.int(5, 5_000),
          orders_today: rng.int(0, 300),
          revenue_today: (rng.next() * 20_000).toFixed(2),
          refreshed_at: new Date(now).toISOString(),
        });
        pipe.expire(`${p}cache:dashboard`, 3_600);
        keys++;
      }
      for (const [err] of (await pipe.exec()) ?? []) if (err) throw err;
    }
  } finally {
    redis.disconnect();
  }
  return { keys };
}
