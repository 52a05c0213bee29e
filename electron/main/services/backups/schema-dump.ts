import type { RowDataPacket } from 'mysql2';
import { q, type Worker } from './mysql-conn';
import type { ResolvedScope } from './scope';

/** One named object and the statement that creates it, as the server prints it. */
export interface SqlObject {
  name: string;
  create: string;
}

/**
 * `schema.json` of a backup. A restore runs, per database: `create`, then `tables` and
 * `sequences`, loads the data, then `views` (in order: a view may use an earlier one), `routines`,
 * `triggers` and `events`. `whole` is false when only some tables were taken.
 */
export interface SchemaDump {
  databases: Array<{
    name: string;
    whole: boolean;
    create: string;
    tables: SqlObject[];
    sequences: SqlObject[];
    views: SqlObject[];
    routines: Array<SqlObject & { type: 'PROCEDURE' | 'FUNCTION' }>;
    triggers: Array<SqlObject & { table: string }>;
    events: SqlObject[];
  }>;
}

const text = (r: RowDataPacket | undefined, col: string): string => String(r?.[col] ?? '');

export async function dumpSchema(w: Worker, scope: ResolvedScope): Promise<SchemaDump> {
  const partial = new Map<string, Set<string>>();
  for (const t of scope.tables) {
    if (scope.databases.includes(t.database)) continue;
    const set = partial.get(t.database) ?? new Set<string>();
    set.add(t.table);
    partial.set(t.database, set);
  }
  const out: SchemaDump = { databases: [] };
  for (const db of [...scope.databases, ...partial.keys()]) {
    const only = partial.get(db);
    const [[dbRow]] = await w.q.query<RowDataPacket[]>(`SHOW CREATE DATABASE ${q(db)}`);
    const [objects] = await w.q.query<RowDataPacket[]>(
      `SELECT TABLE_NAME AS name, TABLE_TYPE AS type FROM information_schema.TABLES
        WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME`,
      [db],
    );
    const entry: SchemaDump['databases'][number] = {
      name: db,
      whole: !only,
      create: text(dbRow, 'Create Database'),
      tables: [],
      sequences: [],
      views: [],
      routines: [],
      triggers: [],
      events: [],
    };
    for (const o of objects) {
      const name = String(o.name);
      if (only && !only.has(name)) continue;
      const type = String(o.type);
      if (type === 'VIEW') {
        if (only) continue;
        const [[v]] = await w.q.query<RowDataPacket[]>(`SHOW CREATE VIEW ${q(db)}.${q(name)}`);
        entry.views.push({ name, create: text(v, 'Create View') });
      } else {
        const [[t]] = await w.q.query<RowDataPacket[]>(`SHOW CREATE TABLE ${q(db)}.${q(name)}`);
        const create = text(t, 'Create Table');
        (type === 'SEQUENCE' ? entry.sequences : entry.tables).push({ name, create });
      }
    }
    const [triggers] = await w.q.query<RowDataPacket[]>(
      `SELECT TRIGGER_NAME AS name, EVENT_OBJECT_TABLE AS tbl FROM information_schema.TRIGGERS
        WHERE TRIGGER_SCHEMA = ? ORDER BY EVENT_OBJECT_TABLE, ACTION_ORDER`,
      [db],
    );
    for (const t of triggers) {
      if (only && !only.has(String(t.tbl))) continue;
      const [[c]] = await w.q.query<RowDataPacket[]>(
        `SHOW CREATE TRIGGER ${q(db)}.${q(String(t.name))}`,
      );
      entry.triggers.push({
        name: String(t.name),
        table: String(t.tbl),
        create: text(c, 'SQL Original Statement'),
      });
    }
    if (!only) {
      const [routines] = await w.q.query<RowDataPacket[]>(
        `SELECT ROUTINE_NAME AS name, ROUTINE_TYPE AS type FROM information_schema.ROUTINES
          WHERE ROUTINE_SCHEMA = ? AND ROUTINE_TYPE IN ('PROCEDURE', 'FUNCTION')
          ORDER BY ROUTINE_TYPE, ROUTINE_NAME`,
        [db],
      );
      for (const r of routines) {
        const type = String(r.type) as 'PROCEDURE' | 'FUNCTION';
        const [[c]] = await w.q.query<RowDataPacket[]>(
          `SHOW CREATE ${type} ${q(db)}.${q(String(r.name))}`,
        );
        entry.routines.push({
          name: String(r.name),
          type,
          create: text(c, type === 'PROCEDURE' ? 'Create Procedure' : 'Create Function'),
        });
      }
      const [events] = await w.q.query<RowDataPacket[]>(
        'SELECT EVENT_NAME AS name FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ? ORDER BY EVENT_NAME',
        [db],
      );
      for (const ev of events) {
        const [[c]] = await w.q.query<RowDataPacket[]>(
          `SHOW CREATE EVENT ${q(db)}.${q(String(ev.name))}`,
        );
        entry.events.push({ name: String(ev.name), create: text(c, 'Create Event') });
      }
    }
    out.databases.push(entry);
  }
  return out;
}
