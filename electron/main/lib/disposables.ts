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

export function toDisposable(fn: DisposeFn): Disposable {
  return { dispose: fn };
}

/**
 * A service that owns what it starts (VS Code's `Disposable` in `base/common/lifecycle.ts`):
 * every timer, subscription, client and child is `_register`ed, so `dispose()` is one call that
 * closes them in reverse order, and a resource registered after disposal is closed at once.
 * A subclass with more to do overrides `dispose()` and calls `super.dispose()`.
 */
export abstract class DisposableOwner implements Disposable {
  private readonly _store = new DisposableStore();

  protected _register<T extends Disposable>(item: T): T {
    return this._store.add(item);
  }

  protected get _isDisposed(): boolean {
    return this._store.isDisposed;
  }

  dispose(): void | Promise<void> {
    return this._store.dispose();
  }
}

/**
 * A slot for one disposable that changes over time (a re-armed timer, a replaceable client):
 * setting a new value disposes the old one; after `dispose()` a value set is disposed at once.
 */
export class MutableDisposable<T extends Disposable> implements Disposable {
  private current: T | undefined;
  private disposed = false;

  get value(): T | undefined {
    return this.current;
  }

  set value(v: T | undefined) {
    if (this.disposed) {
      void Promise.resolve(v?.dispose()).catch(() => undefined);
      return;
    }
    if (v === this.current) return;
    const old = this.current;
    this.current = v;
    void Promise.resolve(old?.dispose()).catch(() => undefined);
  }

  clear(): void {
    this.value = undefined;
  }

  dispose(): void {
    this.disposed = true;
    const old = this.current;
    this.current = undefined;
    void Promise.resolve(old?.dispose()).catch(() => undefined);
  }
}

/**
 * Disposables by key (VS Code's `DisposableMap`): setting a key disposes what it held, deleting
 * disposes it, and after `dispose()` whatever is set is disposed at once.
 */
export class DisposableMap<K> implements Disposable {
  private readonly items = new Map<K, Disposable>();
  private disposed = false;

  set(key: K, value: Disposable): void {
    if (this.disposed) {
      void Promise.resolve(value.dispose()).catch(() => undefined);
      return;
    }
    const old = this.items.get(key);
    this.items.set(key, value);
    if (old && old !== value) void Promise.resolve(old.dispose()).catch(() => undefined);
  }

  delete(key: K): void {
    const old = this.items.get(key);
    this.items.delete(key);
    if (old) void Promise.resolve(old.dispose()).catch(() => undefined);
  }

  dispose(): void {
    this.disposed = true;
    for (const key of [...this.items.keys()]) this.delete(key);
  }
}

/** A repeating timer (unref'd: it never keeps the process alive) as a disposable. */
export function intervalTimer(ms: number, fn: () => void): Disposable {
  const t = setInterval(fn, ms);
  t.unref?.();
  return toDisposable(() => clearInterval(t));
}

/** A one-shot timer (unref'd) as a disposable; disposing it after it fired does nothing. */
export function timeoutTimer(ms: number, fn: () => void): Disposable {
  const t = setTimeout(fn, ms);
  t.unref?.();
  return toDisposable(() => clearTimeout(t));
}

/** A timer owned by a store: cleared on dispose. */
export function interval(store: DisposableStore, ms: number, fn: () => void): void {
  store.add(intervalTimer(ms, fn));
}

/** Wait for `p`, but no longer than `ms`; the timer goes as soon as `p` settles. */
export async function within(p: Promise<unknown>, ms: number): Promise<void> {
  let t: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      p.then(
        () => undefined,
        () => undefined,
      ),
      new Promise<void>((r) => (t = setTimeout(r, ms))),
    ]);
  } finally {
    clearTimeout(t);
  }
}
