import type {
  Actor,
  JobKind,
  JobPayload,
  JobProgress,
  JobRecord,
  JobState,
} from '../../../../shared/jobs';
import type { Disposable } from '../../lib/disposables';

/** What a running job gets: its id, a cancel signal, and ways to report. */
export interface JobContext {
  readonly id: string;
  /**
   * Idempotency key of this run: the same across retries and after a crashed worker's job is
   * picked up again, so side effects keyed by it are never doubled.
   */
  readonly runKey: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** Who started the job (a user, a schedule): recorded in the audit log by jobs that change things. */
  readonly actor: Actor;
  /** When the job was enqueued (the enqueuing Keel's clock). */
  readonly queuedAt: string;
  readonly signal: AbortSignal;
  /** Report progress; the runner throttles what it publishes. */
  progress(p: JobProgress): void;
  log(level: 'info' | 'warn' | 'error', msg: string): void;
}

/** A job's work. Return value becomes `result`; throw a KeelError to fail with a code. */
export type JobHandler<K extends JobKind> = (
  payload: JobPayload<K>,
  ctx: JobContext,
) => Promise<unknown>;

export interface StartOptions {
  actor: Actor;
  envId?: string;
  tenantId?: string;
  scheduleId?: string;
}

export interface JobFilter {
  state?: JobState;
  kind?: JobKind;
  envId?: string;
  tenantId?: string;
  /** Runs of one schedule. */
  scheduleId?: string;
  actorType?: 'user' | 'schedule' | 'system';
  /** ISO instant: only jobs created before it (with beforeId: before it, or at it with a smaller id). */
  before?: string;
  beforeId?: string;
  limit: number;
}

/**
 * The job engine seen by services and the router: in this process (in-process-runner.ts) or on
 * BullMQ in the environment's Redis (bullmq-runner.ts); both run attempts through attempt.ts.
 */
export interface JobRunner extends Disposable {
  /** Whether schedules and runs are coordinated across every Keel of the team. */
  readonly coordinated: boolean;
  register<K extends JobKind>(kind: K, handler: JobHandler<K>): void;
  start<K extends JobKind>(kind: K, payload: JobPayload<K>, opts: StartOptions): Promise<JobRecord>;
  cancel(id: string): Promise<JobRecord>;
  get(id: string): Promise<JobRecord>;
  list(filter: JobFilter): Promise<JobRecord[]>;
  /**
   * Resolves when the job reaches a final state. Rejects with CANCELLED when `signal` aborts (the
   * caller went away; the job runs on) and with UNAVAILABLE when the runner is disposed.
   */
  wait(id: string, signal?: AbortSignal): Promise<JobRecord>;
}

/**
 * Where job records live: a file in the user-data directory (in-process runner) or the core
 * database's keel.keel_job (BullMQ runner, shared by the team).
 */
export interface JobStore {
  /** Write the whole record (insert or replace). */
  save(record: JobRecord): Promise<void>;
  /** One record, including one whose write is still in flight. */
  get(id: string): Promise<JobRecord | undefined>;
  /** Records passing `filter`, newest first, at most `filter.limit`. */
  list(filter: JobFilter): Promise<JobRecord[]>;
}

/** Errors that mean a store is away rather than that the job is wrong. */
const OUTAGE = new Set(['CONN_REFUSED', 'HOST_NOT_FOUND', 'TIMEOUT', 'UNAVAILABLE']);
/** A job waits this long in all for an away store before its attempts count again. */
export const OUTAGE_WAIT = { maxMs: 10 * 60_000, firstMs: 2000, capMs: 30_000 } as const;

/**
 * How long an attempt that met an away store waits before it runs again without counting as an
 * attempt (undefined: count it). Three attempts 2 s and 4 s apart are spent inside any real
 * outage; waiting, growing to 30 s between tries, for up to 10 minutes, lets the job finish once
 * the store is back.
 */
export function outageWait(
  code: string,
  since: number | undefined,
  now: number,
): number | undefined {
  if (!OUTAGE.has(code)) return undefined;
  const waited = since === undefined ? 0 : now - since;
  if (waited >= OUTAGE_WAIT.maxMs) return undefined;
  return Math.min(OUTAGE_WAIT.capMs, Math.max(OUTAGE_WAIT.firstMs, waited / 2));
}

/** Attempts per job and the first back-off (doubling) before a retry. */
export const RETRY = { attempts: 3, backoffMs: 2000 } as const;

/**
 * Failures worth another attempt: the store was away or slow. Bad input, refused credentials or a
 * missing object fail at once; a cancelled job is never retried.
 */
export function isRetriable(code: string): boolean {
  return [
    'CONN_REFUSED',
    'HOST_NOT_FOUND',
    'TIMEOUT',
    'UNAVAILABLE',
    'SERVER_ERROR',
    'INTERNAL',
  ].includes(code);
}
