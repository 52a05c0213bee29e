import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { RowDataPacket } from 'mysql2';
import type { ChunkEntry, TableEntry } from '../../../../shared/backups';
import { KeelError } from '../../../../shared/errors';
import { RowEncoder, type ContentHash } from './codec';
import { compressor, EXTENSION, type Compression } from './compress';
import { q, type Worker } from './mysql-conn';
import type { TableRef } from './scope';
import type { BackupStorage } from './storage';

const INTEGER_TYPES = new Set(['tinyint', 'smallint', 'mediumint', 'int', 'bigint']);
const SPATIAL_TYPES = new Set([
  'geometry',
  'point',
  'linestring',
  'polygon',
  'multipoint',
  'multilinestring',
  'multipolygon',
  'geometrycollection',
]);

export interface TablePlan {
  ref: TableRef;
  /** Index of the table in the run: names its files. */
  n: number;
  columns: TableEntry['columns'];
  chunks: ChunkPlan[];
}

export interface ChunkPlan {
  table: TablePlan;
  /** 0-based chunk number within its table. */
  i: number;
  /** SQL condition on the leading key column (values already escaped), or none. */
  where?: string;
}

/** The columns to dump and the key ranges to dump them by, read inside the snapshot. */
export async function planTable(
  w: Worker,
  ref: TableRef,
  n: number,
  chunkRows: number,
): Promise<TablePlan> {
  const [cols] = await w.q.query<RowDataPacket[]>(
    `SELECT COLUMN_NAME AS name, DATA_TYPE AS dt, COLUMN_TYPE AS ct, EXTRA AS extra
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?
      ORDER BY ORDINAL_POSITION`,
    [ref.database, ref.table],
  );
  const columns: TableEntry['columns'] = cols
    .filter((c) => !/GENERATED|VIRTUAL|PERSISTENT|STORED/i.test(String(c.extra ?? '')))
    .map((c) => {
      const dt = String(c.dt).toLowerCase();
      return {
        name: String(c.name),
        type: String(c.ct),
        encoding: dt === 'bit' ? 'decimal' : SPATIAL_TYPES.has(dt) ? 'hex' : 'text',
      };
    });
  const plan: TablePlan = { ref, n, columns, chunks: [] };
  const [keyRows] = await w.q.query<RowDataPacket[]>(
    `SELECT s.COLUMN_NAME AS name, c.DATA_TYPE AS dt
       FROM information_schema.STATISTICS s
       JOIN information_schema.COLUMNS c
         ON c.TABLE_SCHEMA = s.TABLE_SCHEMA AND c.TABLE_NAME = s.TABLE_NAME
        AND c.COLUMN_NAME = s.COLUMN_NAME
      WHERE s.TABLE_SCHEMA = ? AND s.TABLE_NAME = ? AND s.INDEX_NAME = 'PRIMARY'
        AND s.SEQ_IN_INDEX = 1`,
    [ref.database, ref.table],
  );
  const key = keyRows[0];
  const estimate = ref.filter ? chunkRows : ref.rowsEstimate;
  if (!key || !INTEGER_TYPES.has(String(key.dt).toLowerCase()) || estimate <= chunkRows) {
    plan.chunks.push({ table: plan, i: 0 });
    return plan;
  }
  const k = q(String(key.name));
  const [[mm]] = await w.q.query<RowDataPacket[]>(
    `SELECT MIN(${k}) AS lo, MAX(${k}) AS hi FROM ${q(ref.database)}.${q(ref.table)}${filterSql(ref)}`,
  );
  if (mm?.lo === null || mm?.lo === undefined) {
    plan.chunks.push({ table: plan, i: 0 });
    return plan;
  }
  const lo = BigInt(String(mm.lo));
  const hi = BigInt(String(mm.hi));
  const parts = BigInt(Math.max(1, Math.min(10_000, Math.ceil(estimate / chunkRows))));
  const step = (hi - lo + 1n + parts - 1n) / parts;
  // Open ends on the first and last chunk: every row is in exactly one chunk, whatever the bounds.
  for (let i = 0n; i < parts; i++) {
    const from = lo + i * step;
    const to = from + step;
    const conds = [
      ...(i > 0n ? [`${k} >= ${from}`] : []),
      ...(i < parts - 1n ? [`${k} < ${to}`] : []),
    ];
    plan.chunks.push({
      table: plan,
      i: Number(i),
      ...(conds.length > 0 && { where: conds.join(' AND ') }),
    });
    if (to > hi) break;
  }
  // A break before the last part leaves the last chunk closed above: open it.
  const last = plan.chunks[plan.chunks.length - 1] as ChunkPlan;
  if (last.i > 0) last.where = `${k} >= ${lo + BigInt(last.i) * step}`;
  else delete last.where;
  return plan;
}

