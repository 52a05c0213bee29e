/**
 * A first-in first-out queue with a fixed bound, on a ring buffer. Pushing beyond the bound
 * drops the oldest items and counts them; items taken from the head can be put back at the
 * head (a failed write) in their original order.
 */
export class BoundedFifo<T> {
  private ring: Array<T | undefined>;
  private head = 0;
  private size = 0;
  /** Items dropped because the bound was hit, since creation. */
  dropped = 0;

  constructor(private cap: number) {
    if (!Number.isInteger(cap) || cap < 1) throw new RangeError(`capacity must be ≥ 1, not ${cap}`);
    this.ring = new Array<T | undefined>(cap);
  }

  get length(): number {
    return this.size;
  }

  get capacity(): number {
    return this.cap;
  }

  /** Append at the tail; the oldest items make room when full. Returns how many were dropped. */
  push(items: readonly T[]): number {
    let dropped = 0;
    // More than fits at once: only the newest `cap` of them can stay.
    const start = Math.max(0, items.length - this.cap);
    dropped += start;
    for (let i = start; i < items.length; i++) {
      if (this.size === this.cap) {
        this.ring[this.head] = undefined;
        this.head = (this.head + 1) % this.cap;
        this.size--;
        dropped++;
      }
      this.ring[(this.head + this.size) % this.cap] = items[i];
      this.size++;
    }
    this.dropped += dropped;
    return dropped;
  }

  /** Remove and return up to `n` items from the head, oldest first. */
  take(n: number): T[] {
    const count = Math.min(n, this.size);
    const out = new Array<T>(count);
    for (let i = 0; i < count; i++) {
      const at = (this.head + i) % this.cap;
      out[i] = this.ring[at] as T;
      this.ring[at] = undefined;
    }
    this.head = (this.head + count) % this.cap;
    this.size -= count;
    return out;
  }

  /**
   * Put items back at the head, before everything queued, keeping their order. They are the
   * oldest items, so when there is no room for all of them the first of them are dropped.
   */
  unshift(items: readonly T[]): number {
    const room = this.cap - this.size;
    const drop = Math.max(0, items.length - room);
    for (let i = items.length - 1; i >= drop; i--) {
      this.head = (this.head - 1 + this.cap) % this.cap;
      this.ring[this.head] = items[i];
      this.size++;
    }
    this.dropped += drop;
    return drop;
  }

  /** Change the bound; shrinking below the current length drops the oldest items. */
  resize(cap: number): number {
    if (!Number.isInteger(cap) || cap < 1) throw new RangeError(`capacity must be ≥ 1, not ${cap}`);
    if (cap === this.cap) return 0;
    const drop = Math.max(0, this.size - cap);
    if (drop > 0) this.take(drop);
    const items = this.take(this.size);
    this.ring = new Array<T | undefined>(cap);
    this.cap = cap;
    this.head = 0;
    this.size = 0;
    this.push(items);
    this.dropped += drop;
    return drop;
  }
}
