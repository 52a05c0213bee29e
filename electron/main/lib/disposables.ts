/**
 * Ownership of resources (pools, timers, servers, subscriptions, child processes).
 * Everything that must be closed is registered with an owner; disposing the owner closes it,
 * in reverse order of registration, and never throws half-way.
 */
export interface Disposable {
  dispose(): void | Promise<void>;
}

export type DisposeFn = () => void | Promise<void>;

export class DisposableStore implements Disposable {
  private readonly items: DisposeFn[] = [];
  private disposed = false;

  /** Register something to close later. Returns it, for chaining. */
  add<T extends Disposable>(item: T): T {
    this.addFn(() => item.dispose());
    return item;
  }

  addFn(fn: DisposeFn): void {
    if (this.disposed) {
      // Registering after disposal would leak: close it right away instead.
      void Promise.resolve()
        .then(fn)
        .catch(() => undefined);
      return;
    }
    this.items.push(fn);
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const errors: unknown[] = [];
    for (const fn of this.items.splice(0).reverse()) {
      try {
        await fn();
      } catch (e) {
        errors.push(e);
      }
    }
    if (errors.length > 0) {
      throw new AggregateError(errors, `${errors.length} resource(s) failed to close`);
    }
  }
}

/** A timer owned by a store: cleared on dispose. */
export function interval(store: DisposableStore, ms: number, fn: () => void): void {
  const t = setInterval(fn, ms);
  t.unref?.();
  store.addFn(() => clearInterval(t));
}
