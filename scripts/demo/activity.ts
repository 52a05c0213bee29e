// A light, steady hum of tenant traffic while the console runs, so its charts move: every two
// seconds a few active tenants get new events and call logs (partitioned tables), their API-call
// counters go up, a few reads hit MariaDB, and points land in InfluxDB. One tick at a time, a
// handful of statements each: the console must stay quick.
import { randomUUID } from 'node:crypto';
import mysql, { type Pool, type RowDataPacket } from 'mysql2/promise';
import type { Redis } from 'ioredis';
import { fillTemplate, type Blueprint } from '../../shared/blueprint';
import { shapesOf, type TableShape } from './columns';
import { dayKey, redisClient } from './keys';
import { platformLines, tenantLine, writePoints, type PointTenant } from './points';
import { makeRng } from './random';
import { insertRows, mysqlPool } from './rows';
import { errorText, say } from './say';
import { RowMaker } from './values';

export interface ActivityTargets {
  mysqlPort: number;
  redisPort: number;
  influxUrl: string;
  blueprint: Blueprint;
  /** Partitioned tables written to (default: events and call logs, else the first two). */
  tables?: string[];
}

export interface Activity {
  stop(): Promise<void>;
}

interface LiveTenant extends PointTenant {
  database?: string;
}

const TICK_MS = 2_000;
const TENANTS_PER_TICK = 3;

/** Active tenants from the catalog, as the console sees them. */
async function activeTenants(pool: Pool, b: Blueprint): Promise<LiveTenant[]> {
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT id, plan, placement FROM ${mysql.escapeId(b.catalog.database)}.tenants WHERE status = 'active'`,
  );
  return rows.map((r) => {
    const placement = (typeof r.placement === 'string' ? JSON.parse(r.placement) : r.placement) as {
      database?: string;
    };
    return {
      id: String(r.id),
      plan: String(r.plan),
      ...(placement.database && { database: placement.database }),
    };
  });
}

export async function startActivity(t: ActivityTargets): Promise<Activity> {
  const b = t.blueprint;
  const rng = makeRng(Date.now() % 100_000);
  const shapes = shapesOf(b);
  const wanted = t.tables ?? ['customer_behavior_events', 'ai_call_logs'];
  const partitioned = shapes.filter((s) => s.partitionColumn);
  const named = partitioned.filter((s) => wanted.includes(s.name));
  const tables = named.length > 0 ? named : partitioned.slice(0, 2);
  const maker = new RowMaker(shapes, rng);
  const pool = mysqlPool(t.mysqlPort, 2);
  const redis: Redis = redisClient(t.redisPort, b.redis.businessDb);
  await redis.connect();
  const tenants = await activeTenants(pool, b);
  // Codes keep growing across runs, so a re-run never repeats a unique request id.
  let counter = Math.floor(Date.now() / 1000) * 100;
  const errors = new Set<string>();

  const writeRows = async (tenant: LiveTenant, shape: TableShape): Promise<void> => {
    const rows = Array.from({ length: rng.int(1, 3) }, () =>
      maker.row(shape, {
        tenantId: tenant.id,
        id: randomUUID(),
        index: counter++,
        at: new Date(),
        idsOf: () => [],
      }),
    );
    await insertRows(pool, { database: tenant.database ?? shape.database, shape, rows });
  };

  const tick = async (): Promise<void> => {
    if (tenants.length === 0) return;
    const picked = Array.from({ length: TENANTS_PER_TICK }, () => rng.pick(tenants));
    const now = Math.floor(Date.now() / 1000);
    const today = dayKey(new Date());
    // The same calls show in Redis (the quota counter) and InfluxDB (the activity charts).
    const callsByPlan = new Map<string, number>();
    await Promise.all(
      picked.map(async (tenant) => {
        const calls = rng.int(1, 25);
        callsByPlan.set(tenant.plan, (callsByPlan.get(tenant.plan) ?? 0) + calls);
        for (const shape of tables) await writeRows(tenant, shape);
        const prefix = fillTemplate(b.redis.keyPrefix, tenant.id);
        await redis.incrby(`${prefix}api_calls:${today}`, calls);
        // What a tenant's dashboard asks: its last hour in each table.
        for (const shape of tables) {
          const from = `${mysql.escapeId(tenant.database ?? shape.database)}.${mysql.escapeId(shape.name)}`;
          await pool.query(
            `SELECT COUNT(*) AS n FROM ${from} WHERE ${mysql.escapeId(shape.tenantColumn)} = ? AND ${mysql.escapeId(shape.partitionColumn ?? 'created_at')} >= UTC_TIMESTAMP() - INTERVAL 1 HOUR`,
            [tenant.id],
          );
        }
        await writePoints(t.influxUrl, fillTemplate(b.influx.tenantBucket, tenant.id), [
          tenantLine(tenant, now, rng, calls),
        ]);
      }),
    );
    const platform = platformLines(tenants, now, rng, (plan) => callsByPlan.get(plan) ?? 0);
    await writePoints(t.influxUrl, b.influx.database, platform);
  };

  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (running) return; // one tick at a time: a slow store never piles work up
    running = tick()
      .catch((e: unknown) => {
        const msg = errorText(e);
        if (!errors.has(msg)) say(`background activity: ${msg} (it keeps going)`);
        errors.add(msg);
      })
      .finally(() => (running = undefined));
  }, TICK_MS);
  say(
    `background activity: ${TENANTS_PER_TICK} of ${tenants.length} active tenants every ${TICK_MS / 1000} s (${tables.map((s) => s.name).join(', ')}, API counters, InfluxDB)`,
  );

  return {
    async stop() {
      clearInterval(timer);
      await running;
      redis.disconnect();
      await pool.end().catch(() => undefined);
    },
  };
}
