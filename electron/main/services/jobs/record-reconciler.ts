import type { Job, Queue } from 'bullmq';
import type { JobKind, JobRecord } from '../../../../shared/jobs';
import type { MysqlJobStore } from './mysql-job-store';

type Finish = (
  rec: JobRecord,
  state: 'completed' | 'failed' | 'cancelled',
  error?: JobRecord['error'],
) => Promise<JobRecord>;

/** What the queue says about a job whose record is not final. */
export type QueueVerdict = 'pending' | 'completed' | 'failed' | 'missing';

export async function queueVerdict(
  job: Job | undefined,
): Promise<{ verdict: QueueVerdict; job?: Job }> {
  if (!job) return { verdict: 'missing' };
  const state = await job.getState();
  if (state === 'completed' || state === 'failed') return { verdict: state, job };
  if (state === 'unknown') return { verdict: 'missing' };
  return { verdict: 'pending', job };
}

/**
 * Bring one record in line with a queue that has finished or lost its job: BullMQ is where the
 * run happened, the record only failed to hear about it (the core database was away when the
 * worker wrote, or the worker died). Returns the corrected record, or undefined when the queue
 * still has the job waiting or running.
 */
export async function settle(
  rec: JobRecord,
  queue: Queue,
  finish: Finish,
): Promise<JobRecord | undefined> {
  const { verdict, job } = await queueVerdict(await queue.getJob(rec.id));
  const note = (msg: string): void => {
    rec.log.push({ at: new Date().toISOString(), level: 'warn', msg });
  };
  if (verdict === 'completed') {
    note('recorded from the queue: the job completed while this record could not be written');
    if (job?.returnvalue !== undefined && job.returnvalue !== null) rec.result = job.returnvalue;
    return finish(rec, 'completed');
  }
  if (verdict === 'failed') {
    const reason = job?.failedReason ?? 'no reason given';
    note('recorded from the queue: the job failed while this record could not be written');
    return finish(rec, 'failed', {
      code: rec.error?.code ?? 'INTERNAL',
      message: `failed after ${job?.attemptsMade ?? rec.attempts} attempt(s) while its record could not be written: ${reason}`,
    });
  }
  if (verdict === 'missing') {
    note('the queue no longer holds this job');
    return finish(rec, 'failed', {
      code: 'INTERNAL',
      message:
        'the queue no longer holds this job (Redis lost it, or its worker stopped without a trace); its outcome is unknown',
    });
  }
  return undefined;
}

/**
 * Correct every record of the environment that has said queued or running for `staleSec` while
 * the queue has finished or lost the job. Run at start, after Redis comes back, and periodically.
 */
export async function reconcileRecords(o: {
  envId: string;
  store: MysqlJobStore;
  queue: (kind: JobKind) => Queue;
  finish: Finish;
  staleSec: number;
}): Promise<JobRecord[]> {
  const fixed: JobRecord[] = [];
  for (const rec of await o.store.unfinished(o.envId, o.staleSec)) {
    const done = await settle(rec, o.queue(rec.kind), o.finish);
    if (done) fixed.push(done);
  }
  return fixed;
}
