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
  actorType?: 'user' | 'schedule' | 'system';
  /** ISO instant: only jobs created before it (with beforeId: before it, or at it with a smaller id). */
  before?: string;
  beforeId?: string;
  limit: number;
}

/**
 * The job engine seen by services and the router. In-process today; a distributed queue
 * (BullMQ on the platform's Redis) implements the same interface later.
 */
export interface JobRunner extends Disposable {
  /** Whether schedules and runs are coordinated across every Keel of the team. */
  readonly coordinated: boolean;
  register<K extends JobKind>(kind: K, handler: JobHandler<K>): void;
  start<K extends JobKind>(kind: K, payload: JobPayload<K>, opts: StartOptions): Promise<JobRecord>;
  cancel(id: string): Promise<JobRecord>;
  get(id: string): Promise<JobRecord>;
  list(filter: JobFilter): Promise<JobRecord[]>;
  /** Resolves when the job reaches a final state. */
  wait(id: string): Promise<JobRecord>;
}

/** Where job records live: a file in the user-data directory now, shared storage later. */
export interface JobStore {
  load(): Promise<JobRecord[]>;
  save(record: JobRecord): Promise<void>;
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
