// The anchor of the provisioning benchmark: the same objects created straight through the
// drivers — no blueprint checks, no journal, no rollback, no audit, no job. What Keel adds on
// top of this is the price of "nothing half-done is left behind".
import { createHash, randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import mysql from 'mysql2/promise';
import type { Blueprint } from '../shared/blueprint';
import { createDatabaseSql, createTableSql } from '../electron/main/services/tenants/ddl';

export interface AnchorTargets {
  mysqlPort: number;
  redisPort: number;
  influxUrl: string;
  mongoUrl: string;
}

export class BareProvisioner {
  private constructor(
    private readonly b: Blueprint,
    private readonly pool: mysql.Pool,
    private readonly redis: Redis,
    private readonly mongo: MongoClient,
    private readonly influxUrl: string,
  ) {}

  static async open(b: Blueprint, t: AnchorTargets): Promise<BareProvisioner> {
    const pool = mysql.createPool({
      host: '127.0.0.1',
      port: t.mysqlPort,
      user: 'root',
      connectionLimit: 10,
    });
    await pool.query(createDatabaseSql('bench_anchor'));
    await pool.query(
      'CREATE TABLE IF NOT EXISTS bench_anchor.tenants (id VARCHAR(36) PRIMARY KEY, name VARCHAR(100), plan VARCHAR(20), tier VARCHAR(24), status VARCHAR(20), created_at DATETIME(3))',
    );
    const redis = new Redis({ port: t.redisPort });
    const mongo = await MongoClient.connect(t.mongoUrl);
    return new BareProvisioner(b, pool, redis, mongo, t.influxUrl);
  }

  async provision(id: string, plan: string, dedicated: boolean): Promise<void> {
    const b = this.b;
    if (dedicated) {
      const db = `anchor_${id}`;
      await this.pool.query(createDatabaseSql(db));
      const tables = b.mysql.databases.flatMap((d) => d.tables);
      let next = 0;
      const now = new Date();
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          while (next < tables.length) {
            const table = tables[next++];
            if (table) await this.pool.query(createTableSql(db, table, now));
          }
        }),
      );
    }
    const bdb = this.mongo.db('anchor_business');
    await Promise.all(
      b.mongo.business.tenantCollections.map(async (c) => {
        const name = `tenant_${id}_${c.name}`;
        await bdb.command({ create: name, ...(c.validator && { validator: c.validator }) });
        if (c.indexes.length > 0) {
          await bdb.command({
            createIndexes: name,
            indexes: c.indexes.map((i) => ({
              key: i.keys,
              name: Object.entries(i.keys)
                .map(([k, v]) => `${k}_${v}`)
                .join('_'),
              ...(i.unique && { unique: true }),
            })),
          });
        }
      }),
    );
    const hash = createHash('sha256').update(randomBytes(32)).digest('hex');
    await this.redis.call(
      'ACL',
      'SETUSER',
      `anchor_${id}`,
      'reset',
      'on',
      `#${hash}`,
      `~a:${id}:*`,
      '+@all',
      '-@admin',
      '-@dangerous',
    );
    await this.redis.hset(`a:${id}:quota`, 'plan', plan);
    const res = await fetch(`${this.influxUrl}/query`, {
      method: 'POST',
      body: new URLSearchParams({
        q: `CREATE DATABASE "anchor_${id}" WITH DURATION 30d NAME "keel"`,
      }),
    });
    if (!res.ok) throw new Error(`influx ${res.status}`);
    await this.pool.query(
      "INSERT INTO bench_anchor.tenants (id, name, plan, tier, status, created_at) VALUES (?, ?, ?, ?, 'active', NOW(3))",
      [id, id, plan, dedicated ? 'dedicated_schema' : 'shared'],
    );
  }

  async close(): Promise<void> {
    await this.pool.end();
    this.redis.disconnect();
    await this.mongo.close();
  }
}
