/**
 * Server-side cursors of the Keel TEST-ONLY MongoDB stand-in. Results are materialised when the
 * cursor opens (a snapshot), then handed out in batches through getMore, as mongod's
 * `{ cursor: { firstBatch | nextBatch, id, ns } }` replies.
 */
import { calculateObjectSize, Long, type Document } from 'bson';
import { CommandError } from './errors';

/** mongod's default first batch is 101 documents; later batches are bounded by size only. */
const DEFAULT_FIRST_BATCH = 101;
/** Keeps a reply under the 16 MiB BSON limit with room for the envelope. */
const MAX_BATCH_BYTES = 16 * 1024 * 1024 - 16 * 1024;

interface OpenCursor {
  ns: string;
  docs: Document[];
  pos: number;
}

export class CursorRegistry {
  private readonly open = new Map<string, OpenCursor>();
  // Random-ish start so ids differ across stand-ins, like mongod's random cursor ids.
  private nextId = BigInt(Math.floor(Math.random() * 1e9) + 1) * 1000n;

  private takeBatch(cursor: OpenCursor, batchSize: number | undefined): Document[] {
    const batch: Document[] = [];
    let bytes = 0;
    while (cursor.pos < cursor.docs.length) {
      if (batchSize !== undefined && batch.length >= batchSize) break;
      const doc = cursor.docs[cursor.pos] as Document;
      const size = calculateObjectSize(doc);
      if (batch.length > 0 && bytes + size > MAX_BATCH_BYTES) break;
      bytes += size;
      batch.push(doc);
      cursor.pos += 1;
    }
    return batch;
  }

  /** The `cursor` sub-document of a find/aggregate/list* reply. */
  openCursor(ns: string, docs: Document[], batchSize?: unknown, singleBatch = false): Document {
    const cursor: OpenCursor = { ns, docs, pos: 0 };
    const size = parseBatchSize(batchSize) ?? DEFAULT_FIRST_BATCH;
    const firstBatch = this.takeBatch(cursor, size);
    let id = Long.ZERO;
    if (!singleBatch && cursor.pos < docs.length) {
      this.nextId += 1n;
      id = Long.fromBigInt(this.nextId);
      this.open.set(id.toString(), cursor);
    }
    return { firstBatch, id, ns };
  }

  getMore(id: unknown, ns: string, batchSize?: unknown): Document {
    const key = Long.isLong(id) ? id.toString() : String(id);
    const cursor = this.open.get(key);
    if (!cursor) throw new CommandError('CursorNotFound', `cursor id ${key} not found`);
    if (cursor.ns !== ns) {
      throw new CommandError(
        'Unauthorized',
        `Requested getMore on namespace '${ns}', but cursor belongs to a different namespace ${cursor.ns}`,
      );
    }
    // On getMore, batchSize 0 (or none) means "as many as fit".
    const nextBatch = this.takeBatch(cursor, parseBatchSize(batchSize) || undefined);
    const exhausted = cursor.pos >= cursor.docs.length;
    if (exhausted) this.open.delete(key);
    return { nextBatch, id: exhausted ? Long.ZERO : Long.fromString(key), ns };
  }

  kill(ids: unknown[]): { killed: Long[]; notFound: Long[] } {
    const killed: Long[] = [];
    const notFound: Long[] = [];
    for (const id of ids) {
      const long = Long.isLong(id) ? id : Long.fromNumber(Number(id));
      (this.open.delete(long.toString()) ? killed : notFound).push(long);
    }
    return { killed, notFound };
  }

  /** Cursors die with the process; called on kill()/restart(). */
  clear(): void {
    this.open.clear();
  }
}

function parseBatchSize(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = Long.isLong(value) ? value.toNumber() : Number(value);
  if (!Number.isFinite(n) || n < 0) {
    throw new CommandError(
      'BadValue',
      `batchSize must be a non-negative number, got ${String(value)}`,
    );
  }
  // batchSize 0 asks for an empty first batch (used to open a cursor without results).
  return n;
}
