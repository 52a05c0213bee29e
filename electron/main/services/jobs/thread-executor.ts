import { Worker } from 'node:worker_threads';
import { KeelError, isKeelError, type ErrorShape } from '../../../../shared/errors';
import type { Actor, JobLogLine, JobProgress } from '../../../../shared/jobs';
import type { JobContext } from './types';

/** Messages from a job thread (electron/main/job-thread.ts). */
export type ThreadMessage =
  | { type: 'progress'; progress: JobProgress }
  | { type: 'log'; level: JobLogLine['level']; msg: string }
  | { type: 'result'; value: unknown }
  | { type: 'error'; error: ErrorShape };

export interface ThreadJob {
  kind: string;
  payload: unknown;
  /** Resolved settings and secrets: cloned in memory into the thread, never written anywhere. */
  deps: unknown;
  id: string;
  runKey: string;
  attempt: number;
  actor: Actor;
  queuedAt: string;
}

/**
 * Run a long job's work on a worker thread, so the main thread stays free for the queue's lock
 * renewal and the UI. Progress, log lines and the result come back as messages; cancelling the
 * context posts `cancel`, and the thread aborts its own signal.
 */
export function runInThread(
  file: string,
  job: Omit<ThreadJob, 'id' | 'runKey' | 'attempt' | 'actor' | 'queuedAt'>,
  ctx: JobContext,
): Promise<unknown> {
  const data: ThreadJob = {
    ...job,
    id: ctx.id,
    runKey: ctx.runKey,
    attempt: ctx.attempt,
    actor: ctx.actor,
    queuedAt: ctx.queuedAt,
  };
  const worker = new Worker(file, { workerData: data });
  let settled = false;
  const onAbort = (): void => worker.postMessage({ type: 'cancel' });
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  return new Promise<unknown>((resolve, reject) => {
    worker.on('message', (m: ThreadMessage) => {
      if (m.type === 'progress') ctx.progress(m.progress);
      else if (m.type === 'log') ctx.log(m.level, m.msg);
      else if (m.type === 'result') {
        settled = true;
        resolve(m.value);
      } else {
        settled = true;
        reject(KeelError.fromShape(m.error));
      }
    });
    worker.on('error', (e) => {
      settled = true;
      reject(isKeelError(e) ? e : new KeelError('INTERNAL', `the job thread failed: ${e.message}`));
    });
    worker.on('exit', (code) => {
      if (!settled)
        reject(new KeelError('INTERNAL', `the job thread exited (${code}) without a result`));
    });
  }).finally(() => {
    ctx.signal.removeEventListener('abort', onAbort);
    void worker.terminate();
  });
}
