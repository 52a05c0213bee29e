import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { KeelError, isKeelError, type ErrorShape } from '../../../../shared/errors';
import {
  jobKinds,
  type JobKind,
  type JobLogLine,
  type JobPayload,
  type JobProgress,
  type JobRecord,
} from '../../../../shared/jobs';
import type { Disposable } from '../../lib/disposables';
import { isRetriable, outageWait, RETRY, type JobHandler, type StartOptions } from './types';

/**
 * The job-attempt core both runners share (in-process and BullMQ): ids, new records, payload
 * checks, the log cap, the progress throttle, and one attempt with its verdict. What differs —
 * where records are written, how a retry is scheduled — stays in each runner.
 */

/** Lines a record keeps (oldest dropped). */
export const LOG_LINES = 200;
/** Progress is published at most this often per job (KEEL_JOBS_PROGRESS_MS overrides it). */
export const PROGRESS_INTERVAL_MS = 250;

export const newJobId = (): string =>
  `j_${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;

/** The payload parsed by its kind's schema, or VALIDATION (nothing recorded, nothing queued). */
export function parsePayload<K extends JobKind>(kind: K, payload: unknown): JobPayload<K> {
  const parsed = jobKinds[kind].safeParse(payload);
  if (!parsed.success) {
    throw new KeelError('VALIDATION', `invalid payload for ${kind}`, {
      issues: parsed.error.issues,
    });
  }
  return parsed.data as JobPayload<K>;
}

export function newRecord(id: string, kind: JobKind, payload: unknown, o: StartOptions): JobRecord {
  return {
    id,
    kind,
    state: 'queued',
    payload,
    actor: o.actor,
    ...(o.envId !== undefined && { envId: o.envId }),
    ...(o.tenantId !== undefined && { tenantId: o.tenantId }),
    ...(o.scheduleId !== undefined && { scheduleId: o.scheduleId }),
    attempts: 0,
    createdAt: new Date().toISOString(),
    progress: { done: 0 },
    log: [],
  };
}

export function appendLog(rec: JobRecord, level: JobLogLine['level'], msg: string): void {
  rec.log.push({ at: new Date().toISOString(), level, msg });
  if (rec.log.length > LOG_LINES) rec.log.splice(0, rec.log.length - LOG_LINES);
}

/**
 * At most one publish per interval, and never a lost last word: an update inside the interval
 * is held and published when the interval ends (or at `flush()`), so a job that goes quiet in a
 * long step shows where it really is.
 */
export class ProgressThrottle implements Disposable {
  private last = 0;
  private pending: JobProgress | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly publish: (p: JobProgress) => void,
  ) {}

  update(p: JobProgress): void {
    const wait = this.last + this.intervalMs - Date.now();
    if (wait <= 0 && !this.timer) return this.emit(p);
    this.pending = p;
    this.timer ??= setTimeout(() => this.flush(), Math.max(0, wait));
  }

  /** Publish a held update now (at the end of an attempt). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const p = this.pending;
    this.pending = undefined;
    if (p) this.emit(p);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
  }

  private emit(p: JobProgress): void {
    this.last = Date.now();
    this.publish(p);
  }
}

/** How an attempt ended, and what the runner does next. */
export type AttemptOutcome =
  | { state: 'completed'; result: unknown }
  | { state: 'cancelled' }
  | { state: 'failed'; error: ErrorShape }
  /** Try again after `delayMs`; the attempt counts. */
  | { state: 'retry'; error: ErrorShape; delayMs: number }
  /** A store it needs is away: try again after `delayMs` without spending an attempt. */
  | { state: 'wait'; error: ErrorShape; delayMs: number };

export interface AttemptOptions {
  /** The attempt's signal: aborted by a cancel or by shutdown. */
  signal: AbortSignal;
  progressIntervalMs: number;
  /** Publish a (throttled) progress update. */
  publish(p: JobProgress): void;
  /** Every update, unthrottled, after `rec.progress` is set (e.g. a periodic record save). */
  onProgress?(p: JobProgress): void;
  /**
   * When the job first met an away store (epoch ms), or null when it has not yet; undefined when
   * this runner cannot wait for a store without holding a worker (then attempts count).
   */
  outageSince?: number | null;
  logger: Logger;
}

/**
 * Run one attempt of `handler` on `rec` (already marked running by the runner) and say how it
 * ended. Progress goes through one throttle whose last update is flushed before this returns;
 * the record's log and error are updated; the handler is never called with an aborted signal
 * (one that waits for the 'abort' event would wait forever).
 */
export async function runAttempt(
  rec: JobRecord,
  handler: JobHandler<JobKind>,
  o: AttemptOptions,
): Promise<AttemptOutcome> {
  if (o.signal.aborted) return { state: 'cancelled' };
  const throttle = new ProgressThrottle(o.progressIntervalMs, o.publish);
  try {
    const result = await handler(rec.payload as JobPayload<JobKind>, {
      id: rec.id,
      runKey: rec.id,
      attempt: rec.attempts,
      actor: rec.actor,
      queuedAt: rec.createdAt,
      signal: o.signal,
      progress: (p) => {
        rec.progress = p;
        throttle.update(p);
        o.onProgress?.(p);
      },
      log: (level, msg) => appendLog(rec, level, msg),
    });
    throttle.flush();
    if (o.signal.aborted) return { state: 'cancelled' };
    return { state: 'completed', result };
  } catch (e) {
    throttle.flush();
    if (o.signal.aborted) return { state: 'cancelled' };
    const error = errorShape(e);
    if (!isKeelError(e)) o.logger.error({ err: e, job: rec.id }, 'job crashed');
    return verdict(rec, error, o.outageSince);
  }
}

export function errorShape(e: unknown): ErrorShape {
  return isKeelError(e)
    ? e.toShape()
    : { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) };
}

function verdict(
  rec: JobRecord,
  error: ErrorShape,
  outageSince: number | null | undefined,
): AttemptOutcome {
  const wait =
    outageSince === undefined
      ? undefined
      : outageWait(error.code, outageSince ?? undefined, Date.now());
  if (wait) {
    appendLog(
      rec,
      'warn',
      `a store it needs is away (${error.message}); waiting ${Math.round(wait / 1000)} s for it (attempt ${rec.attempts} not spent)`,
    );
    return { state: 'wait', error, delayMs: wait };
  }
  if (rec.attempts < RETRY.attempts && isRetriable(error.code)) {
    const delayMs = RETRY.backoffMs * 2 ** (rec.attempts - 1);
    appendLog(
      rec,
      'warn',
      `attempt ${rec.attempts} failed (${error.message}); retrying in ${delayMs / 1000} s`,
    );
    return { state: 'retry', error, delayMs };
  }
  return { state: 'failed', error };
}

/**
 * `done`, or a rejection when `signal` (the caller's) or `stopped` (the runner's disposal)
 * aborts first; the reason says which.
 */
export function untilAborted<T>(
  done: Promise<T>,
  signal: AbortSignal | undefined,
  stopped: AbortSignal,
): Promise<T> {
  const signals = signal ? [signal, stopped] : [stopped];
  const gone = signals.find((s) => s.aborted);
  if (gone) return Promise.reject(waitAbortReason(gone, stopped));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (ev: Event): void => {
      off();
      reject(waitAbortReason(ev.target as AbortSignal, stopped));
    };
    const off = (): void => signals.forEach((s) => s.removeEventListener('abort', onAbort));
    signals.forEach((s) => s.addEventListener('abort', onAbort, { once: true }));
    done.then(
      (v) => (off(), resolve(v)),
      (e: unknown) => (off(), reject(e as Error)),
    );
  });
}

function waitAbortReason(s: AbortSignal, stopped: AbortSignal): KeelError {
  return s === stopped
    ? new KeelError('UNAVAILABLE', 'stopped waiting: the job engine was shut down')
    : new KeelError('CANCELLED', 'stopped waiting for the job');
}
