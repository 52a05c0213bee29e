// Business rows in MySQL for every tenant: shared-tier rows in the shared databases carrying the
// tenant id, dedicated tenants' rows in their own database. A few rows per table (more for bigger
// plans) and three months of history in the partitioned tables, sent as multi-row INSERTs.
import { randomUUID } from 'node:crypto';
import mysql, { type Pool } from 'mysql2/promise';
import type { TableShape } from './columns';
import type { Rng } from './random';
import { RowMaker } from './values';

export interface RowTenant {
  id: string;
  plan: string;
  /** Its own database (dedicated tiers); shared-tier rows go to each table's shared database. */
  database?: string;
}

/** Rows per tenant per table: plain tables, and partitioned (history) tables. */
const PER_PLAN: Record<string, { plain: number; history: number }> = {
  free: { plain: 3, history: 15 },
  basic: { plain: 5, history: 30 },
  pro: { plain: 8, history: 60 },
  enterprise: { plain: 15, history: 120 },
};
const HISTORY_DAYS = 90;
const CHUNK = 1000;
const LANES = 3;
const DAY = 86_400_000;

interface Batch {
  database: string;
  shape: TableShape;
  rows: unknown[][];
}

export function mysqlPool(port: number, connections = LANES): Pool {
  return mysql.createPool({
    host: '127.0.0.1',
    port,
    user: 'root',
    connectionLimit: connections,
    charset: 'utf8mb4',
  });
}

/** INSERT … VALUES (…), (…): mysql2 expands the nested array; names are quoted by the driver. */
export async function insertRows(pool: Pool, b: Batch): Promise<void> {
  const cols = b.shape.columns.map((c) => mysql.escapeId(c.name)).join(', ');
  const into = `${mysql.escapeId(b.database)}.${mysql.escapeId(b.shape.name)}`;
  for (let i = 0; i < b.rows.length; i += CHUNK) {
    await pool.query(`INSERT INTO ${into} (${cols}) VALUES ?`, [b.rows.slice(i, i + CHUNK)]);
  }
}

/** When a row was created: within the last 90 days, more of them recently (a growing platform). */
function createdAt(rng: Rng, now: number): Date {
  const age = 1 - Math.sqrt(rng.next());
  return new Date(now - age * HISTORY_DAYS * DAY - rng.int(0, 3_600_000));
}

/** Every tenant's rows, grouped by destination table. */
function buildBatches(shapes: TableShape[], tenants: RowTenant[], rng: Rng): Batch[] {
  const maker = new RowMaker(shapes, rng);
  const now = Date.now();
  const batches = new Map<string, Batch>();
  for (const t of tenants) {
    const size = PER_PLAN[t.plan] ?? { plain: 3, history: 15 };
    // Ids first, so customer_id, account_id… point at the tenant's own rows.
    const ids = new Map(
      shapes.map((s) => {
        const n = s.partitionColumn ? size.history : size.plain;
        const count = rng.int(Math.ceil(n * 0.7), Math.ceil(n * 1.3));
        return [s.name, Array.from({ length: count }, () => randomUUID())];
      }),
    );
    for (const shape of shapes) {
      const database = t.database ?? shape.database;
      const key = `${database}.${shape.name}`;
      let batch = batches.get(key);
      if (!batch) batches.set(key, (batch = { database, shape, rows: [] }));
      (ids.get(shape.name) ?? []).forEach((id, index) => {
        batch.rows.push(
          maker.row(shape, {
            tenantId: t.id,
            id,
            index,
            at: createdAt(rng, now),
            idsOf: (table) => ids.get(table) ?? [],
          }),
        );
      });
    }
  }
  // Biggest first, so the lanes finish together.
  return [...batches.values()].sort((a, b) => b.rows.length - a.rows.length);
}

/** Insert every tenant's rows; returns how many rows and INSERT statements it took. */
export async function seedRows(
  port: number,
  shapes: TableShape[],
  tenants: RowTenant[],
  rng: Rng,
): Promise<{ rows: number; tables: number }> {
  const batches = buildBatches(shapes, tenants, rng);
  const pool = mysqlPool(port);
  try {
    let next = 0;
    await Promise.all(
      Array.from({ length: LANES }, async () => {
        while (next < batches.length) await insertRows(pool, batches[next++] as Batch);
      }),
    );
  } finally {
    await pool.end();
  }
  return { rows: batches.reduce((n, b) => n + b.rows.length, 0), tables: batches.length };
}
