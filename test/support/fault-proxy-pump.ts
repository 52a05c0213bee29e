import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

/** Faults in force right now; read on every scheduling decision so changes apply at once. */
export interface FaultState {
  latencyMs: number;
  bytesPerSec: number | null;
  blackholed: boolean;
  refusing: boolean;
}

interface Queued {
  data: Buffer;
  arrivedAt: number;
}

// Stop reading from the sender while this much is held back (bandwidth caps, latency), so a
// throttled direction exerts TCP backpressure instead of buffering without bound.
const HIGH_WATER = 1024 * 1024;
const LOW_WATER = 256 * 1024;
// Under a bandwidth cap data leaves in slices worth this many seconds: smooth enough that a
// client sees a steady trickle, coarse enough not to spin timers.
const SLICE_SECONDS = 0.05;

/**
 * Moves bytes from `src` to `dst` in order, applying the current latency, bandwidth cap and
 * blackhole. Latency is measured from each chunk's arrival, so lowering it (or heal()) also
 * speeds up chunks already waiting.
 */
export class Pump {
  private readonly queue: Queued[] = [];
  private queuedBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private waitingForDrain = false;
  private nextSendAt = 0;
  private srcEnded = false;
  private dstEnded = false;

  constructor(
    private readonly src: Socket,
    private readonly dst: Socket,
    private readonly state: FaultState,
  ) {
    src.on('data', (chunk: Buffer) => this.push(chunk));
    src.on('end', () => {
      this.srcEnded = true;
      this.kick();
    });
  }

  /** Re-evaluates the schedule after a fault setting changed. */
  reschedule(): void {
    if (this.state.bytesPerSec === null) this.nextSendAt = 0;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.kick();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.queue.length = 0;
    this.queuedBytes = 0;
  }

  private push(chunk: Buffer): void {
    // A blackhole swallows data on arrival; it is never delivered, even after heal().
    if (this.state.blackholed) return;
    this.queue.push({ data: chunk, arrivedAt: performance.now() });
    this.queuedBytes += chunk.length;
    if (this.queuedBytes > HIGH_WATER) this.src.pause();
    this.kick();
  }

  private kick(): void {
    if (this.timer || this.waitingForDrain) return;
    this.run();
  }

  private run(): void {
    this.timer = undefined;
    if (this.dst.destroyed) {
      this.dispose();
      return;
    }
    if (this.state.blackholed) this.drop();
    for (let head = this.queue[0]; head; head = this.queue[0]) {
      const now = performance.now();
      const dueAt = Math.max(head.arrivedAt + this.state.latencyMs, this.nextSendAt);
      if (dueAt > now) {
        this.timer = setTimeout(() => this.run(), Math.ceil(dueAt - now));
        return;
      }
      const slice = this.take(head, now);
      const flushed = this.dst.write(slice);
      if (this.src.isPaused() && this.queuedBytes < LOW_WATER) this.src.resume();
      if (!flushed) {
        this.waitingForDrain = true;
        this.dst.once('drain', () => {
          this.waitingForDrain = false;
          this.kick();
        });
        return;
      }
    }
    // The sender half-closed: pass the FIN on once everything before it was delivered.
    if (this.srcEnded && !this.dstEnded) {
      this.dstEnded = true;
      this.dst.end();
    }
  }

  /** Removes and returns what may be sent now: all of `head`, or one slice under a cap. */
  private take(head: Queued, now: number): Buffer {
    const bytesPerSec = this.state.bytesPerSec;
    let slice = head.data;
    if (bytesPerSec !== null) {
      const max = Math.max(1, Math.floor(bytesPerSec * SLICE_SECONDS));
      if (slice.length > max) {
        slice = head.data.subarray(0, max);
        head.data = head.data.subarray(max);
      }
      this.nextSendAt = now + (slice.length / bytesPerSec) * 1000;
    }
    if (slice === head.data) this.queue.shift();
    this.queuedBytes -= slice.length;
    return slice;
  }

  private drop(): void {
    this.queue.length = 0;
    this.queuedBytes = 0;
    if (this.src.isPaused()) this.src.resume();
  }
}
