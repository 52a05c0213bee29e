import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import mysql from 'mysql2';
import type { Manifest, TableEntry } from '../../shared/backups';
import { rawBytes, selectList } from '../../electron/main/services/backups/chunks';
import { RowEncoder } from '../../electron/main/services/backups/codec';
import { decompressor } from '../../electron/main/services/backups/compress';
import type { SchemaDump } from '../../electron/main/services/backups/schema-dump';
import { parseManifest } from '../../electron/main/services/backups/storage';

const q = mysql.escapeId;

export async function readManifestFile(dir: string): Promise<Manifest> {
  const m = parseManifest(await readFile(join(dir, 'manifest.json'), 'utf8'));
  if (m.store !== 'mysql') throw new Error(`${dir} is a ${m.store} backup, not MySQL`);
  return m;
}

function connect(port: number): mysql.Connection {
  const c = mysql.createConnection({
    host: '127.0.0.1',
    port,
    user: 'root',
    password: '',
    charset: 'utf8mb4',
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
  });
  c.on('error', () => undefined);
  return c;
}

/**
 * Test-only restore: the tables of a backup into databases named by `target(db)` on a server,
 * schema from schema.json, rows with LOAD DATA LOCAL INFILE from the decompressed chunks, as the
 * manifest's chunkFormat says. Returns the content hash of every loaded table, computed from the
 * loaded rows the same way the backup computed it from the source.
 */
export async function loadBackup(
  dir: string,
  port: number,
  target: (db: string) => string,
): Promise<Map<string, { rows: number; contentHash: string }>> {
  const m = await readManifestFile(dir);
  const schema = JSON.parse(await readFile(join(dir, m.schema.file), 'utf8')) as SchemaDump;
  const conn = connect(port);
  const p = conn.promise();
  try {
    await p.query("SET SESSION time_zone = '+00:00', SESSION foreign_key_checks = 0");
    for (const db of schema.databases) {
      await p.query(`CREATE DATABASE ${q(target(db.name))}`);
      await p.query(`USE ${q(target(db.name))}`);
      for (const t of [...db.tables, ...db.sequences]) await p.query(t.create);
    }
    for (const db of m.databases) {
      for (const t of db.tables) {
        for (const c of t.chunks) {
          await p.query({
            sql: loadSql(target(db.name), t),
            infileStreamFactory: () => {
              const codec = decompressor(m.compression);
              createReadStream(join(dir, c.file)).pipe(codec.input);
              return codec.output;
            },
          } as never);
        }
      }
    }
    const out = new Map<string, { rows: number; contentHash: string }>();
    for (const db of m.databases) {
      for (const t of db.tables) {
        out.set(`${db.name}.${t.name}`, await tableHash(conn, target(db.name), t.name, t.columns));
      }
    }
    return out;
  } finally {
    await p.end().catch(() => conn.destroy());
  }
}

function loadSql(db: string, t: TableEntry): string {
  const cols: string[] = [];
  const sets: string[] = [];
  t.columns.forEach((c, i) => {
    if (c.encoding === 'text') return void cols.push(q(c.name));
    cols.push(`@v${i}`);
    sets.push(
      `${q(c.name)} = ${c.encoding === 'decimal' ? `CAST(@v${i} AS UNSIGNED)` : `UNHEX(@v${i})`}`,
    );
  });
  return (
    `LOAD DATA LOCAL INFILE 'chunk' INTO TABLE ${q(db)}.${q(t.name)} CHARACTER SET binary ` +
    `FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (${cols.join(', ')})` +
    (sets.length > 0 ? ` SET ${sets.join(', ')}` : '')
  );
}

/** Rows and content hash of a table as it is now, encoded as a backup encodes it. */
export async function tableHash(
  conn: mysql.Connection,
  db: string,
  table: string,
  columns: TableEntry['columns'],
): Promise<{ rows: number; contentHash: string }> {
  const encoder = new RowEncoder();
  const rows = conn
    .query({
      sql: `SELECT ${selectList(columns)} FROM ${q(db)}.${q(table)}`,
      rowsAsArray: true,
      typeCast: rawBytes as never,
    })
    .stream();
  await pipeline(rows, encoder, new Writable({ write: (_c, _e, cb) => cb() }));
  return { rows: encoder.content.rows, contentHash: encoder.content.hex() };
}

/** tableHash on a short-lived connection. */
export async function tableHashOn(
  port: number,
  db: string,
  table: string,
  columns: TableEntry['columns'],
): Promise<{ rows: number; contentHash: string }> {
  const conn = connect(port);
  try {
    await conn.promise().query("SET SESSION time_zone = '+00:00'");
    return await tableHash(conn, db, table, columns);
  } finally {
    conn.destroy();
  }
}
