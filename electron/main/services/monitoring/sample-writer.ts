import type { Logger } from 'pino';
import { isKeelError } from '../../../../shared/errors';
import type { Sample, WriterStats } from '../../../../shared/monitoring';
import type { Disposable } from '../../lib/disposables';
import { backoffDelay } from '../../stores/guard';
import { BoundedFifo } from './bounded-fifo';
import { sampleLine } from './line-protocol';

/** Writes one batch of lines; throws (a KeelError) when InfluxDB did not take them. */
export type LineSink = (lines: string[]) => Promise<void>;

export interface SampleWriterOptions {
  /** Lines per write request. Default 5,000. */
  batchSize?: number;
  /** Longest a sample waits for its batch to fill. Default 1,000 ms. */
  flushMs?: number;
  /** Writes in flight while InfluxDB is healthy; one at a time while it recovers. Default 2. */
  maxInFlight?: number;
  /** Bound of the queue, in samples; beyond it the oldest are dropped and counted. Default 200,000. */
  capacity?: number;
  /** First retry delay after a failed write; doubles per failure up to retryMaxMs (±50 % jitter). */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /**
   * Checked before each retry (a `/ping`, which goes through an open circuit breaker): a retry
   * waits for InfluxDB to answer instead of spending a write on a store that is still down.
   */
  ready?: () => Promise<void>;
  logger?: Logger;
}

interface Failed {
  seq: number;
  lines: string[];
}

/**
 * Batches samples into line protocol for InfluxDB: a batch goes out when it is full or
 * `flushMs` after its first sample, with up to `maxInFlight` writes at once. A failed write's
 * lines go back to the head of the queue and are retried with back-off, oldest first, one write
 * at a time until InfluxDB takes one again; the queue is bounded and counts what it drops.
 * Re-writing a point InfluxDB may already have taken (a time-out after it wrote) is harmless:
 * a point with the same series and time replaces itself.
 */
export class SampleWriter implements Disposable {
  private readonly fifo: BoundedFifo<string>;
  private readonly o: Required<Omit<SampleWriterOptions, 'ready' | 'logger'>>;
  private inFlight = 0;
  private inFlightLines = 0;
  private seq = 0;
  private failed: Failed[] = [];
  private failures = 0;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;
  private waiters: Array<() => void> = [];
  private readonly s = {
    written: 0,
    rejected: 0,
    writes: 0,
    failedWrites: 0,
    failingSince: undefined as number | undefined,
    lastWriteAt: undefined as number | undefined,
    lastError: undefined as WriterStats['lastError'],
  };

  constructor(
    private readonly sink: LineSink,
    private readonly opts: SampleWriterOptions = {},
  ) {
    this.o = {
      batchSize: opts.batchSize ?? 5000,
      flushMs: opts.flushMs ?? 1000,
      maxInFlight: opts.maxInFlight ?? 2,
      capacity: opts.capacity ?? 200_000,
      retryBaseMs: opts.retryBaseMs ?? 500,
      retryMaxMs: opts.retryMaxMs ?? 5000,
    };
    this.fifo = new BoundedFifo<string>(this.o.capacity);
  }

  /** Queue samples (non-finite values are skipped: line protocol cannot carry them). */
  add(samples: readonly Sample[]): void {
    const lines: string[] = [];
    for (const s of samples) {
      const line = sampleLine(s);
      if (line !== undefined) lines.push(line);
    }
    this.addLines(lines);
  }

  /** Queue ready-made lines. */
  addLines(lines: readonly string[]): void {
    if (this.disposed || lines.length === 0) return;
    const dropped = this.fifo.push(lines);
    if (dropped > 0) this.warnDropped(dropped);
    this.pump(false);
  }

  /** Change the bound of the queue (the oldest samples are dropped if it shrinks below them). */
  setCapacity(capacity: number): void {
    const dropped = this.fifo.resize(capacity);
    if (dropped > 0) this.warnDropped(dropped);
  }

  stats(): WriterStats {
    const s = this.s;
    return {
      buffered:
        this.fifo.length + this.inFlightLines + this.failed.reduce((n, f) => n + f.lines.length, 0),
      capacity: this.fifo.capacity,
      dropped: this.fifo.dropped,
      rejected: s.rejected,
      written: s.written,
      writes: s.writes,
      failedWrites: s.failedWrites,
      inFlight: this.inFlight,
      ...(s.failingSince !== undefined && { failingSince: s.failingSince }),
      ...(s.lastWriteAt !== undefined && { lastWriteAt: s.lastWriteAt }),
      ...(s.lastError && { lastError: s.lastError }),
    };
  }

