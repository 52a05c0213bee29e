import { KeelError, isKeelError, type ErrorCode } from '../../../shared/errors';

/** Codes that mean "the store is not there", which open the breaker. Auth or SQL errors do not. */
const OUTAGE_CODES: ReadonlySet<ErrorCode> = new Set([
  'CONN_REFUSED',
  'HOST_NOT_FOUND',
  'TIMEOUT',
  'TLS_FAILED',
]);

export interface BreakerOptions {
  /** Consecutive outage failures before opening. */
  threshold?: number;
  /** First open period; doubles per failed trial up to maxBackoffMs, with ±50 % jitter. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

/**
 * A circuit breaker per connection: after `threshold` outage errors in a row, calls fail at once
 * with UNAVAILABLE until the back-off elapses; then one trial call goes through (half-open).
 * A dead store costs the UI one fast error, not a hung page per click.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private backoffMs = 0;
  private trialInFlight = false;
  private lastCode: ErrorCode | undefined;
  private readonly threshold: number;
  private readonly baseBackoffMs: number;
  private readonly maxBackoffMs: number;

  constructor(opts: BreakerOptions = {}) {
    this.threshold = opts.threshold ?? 2;
    this.baseBackoffMs = opts.baseBackoffMs ?? 1000;
    this.maxBackoffMs = opts.maxBackoffMs ?? 30_000;
  }

  get state(): BreakerState {
    if (this.failures < this.threshold) return 'closed';
    return Date.now() - this.openedAt >= this.backoffMs ? 'half-open' : 'open';
  }

  /** Throws UNAVAILABLE while open; lets one trial through when half-open. */
  enter(): () => void {
    const s = this.state;
    if (s === 'open' || (s === 'half-open' && this.trialInFlight)) {
      const retryInMs = Math.max(0, this.backoffMs - (Date.now() - this.openedAt));
      throw new KeelError(
        'UNAVAILABLE',
        `the store failed recently (${this.lastCode ?? 'outage'}); next attempt in ${Math.ceil(retryInMs / 1000)} s`,
        { retryInMs, lastCode: this.lastCode },
      );
    }
    if (s === 'half-open') this.trialInFlight = true;
    return () => void (this.trialInFlight = false);
  }

  success(): void {
    this.failures = 0;
    this.backoffMs = 0;
    this.lastCode = undefined;
  }

  failure(e: unknown): void {
    const code = isKeelError(e) ? e.code : undefined;
    if (!code || !OUTAGE_CODES.has(code)) return;
    this.lastCode = code;
    this.failures++;
    if (this.failures >= this.threshold) {
      const next = this.backoffMs === 0 ? this.baseBackoffMs : this.backoffMs * 2;
      this.backoffMs = jitter(Math.min(next, this.maxBackoffMs));
      this.openedAt = Date.now();
    }
  }
}

/** ±50 % jitter so many consoles do not retry a recovering store in lock-step. */
export function jitter(ms: number): number {
  return Math.round(ms * (0.5 + Math.random()));
}

/** Exponential back-off with jitter for reconnect loops (ioredis retryStrategy and the like). */
export function backoffDelay(attempt: number, baseMs = 200, maxMs = 30_000): number {
  return jitter(Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1)));
}

export interface GuardOptions {
  timeoutMs: number;
  /** Names the store in time-out messages ("127.0.0.1:3306 did not answer…"); built only then. */
  label?: () => string;
  signal?: AbortSignal;
  /** Bypass an open breaker (health probes must reach the store to see it recover). */
  probe?: boolean;
}

/**
 * Cancellation of one store call, cheaper than an AbortController per call (the hot path runs
 * tens of thousands of times a second): listeners are plain callbacks, and a real AbortSignal is
 * made only for the adapters that need one (HTTP).
 */
export class Cancellation {
  private listeners: Array<(reason: Error) => void> | undefined;
  private controller: AbortController | undefined;
  reason: Error | undefined;

  get cancelled(): boolean {
    return this.reason !== undefined;
  }

  /** Call `fn` on cancellation; returns a function that removes it. */
  onCancel(fn: (reason: Error) => void): () => void {
    if (this.reason) {
      fn(this.reason);
      return () => undefined;
    }
    (this.listeners ??= []).push(fn);
    return () => {
      const i = this.listeners?.indexOf(fn) ?? -1;
      if (i >= 0) this.listeners?.splice(i, 1);
    };
  }

  cancel(reason: Error): void {
    if (this.reason) return;
    this.reason = reason;
    for (const l of this.listeners?.splice(0) ?? []) l(reason);
    this.controller?.abort(reason);
  }

  get signal(): AbortSignal {
    this.controller ??= new AbortController();
    if (this.reason && !this.controller.signal.aborted) this.controller.abort(this.reason);
    return this.controller.signal;
  }
}

/**
 * One coarse timer for every in-flight call instead of a setTimeout/clearTimeout pair per call
 * (measurable at tens of thousands of calls a second). Deadlines fire up to TICK_MS late.
 */
const TICK_MS = 20;

interface Deadline {
  at: number;
  fire: () => void;
}

class DeadlineWheel {
  private readonly items = new Set<Deadline>();
  private timer: ReturnType<typeof setInterval> | undefined;

  add(ms: number, fire: () => void): Deadline {
    const d = { at: Date.now() + ms, fire };
    this.items.add(d);
    if (!this.timer) {
      this.timer = setInterval(() => this.tick(), TICK_MS);
      // In-flight calls keep their sockets (and the process) alive; the wheel need not.
      this.timer.unref?.();
    }
    return d;
  }

  remove(d: Deadline): void {
    this.items.delete(d);
    if (this.items.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private tick(): void {
    const now = Date.now();
    for (const d of this.items) {
      if (d.at <= now) {
        this.remove(d);
        d.fire();
      }
    }
  }
}

const wheel = new DeadlineWheel();

/**
 * Run one store call with a time-out, the caller's AbortSignal and the breaker. `fn` gets a
 * Cancellation that fires on either and should stop its work (destroy a connection, abort a
 * request). `map` turns driver errors into KeelErrors at this boundary; it runs only on failure.
 */
export async function guarded<T>(
  breaker: CircuitBreaker,
  opts: GuardOptions,
  map: (e: unknown) => KeelError,
  fn: (c: Cancellation) => Promise<T>,
): Promise<T> {
  if (opts.signal?.aborted) throw new KeelError('CANCELLED', 'cancelled');
  const leave = opts.probe ? undefined : breaker.enter();
  const c = new Cancellation();
  let deadline: Deadline | undefined;
  const onAbort = (): void => c.cancel(new KeelError('CANCELLED', 'cancelled'));
  try {
    const value = await new Promise<T>((resolve, reject) => {
      c.onCancel(reject);
      deadline = wheel.add(opts.timeoutMs, () => {
        const who = opts.label?.() ?? 'the store';
        c.cancel(
          new KeelError('TIMEOUT', `${who} did not answer within ${opts.timeoutMs} ms`, {
            timeoutMs: opts.timeoutMs,
            address: who,
          }),
        );
      });
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      fn(c).then(resolve, reject);
    });
    breaker.success();
    return value;
  } catch (e) {
    const err = isKeelError(e) ? e : map(e);
    breaker.failure(err);
    throw err;
  } finally {
    if (deadline) wheel.remove(deadline);
    opts.signal?.removeEventListener('abort', onAbort);
    leave?.();
  }
}
