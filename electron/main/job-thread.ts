/**
 * Entry of a job worker thread (built to out/main/job-thread.js). It runs one long job's work with
 * the settings and secrets main handed over, and reports back by message. Holds no Electron API.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { KeelError, isKeelError } from '../../shared/errors';
import type { JobPayload } from '../../shared/jobs';
import type { ThreadJob, ThreadMessage } from './services/jobs/thread-executor';
import type { JobContext } from './services/jobs/types';
import { runWatch, type WatchDeps } from './services/jobs/watch';
import { runBulkInThread, type BulkThreadDeps } from './services/tenants/bulk-thread';

const THREAD_HANDLERS: Record<
  string,
  (payload: unknown, ctx: JobContext, deps: unknown) => Promise<unknown>
> = {
  'health.watch': (p, ctx, deps) =>
    runWatch(p as JobPayload<'health.watch'>, ctx, deps as WatchDeps),
  'tenants.bulkProvision': (p, ctx, deps) =>
    runBulkInThread(p as JobPayload<'tenants.bulkProvision'>, ctx, deps as BulkThreadDeps),
};

const port = parentPort;
if (!port) throw new Error('job-thread.js runs only as a worker thread');
const job = workerData as ThreadJob;
const post = (m: ThreadMessage): void => port.postMessage(m);
const ctl = new AbortController();
port.on('message', (m: { type?: string }) => {
  if (m.type === 'cancel') ctl.abort(new KeelError('CANCELLED', 'cancelled by the user'));
});

const ctx: JobContext = {
  id: job.id,
  runKey: job.runKey,
  attempt: job.attempt,
  actor: job.actor,
  queuedAt: job.queuedAt,
  signal: ctl.signal,
  progress: (progress) => post({ type: 'progress', progress }),
  log: (level, msg) => post({ type: 'log', level, msg }),
};

const handler = THREAD_HANDLERS[job.kind];
(handler
  ? handler(job.payload, ctx, job.deps)
  : Promise.reject(new KeelError('INTERNAL', `no thread handler for ${job.kind}`))
)
  .then((value) => post({ type: 'result', value }))
  .catch((e: unknown) =>
    post({
      type: 'error',
      error: isKeelError(e)
        ? e.toShape()
        : { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) },
    }),
  )
  .finally(() => port.close());
