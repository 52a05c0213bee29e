import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { TenantSummary } from '../../../../shared/tenants';
import type { JobContext } from '../jobs/types';
import type { Catalog } from './catalog';
import { createDatabaseSql, createTableSql, qualified } from './ddl';
import type { Targets } from './placement';
import { ensureCollection } from './mongo-steps';
import type { StoreAccess } from './names';

type Row = RowDataPacket & Record<string, unknown>;
const DELETE_BATCH = 5000;

/** The platform-wide part of the blueprint: catalog, shared databases, platform collections, metrics. */
export class Platform {
  constructor(
    private readonly t: Targets,
    private readonly stores: StoreAccess,
    private readonly catalog: Catalog,
  ) {}

  /** Create what is missing; change nothing that exists. */
  async apply(
    job: Pick<JobContext, 'signal' | 'progress' | 'log'>,
  ): Promise<{ created: number; existed: number }> {
    const b = this.t.blueprint;
    const mongo = this.t.mongoPlatform;
    const total =
      1 +
      b.mysql.databases.reduce((n, d) => n + 1 + d.tables.length, 0) +
      (mongo ? b.mongo.platform.collections.length : 0) +
      (this.t.influx ? 1 : 0);
    let done = 0;
    let created = 0;
    let existed = 0;
    const step = (made: boolean, what: string): void => {
      if (made) created++;
      else existed++;
      job.progress({ done: ++done, total, message: what });
    };
    await this.catalog.migrate(b);
    step(true, `catalog ${b.catalog.database}`);
    const now = new Date();
    for (const db of b.mysql.databases) {
      job.signal.throwIfAborted();
      const conn = this.t.business.get(db.name) ?? this.t.catalog;
      const my = await this.stores.mysql(conn.id);
      const present = new Set(
        (
          await my.query<Row[]>(
            'SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?',
            [db.name],
          )
        ).map((r) => String(r.t)),
      );
      const schemas = await my.query<Row[]>(
        'SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
        [db.name],
      );
      await my.query(createDatabaseSql(db.name), [], { signal: job.signal });
      step(schemas.length === 0, `database ${db.name}`);
      for (const table of db.tables) {
        await my.query(createTableSql(db.name, table, now), [], {
          signal: job.signal,
          timeoutMs: 60_000,
        });
        step(!present.has(table.name), `${db.name}.${table.name}`);
      }
    }
    if (mongo) {
      const m = await this.stores.mongo(mongo.id);
      const dbName = b.mongo.platform.database;
      for (const c of b.mongo.platform.collections) {
        job.signal.throwIfAborted();
        const made = await ensureCollection(m, dbName, c.name, c, job.signal);
        step(made, `${dbName}.${c.name}`);
      }
    } else {
      job.log('warn', 'no MongoDB connection: platform collections not created');
    }
    if (this.t.influx) {
      const influx = await this.stores.influx(this.t.influx.id);
      const name = b.influx.database;
      const had = await influx.databaseExists(name, { signal: job.signal });
      await influx.ensureDatabase(name, b.influx.retentionDays * 86_400, { signal: job.signal });
      step(!had, `metrics ${name}`);
    }
    return { created, existed };
  }

  /** Shared tier purge: delete the tenant's rows from every shared table, in batches. */
  async deleteSharedRows(tenantId: string, signal: AbortSignal): Promise<number> {
    let total = 0;
    for (const db of this.t.blueprint.mysql.databases) {
      const conn = this.t.business.get(db.name) ?? this.t.catalog;
      const my = await this.stores.mysql(conn.id);
      for (const table of db.tables) {
        for (;;) {
          signal.throwIfAborted();
          const r = await my.query<RowDataPacket[]>(
            `DELETE FROM ${qualified(db.name, table.name)} WHERE ${qualifiedColumn(table.tenantColumn)} = ? LIMIT ${DELETE_BATCH}`,
            [tenantId],
            { signal, timeoutMs: 120_000 },
          );
          const affected = (r as unknown as ResultSetHeader).affectedRows;
          total += affected;
          if (affected < DELETE_BATCH) break;
        }
      }
    }
    return total;
  }

  /** Rows the tenant has in each table: shared tables filtered by tenant id, or its own database. */
  async rowCounts(
    t: TenantSummary,
  ): Promise<Array<{ database: string; table: string; rows: number }>> {
    const tables = this.t.blueprint.mysql.databases.flatMap((db) =>
      db.tables.map((table) => ({ db: db.name, table })),
    );
    if (t.placement.database) {
      const my = await this.stores.mysql(t.placement.connectionId);
      const database = t.placement.database;
      const present = new Set(
        (
          await my.query<Row[]>(
            'SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?',
            [database],
          )
        ).map((r) => String(r.t)),
      );
      return Promise.all(
        tables
          .filter((x) => present.has(x.table.name))
          .map(async (x) => {
            const [r] = await my.query<Row[]>(
              `SELECT COUNT(*) AS n FROM ${qualified(database, x.table.name)}`,
            );
            return { database, table: x.table.name, rows: Number(r?.n ?? 0) };
          }),
      );
    }
    return Promise.all(
      tables.map(async (x) => {
        const conn = this.t.business.get(x.db) ?? this.t.catalog;
        const my = await this.stores.mysql(conn.id);
        const [r] = await my.query<Row[]>(
          `SELECT COUNT(*) AS n FROM ${qualified(x.db, x.table.name)} WHERE ${qualifiedColumn(x.table.tenantColumn)} = ?`,
          [t.id],
        );
        return { database: x.db, table: x.table.name, rows: Number(r?.n ?? 0) };
      }),
    );
  }
}

const qualifiedColumn = (c: string): string => `\`${c.replaceAll('`', '``')}\``;