  /** Write everything queued now; false if it could not within `timeoutMs` (InfluxDB down). */
  async drain(timeoutMs = 10_000): Promise<boolean> {
    const end = Date.now() + timeoutMs;
    while (this.fifo.length > 0 || this.inFlight > 0 || this.failed.length > 0) {
      const left = end - Date.now();
      if (left <= 0) return false;
      if (!this.retryTimer) this.pump(true);
      // Woken by the next write that settles (or after a while, to look again).
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 50));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return true;
  }

  /**
   * Stop; first try to write what is queued (right away even while backing off, and for at most
   * a second when InfluxDB has been failing, so a dead InfluxDB does not hold up quitting).
   */
  async dispose(timeoutMs = 3000): Promise<void> {
    if (this.disposed) return;
    if (this.retryTimer) {
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
    }
    const failing = this.s.failingSince !== undefined;
    const done = await this.drain(failing ? Math.min(timeoutMs, 1000) : timeoutMs);
    this.disposed = true;
    clearTimeout(this.flushTimer);
    clearTimeout(this.retryTimer);
    if (!done) {
      this.opts.logger?.warn(
        { lost: this.stats().buffered, lastError: this.s.lastError?.message },
        'metrics writer closed with samples InfluxDB did not take',
      );
    }
  }

  /** Send batches while there is room in flight: full ones always, a partial one when `force`. */
  private pump(force: boolean): void {
    if (this.retryTimer || this.failed.length > 0) return;
    const limit = this.failures > 0 ? 1 : this.o.maxInFlight;
    while (this.inFlight < limit && this.fifo.length > 0) {
      if (!force && this.fifo.length < this.o.batchSize) break;
      this.send(this.fifo.take(this.o.batchSize));
    }
    if (this.fifo.length > 0 && !this.flushTimer && !this.disposed) {
      this.flushTimer = setTimeout(() => {
        this.flushTimer = undefined;
        this.pump(true);
      }, this.o.flushMs);
      this.flushTimer.unref?.();
    }
  }

  private send(lines: string[]): void {
    const seq = ++this.seq;
    this.inFlight++;
    this.inFlightLines += lines.length;
    this.sink(lines)
      .then(
        () => this.succeeded(lines.length),
        (e: unknown) => this.failedWith(e, seq, lines),
      )
      .finally(() => {
        this.inFlight--;
        this.inFlightLines -= lines.length;
        this.settled();
      });
  }

  private succeeded(n: number): void {
    const s = this.s;
    if (s.failingSince !== undefined) {
      this.opts.logger?.info(
        { failingForMs: Date.now() - s.failingSince, buffered: this.fifo.length },
        'metrics writer: InfluxDB takes writes again; flushing the buffer',
      );
    }
    s.written += n;
    s.writes++;
    s.lastWriteAt = Date.now();
    s.failingSince = undefined;
    this.failures = 0;
  }

  private failedWith(e: unknown, seq: number, lines: string[]): void {
    const s = this.s;
    s.failedWrites++;
    const code = isKeelError(e) ? e.code : 'INTERNAL';
    const message = e instanceof Error ? e.message : String(e);
    s.lastError = { code, message, at: Date.now() };
    if (code === 'VALIDATION') {
      // InfluxDB refused the batch as malformed (HTTP 400): sending it again cannot help.
      s.rejected += lines.length;
      this.opts.logger?.error({ code, message, lines: lines.length }, 'InfluxDB rejected samples');
      return;
    }
    if (s.failingSince === undefined) {
      s.failingSince = Date.now();
      this.opts.logger?.warn({ code, message }, 'metrics writer: InfluxDB write failed; buffering');
    }
    this.failures++;
    this.failed.push({ seq, lines });
  }

  /** After a write settles: once none is in flight, failed batches go back first, in order. */
  private settled(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
    if (this.inFlight > 0) return;
    if (this.failed.length > 0) {
      const back = this.failed.sort((a, b) => b.seq - a.seq);
      this.failed = [];
      let dropped = 0;
      for (const f of back) dropped += this.fifo.unshift(f.lines);
      if (dropped > 0) this.warnDropped(dropped);
    }
    if (this.disposed) return;
    if (this.failures > 0) this.scheduleRetry();
    else this.pump(false);
  }

  private scheduleRetry(): void {
    if (this.retryTimer || this.disposed) return;
    const delay = backoffDelay(this.failures, this.o.retryBaseMs, this.o.retryMaxMs);
    this.retryTimer = setTimeout(() => void this.retry(), delay);
    this.retryTimer.unref?.();
  }

  private async retry(): Promise<void> {
    try {
      await this.opts.ready?.();
    } catch (e) {
      this.s.lastError = {
        code: isKeelError(e) ? e.code : 'INTERNAL',
        message: e instanceof Error ? e.message : String(e),
        at: Date.now(),
      };
      this.failures++;
      this.retryTimer = undefined;
      this.scheduleRetry();
      return;
    }
    this.retryTimer = undefined;
    this.pump(true);
  }

  private warnDropped(n: number): void {
    this.opts.logger?.warn(
      { dropped: n, total: this.fifo.dropped, capacity: this.fifo.capacity },
      'metrics buffer full: oldest samples dropped',
    );
  }
}
