import { createReadStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import type { Connection as CoreConnection } from 'mysql2';
import type { PoolConnection, RowDataPacket } from 'mysql2/promise';
import { z } from 'zod';
import { KeelError } from '../../../../shared/errors';
import { writeFileAtomic } from '../../lib/json-file';
import { ContentHash, CONTENT_HASH_DESCRIPTION, RowEncoder, splitLines } from '../backups/codec';
import { compressor, decompressor, EXTENSION, type Compression } from '../backups/compress';
import { ChunkFile } from '../backups/storage';
import { qualifiedTable, quoteId } from './sql';

/**
 * Archive-before-drop: the rows of one partition exported to `<dir>/rows.tsv.<zst|gz>` (the
 * backups engine's row format and order-independent content hash, compressed with its codecs)
 * and a manifest written last, atomically. The backups engine has no partition scope yet, so this
 * is the verified export the issue allows: `verifyArchive` re-reads the file against the manifest
 * (size, SHA-256, rows, content hash), and a partition is dropped only after that and after its
 * rows were hashed again on the server and found equal to the archive.
 */

export const archiveManifestSchema = z.object({
  version: z.literal(1),
  envId: z.string(),
  connectionId: z.string(),
  schema: z.string(),
  table: z.string(),
  partition: z.string(),
  /** The partition's exclusive upper bound (ISO, UTC). */
  lessThan: z.string().nullable(),
  columns: z.array(z.string()),
  rows: z.int().nonnegative(),
  contentHash: z.string(),
  contentHashDescription: z.string(),
  file: z.string(),
  size: z.int().nonnegative(),
  sha256: z.string(),
  compression: z.enum(['zstd', 'gzip']),
  createdAt: z.string(),
});
export type ArchiveManifest = z.infer<typeof archiveManifestSchema>;

export const ARCHIVE_MANIFEST = 'manifest.json';

/** Columns whose text-protocol bytes are not what LOAD DATA reads back: not archived here. */
const UNSUPPORTED = /^(bit|geometry|point|linestring|polygon|multi\w+|geometrycollection)$/;

async function columnsOf(conn: PoolConnection, schema: string, table: string): Promise<string[]> {
  const [cols] = await conn.query<RowDataPacket[]>(
    `SELECT COLUMN_NAME AS name, DATA_TYPE AS dt, EXTRA AS extra FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
    [schema, table],
  );
  const odd = cols.filter(
    (c) =>
      UNSUPPORTED.test(String(c.dt).toLowerCase()) ||
      /GENERATED|VIRTUAL|PERSISTENT|STORED/i.test(String(c.extra ?? '')),
  );
  if (odd.length)
    throw new KeelError(
      'UNSUPPORTED',
      `${schema}.${table} has columns the partition archive does not export (${odd.map((c) => String(c.name)).join(', ')})`,
    );
  return cols.map((c) => String(c.name));
}

const rawBytes = (field: { buffer(): Buffer | null }): Buffer | null => field.buffer();

/** Stream the partition's rows through `sink` (TSV lines); returns their content hash. */
async function streamRows(
  conn: PoolConnection,
  sql: string,
  sink: Writable,
  signal: AbortSignal,
): Promise<ContentHash> {
  const encoder = new RowEncoder();
  // The promise wrapper cannot stream: the callback connection underneath it can.
  const core = (conn as unknown as { connection: CoreConnection }).connection;
  const stream = core
    .query({ sql, rowsAsArray: true, typeCast: rawBytes as never })
    .stream({ highWaterMark: 256 });
  await pipeline(stream, encoder, sink, { signal });
  return encoder.content;
}

const selectSql = (schema: string, table: string, partition: string, columns: string[]): string =>
  `SELECT ${columns.map(quoteId).join(', ')} FROM ${qualifiedTable(schema, table)} PARTITION (${quoteId(partition)})`;

/** The partition's rows hashed on the server now (what the drop would remove). */
export async function hashPartition(
  conn: PoolConnection,
  m: Pick<ArchiveManifest, 'schema' | 'table' | 'partition' | 'columns'>,
  signal: AbortSignal,
): Promise<ContentHash> {
  const discard = new Writable({ write: (_c, _e, cb) => cb() });
  return streamRows(conn, selectSql(m.schema, m.table, m.partition, m.columns), discard, signal);
}

export interface ArchiveTarget {
  envId: string;
  connectionId: string;
  schema: string;
  table: string;
  partition: string;
  lessThan: string | null;
}

/** Export one partition into a new directory under `root`; the manifest is written last. */
export async function archivePartition(
  conn: PoolConnection,
  t: ArchiveTarget,
  o: { root: string; compression: Compression; signal: AbortSignal; now?: Date },
): Promise<{ dir: string; manifest: ArchiveManifest }> {
  const columns = await columnsOf(conn, t.schema, t.table);
  const at = o.now ?? new Date();
  const stamp = at.toISOString().replace(/[-:.]/g, '').slice(0, 15);
  const dir = join(
    o.root,
    `${t.schema}.${t.table}.${t.partition}.${stamp}.${randomBytes(3).toString('hex')}`,
  );
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const rel = `rows.tsv.${EXTENSION[o.compression]}`;
  const file = new ChunkFile(join(dir, rel), join(dir, `${rel}.tmp`));
  const codec = compressor(o.compression);
  let content: ContentHash;
  try {
    [content] = await Promise.all([
      streamRows(conn, selectSql(t.schema, t.table, t.partition, columns), codec.input, o.signal),
      pipeline(codec.output, file.sink, { signal: o.signal }),
      codec.done,
    ]);
  } catch (e) {
    codec.kill();
    await file.abort();
    throw e;
  }
  const entry = await file.commit(rel);
  const manifest: ArchiveManifest = {
    version: 1,
    ...t,
    columns,
    rows: content.rows,
    contentHash: content.hex(),
    contentHashDescription: CONTENT_HASH_DESCRIPTION,
    file: rel,
    size: entry.size,
    sha256: entry.sha256,
    compression: o.compression,
    createdAt: at.toISOString(),
  };
  await writeFileAtomic(join(dir, ARCHIVE_MANIFEST), JSON.stringify(manifest, null, 1) + '\n');
  return { dir, manifest };
}

/**
 * Re-read an archive against its manifest: the file's size and SHA-256, then its rows
 * decompressed, counted and hashed. Returns the manifest and the row lines' hash when it holds;
 * throws with what differs otherwise.
 */
export async function verifyArchive(
  dir: string,
  onLine?: (line: Buffer) => void,
): Promise<ArchiveManifest> {
  const m = archiveManifestSchema.parse(
    JSON.parse(await readFile(join(dir, ARCHIVE_MANIFEST), 'utf8')),
  );
  const path = join(dir, m.file);
  // The file's bytes first: a damaged file is named as such, not as a codec's complaint.
  const sha = createHash('sha256');
  let size = 0;
  for await (const c of createReadStream(path)) {
    sha.update(c as Buffer);
    size += (c as Buffer).length;
  }
  const bytes = [
    size !== m.size && `size ${size} ≠ ${m.size}`,
    sha.digest('hex') !== m.sha256 && 'SHA-256 differs',
  ].filter(Boolean);
  if (bytes.length)
    throw new KeelError(
      'SERVER_ERROR',
      `archive ${dir} does not match its manifest: ${bytes.join(', ')}`,
    );
  const content = new ContentHash();
  let rest = Buffer.alloc(0);
  const codec = decompressor(m.compression);
  const lines = new Writable({
    write: (chunk: Buffer, _e, cb) => {
      const data = Buffer.concat([rest, chunk]);
      const cut = data.lastIndexOf(0x0a) + 1;
      for (const line of splitLines(data.subarray(0, cut))) {
        content.add(line);
        onLine?.(line);
      }
      rest = Buffer.from(data.subarray(cut));
      cb();
    },
  });
  await Promise.all([
    pipeline(createReadStream(path), codec.input),
    pipeline(codec.output, lines),
    codec.done,
  ]);
  const problems = [
    rest.length > 0 && 'the last row is cut',
    content.rows !== m.rows && `${content.rows} rows ≠ ${m.rows}`,
    content.hex() !== m.contentHash && 'content hash differs',
  ].filter(Boolean);
  if (problems.length)
    throw new KeelError(
      'SERVER_ERROR',
      `archive ${dir} does not match its manifest: ${problems.join(', ')}`,
    );
  return m;
}
