import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import type { ChunkEntry } from '../../../../shared/backups';
import { compressor, EXTENSION, type Codec, type Compression } from './compress';
import type { BackupStorage, ChunkFile } from './storage';

export interface ChunkWriterOptions {
  storage: BackupStorage;
  backupId: string;
  compression: Compression;
  /** The file of chunk `i` (relative to the backup, without the compression extension). */
  name: (i: number) => string;
  /** Records per chunk before the next one starts. */
  maxRecords: number;
  signal: AbortSignal;
}

interface Open {
  file: ChunkFile;
  rel: string;
  codec: Codec;
  piped: Promise<void>;
  records: number;
  first?: string;
  last?: string;
}

/**
 * Records in, compressed chunk files out: each chunk streams through the compressor into a
 * temporary file, and is fsynced and renamed when it is full or the writer finishes. Writes wait
 * for the compressor (backpressure), so memory holds a few buffers, never a whole chunk.
 */
export class ChunkWriter {
  private cur: Open | undefined;
  private n = 0;
  private readonly done: ChunkEntry[] = [];

  constructor(private readonly o: ChunkWriterOptions) {}

  /** Chunks written so far. */
  get chunks(): readonly ChunkEntry[] {
    return this.done;
  }

  /**
   * Append `records` records as bytes; `range` (the first and last time or id among them) marks
   * the range of the chunk.
   */
  async write(bytes: Buffer, records = 1, range?: [string, string]): Promise<void> {
    this.o.signal.throwIfAborted();
    const c = this.cur ?? (await this.open());
    if (range) {
      c.first ??= range[0];
      c.last = range[1];
    }
    c.records += records;
    if (!c.codec.input.write(bytes)) {
      await Promise.race([once(c.codec.input, 'drain', { signal: this.o.signal }), c.piped]);
    }
    if (c.records >= this.o.maxRecords) await this.close();
  }

  /** Close the chunk being written (if any) and return every chunk of this writer. */
  async finish(): Promise<ChunkEntry[]> {
    await this.close();
    return this.done;
  }

  /** Drop the chunk being written (its temporary file is removed). */
  async abort(): Promise<void> {
    const c = this.cur;
    this.cur = undefined;
    if (!c) return;
    c.codec.kill();
    await c.piped.catch(() => undefined);
    await c.file.abort();
  }

  private async open(): Promise<Open> {
    const rel = `${this.o.name(this.n++)}.${EXTENSION[this.o.compression]}`;
    const file = await this.o.storage.openFile(this.o.backupId, rel);
    const codec = compressor(this.o.compression);
    const piped = Promise.all([pipeline(codec.output, file.sink), codec.done]).then(
      () => undefined,
    );
    // A failure surfaces through write / close; never as an unhandled rejection meanwhile.
    piped.catch(() => undefined);
    this.cur = { file, rel, codec, piped, records: 0 };
    return this.cur;
  }

  private async close(): Promise<void> {
    const c = this.cur;
    if (!c) return;
    try {
      c.codec.input.end();
      await c.piped;
      const entry = await c.file.commit(c.rel);
      this.cur = undefined;
      this.done.push({
        ...entry,
        rows: c.records,
        ...(c.first !== undefined && { range: `${c.first} .. ${c.last ?? c.first}` }),
      });
    } catch (e) {
      await this.abort();
      throw e;
    }
  }
}
