import { hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/**
 * Chunk rows as `LOAD DATA` reads them by default: fields separated by TAB, rows ended by LF,
 * `\` escapes, NULL as `\N`. Values are the server's text-protocol bytes, untouched, so a restore
 * loads them without conversion.
 */
export const LOAD_STATEMENT =
  "LOAD DATA LOCAL INFILE '<chunk, decompressed>' INTO TABLE <table> CHARACTER SET binary FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (<columns>)";

export const CONTENT_HASH_DESCRIPTION =
  'per table: the four little-endian 32-bit words of MD5(row line without its LF), each summed over all rows mod 2^32, as 32 hex digits (order-independent; duplicate rows count twice)';

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const BS = 0x5c;
const NUL_OUT = Buffer.from('\\N');
const FLUSH_AT = 64 * 1024;

/** Escape the bytes LOAD DATA treats specially; returns the input when nothing needs it. */
export function escapeField(v: Buffer): Buffer {
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    const b = v[i] as number;
    if (b === TAB || b === LF || b === CR || b === BS || b === 0) n++;
  }
  if (n === 0) return v;
  const out = Buffer.allocUnsafe(v.length + n);
  let j = 0;
  for (let i = 0; i < v.length; i++) {
    const b = v[i] as number;
    if (b === TAB || b === LF || b === CR || b === BS || b === 0) {
      out[j++] = BS;
      out[j++] = b === TAB ? 0x74 : b === LF ? 0x6e : b === CR ? 0x72 : b === 0 ? 0x30 : BS;
    } else out[j++] = b;
  }
  return out;
}

/** One row (values as raw bytes, null for NULL) as a line without its LF. */
export function encodeRow(row: ReadonlyArray<Buffer | null>): Buffer {
  const parts: Buffer[] = [];
  let len = 0;
  for (let i = 0; i < row.length; i++) {
    const v = row[i];
    const f = v === null || v === undefined ? NUL_OUT : escapeField(v);
    parts.push(f);
    len += f.length + 1;
  }
  const out = Buffer.allocUnsafe(Math.max(0, len - 1));
  let o = 0;
  for (let i = 0; i < parts.length; i++) {
    if (i > 0) out[o++] = TAB;
    const p = parts[i] as Buffer;
    p.copy(out, o);
    o += p.length;
  }
  return out;
}

/** The order-independent hash of a set of row lines (see CONTENT_HASH_DESCRIPTION). */
export class ContentHash {
  readonly lanes = new Uint32Array(4);
  rows = 0;

  add(line: Buffer): void {
    const d = hash('md5', line, 'buffer') as unknown as Buffer;
    for (let i = 0; i < 4; i++)
      this.lanes[i] = ((this.lanes[i] as number) + d.readUInt32LE(i * 4)) >>> 0;
    this.rows++;
  }

  merge(o: ContentHash): void {
    for (let i = 0; i < 4; i++)
      this.lanes[i] = ((this.lanes[i] as number) + (o.lanes[i] as number)) >>> 0;
    this.rows += o.rows;
  }

  hex(): string {
    const b = Buffer.alloc(16);
    for (let i = 0; i < 4; i++) b.writeUInt32LE(this.lanes[i] as number, i * 4);
    return b.toString('hex');
  }
}

/** Object-mode rows in, TSV bytes out (batched), hashing each row on the way. */
export class RowEncoder extends Transform {
  readonly content = new ContentHash();
  private batch: Buffer[] = [];
  private batchLen = 0;
  private batchRows = 0;
  /** performance.now() of the last row seen (or of creation): the stall watchdog reads it. */
  lastRowAt = performance.now();

  /** `onRows` hears how many rows each flushed batch carried (progress). */
  constructor(private readonly onRows: (n: number) => void = () => undefined) {
    super({ writableObjectMode: true, readableObjectMode: false });
  }

  override _transform(row: Array<Buffer | null>, _e: BufferEncoding, cb: TransformCallback): void {
    this.lastRowAt = performance.now();
    const line = encodeRow(row);
    this.content.add(line);
    this.batch.push(line, LF_BUF);
    this.batchLen += line.length + 1;
    this.batchRows++;
    if (this.batchLen >= FLUSH_AT) this.flushBatch();
    cb();
  }

  override _flush(cb: TransformCallback): void {
    this.flushBatch();
    cb();
  }

  private flushBatch(): void {
    if (this.batchRows === 0) return;
    this.push(Buffer.concat(this.batch, this.batchLen));
    this.onRows(this.batchRows);
    this.batch = [];
    this.batchLen = 0;
    this.batchRows = 0;
  }
}

const LF_BUF = Buffer.from([LF]);

/** Split a decompressed chunk back into row lines (for hashing what a restore loads, and tests). */
export function splitLines(data: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < data.length; i++) {
    if (data[i] === LF) {
      out.push(data.subarray(start, i));
      start = i + 1;
    }
  }
  return out;
}