function filterSql(ref: TableRef, extra?: string): string {
  const conds = [
    ...(ref.filter ? [`${q(ref.filter.column)} = ${escapeValue(ref.filter.value)}`] : []),
    ...(extra ? [extra] : []),
  ];
  return conds.length > 0 ? ` WHERE ${conds.join(' AND ')}` : '';
}

const escapeValue = (v: string): string => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/** The SELECT list that writes each column in its manifest encoding (restores hash with it too). */
export function selectList(columns: TableEntry['columns']): string {
  return columns
    .map((col) =>
      col.encoding === 'decimal'
        ? `CAST(${q(col.name)} AS UNSIGNED)`
        : col.encoding === 'hex'
          ? `HEX(${q(col.name)})`
          : q(col.name),
    )
    .join(', ');
}

/** Every value as the raw bytes of the text protocol; NULL stays null. */
export const rawBytes = (field: { buffer(): Buffer | null }): Buffer | null => field.buffer();

export function chunkFile(c: ChunkPlan, compression: Compression): string {
  const t = String(c.table.n).padStart(4, '0');
  return `data/t${t}.c${String(c.i).padStart(5, '0')}.tsv.${EXTENSION[compression]}`;
}

/**
 * Stream one chunk: SELECT in the worker's snapshot → TSV → compressor → temp file → fsync →
 * rename. Never more than a few batches in memory: mysql2 pauses the socket when the pipe is full.
 */
export interface DumpOptions {
  storage: BackupStorage;
  backupId: string;
  compression: Compression;
  /** The table's content hash, merged into once the chunk is on disk. */
  hash: ContentHash;
  onRows: (n: number) => void;
  signal: AbortSignal;
  /** Fail the chunk when no row arrived for this long (a server or network that went silent). */
  stallMs: number;
}

export async function dumpChunk(w: Worker, c: ChunkPlan, o: DumpOptions): Promise<ChunkEntry> {
  const { storage, backupId, compression, hash, onRows, signal, stallMs } = o;
  const { ref, columns } = c.table;
  const sql = `SELECT ${selectList(columns)} FROM ${q(ref.database)}.${q(ref.table)}${filterSql(ref, c.where)}`;
  const rel = chunkFile(c, compression);
  // The connection died between two chunks: its error went to the connection, not to a query.
  if (w.fatal) throw w.error(w.fatal);
  const file = await storage.openFile(backupId, rel);
  const codec = compressor(compression);
  const encoder = new RowEncoder(onRows);
  let early: unknown;
  const live: { rows?: Readable } = {};
  // mysql2 reports a lost connection to a streamed query (it has no callback) only on the
  // connection, never on the stream, sometimes synchronously inside query(): without this the
  // dump would wait forever.
  const lost = (e: unknown): void => {
    codec.kill();
    if (live.rows) live.rows.destroy(w.error(e));
    else early = e;
  };
  w.raw.on('error', lost);
  const stream = w.raw
    .query({ sql, rowsAsArray: true, typeCast: rawBytes as never })
    .stream({ highWaterMark: 256 });
  live.rows = stream;
  if (early !== undefined) stream.destroy(w.error(early));
  const abort = (): void => {
    codec.kill();
    stream.destroy(new Error('cancelled'));
  };
  signal.addEventListener('abort', abort, { once: true });
  // A peer that vanished without closing (a partition) sends nothing and no error: time it out.
  const watchdog = setInterval(
    () => {
      if (performance.now() - encoder.lastRowAt < stallMs) return;
      codec.kill();
      stream.destroy(
        new KeelError(
          'TIMEOUT',
          `no rows from the server for ${Math.round(stallMs / 1000)} s while dumping ${ref.database}.${ref.table}`,
        ),
      );
    },
    Math.max(50, Math.min(5000, stallMs / 4)),
  );
  try {
    await Promise.all([
      pipeline(stream, encoder, codec.input, { signal }),
      pipeline(codec.output, file.sink, { signal }),
      codec.done,
    ]);
    const entry = await file.commit(rel);
    hash.merge(encoder.content);
    return {
      ...entry,
      rows: encoder.content.rows,
      ...(c.where && { range: c.where }),
    };
  } catch (e) {
    codec.kill();
    await file.abort();
    throw e;
  } finally {
    clearInterval(watchdog);
    signal.removeEventListener('abort', abort);
    w.raw.off('error', lost);
  }
}
