/**
 * Calls that arrive while one is in flight are run together, as one (a multi-row statement):
 * with eight tenants provisioned side by side, eight journal writes become one round trip and
 * one statement. A lone call runs at once, so nothing waits for company. A failed flush fails
 * every call it carried (each caller then handles its own failure, e.g. undoes its tenant).
 */
export class Coalescer<T, R> {
  private waiting: Array<{ item: T; resolve: (r: R) => void; reject: (e: unknown) => void }> = [];
  private busy = false;

  constructor(
    /** Runs many items at once; returns one result per item, in order. */
    private readonly flush: (items: T[]) => Promise<R[]>,
    private readonly max = 100,
  ) {}

  run(item: T): Promise<R> {
    const p = new Promise<R>((resolve, reject) => this.waiting.push({ item, resolve, reject }));
    if (!this.busy) void this.drain();
    return p;
  }

  private async drain(): Promise<void> {
    this.busy = true;
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0, this.max);
        try {
          const out = await this.flush(batch.map((b) => b.item));
          batch.forEach((b, i) => b.resolve(out[i] as R));
        } catch (e) {
          for (const b of batch) b.reject(e);
        }
      }
    } finally {
      this.busy = false;
    }
  }
}
