import { DelayedError, UnrecoverableError, type Job, type Queue } from 'bullmq';
import { CronExpressionParser } from 'cron-parser';
import type { Logger } from 'pino';
import type { JobKind, JobRecord } from '../../../../shared/jobs';
import type { EventBus } from '../../lib/event-bus';
import { appendLog, newRecord, runAttempt } from './attempt';
import { MAX_CATCH_UP, type BullmqSettings, type QueuedJobData } from './bullmq-settings';
import { coreAway, type MysqlJobStore } from './mysql-job-store';
import type { JobHandler } from './types';

/** What the worker side of a BullMQ job needs from its runner. */
export interface WorkerSide {
  store: MysqlJobStore;
  bus: EventBus;
  logger: Logger;
  settings: BullmqSettings;
  queue(kind: JobKind): Queue;
}

export interface QueuedAttempt {
  job: Job;
  /** The worker's lock token (absent when BullMQ runs the processor without one). */
  token: string | undefined;
  signal: AbortSignal | undefined;
  kind: JobKind;
  handler: JobHandler<JobKind>;
  data: QueuedJobData;
  id: string;
}

/**
 * One attempt of a queued job on this worker: its record marked running (a schedule's run has
 * none yet), missed ticks caught up, the attempt run by the shared core (attempt.ts), and the
 * outcome turned into what BullMQ expects: a value, UnrecoverableError (final), DelayedError
 * (waiting for an away store, no attempt spent) or an Error (retried with back-off).
 */
export async function runQueuedJob(w: WorkerSide, a: QueuedAttempt): Promise<unknown> {
  const { job, token, kind, handler, data, id, signal } = a;
  // Jobs a schedule created have no record yet; with the core database away, start a new one
  // and write it when the core returns.
  const found = await w.store.get(id).catch((e: unknown) => {
    if (coreAway(e)) return undefined;
    throw e;
  });
  const rec = found ?? newRecord(id, kind, data.payload, data);
  rec.state = 'running';
  rec.attempts = job.attemptsMade + 1;
  rec.startedAt ??= new Date().toISOString();
  delete rec.error;
  if (job.stalledCounter > 0)
    appendLog(rec, 'warn', 'taken over after the worker running it stopped');
  if (data.late)
    appendLog(rec, 'warn', 'ran late: this tick fell due while the queue was unreachable');
  await w.store.saveOrKeep(rec);
  // QueueEvents' "active" may read the record before this save: announce "running" ourselves.
  w.bus.publish('jobs.updated', structuredClone(rec));
  await catchUp(w, kind, id, data).catch((err: unknown) =>
    w.logger.warn({ err, job: id }, 'catch-up failed'),
  );
  let lastSave = 0;
  // The record is final or queued again by the time BullMQ hears the outcome.
  const outcome = await runAttempt(rec, handler, {
    signal: signal ?? new AbortController().signal,
    progressIntervalMs: w.settings.progressIntervalMs,
    publish: (p) => void job.updateProgress(p).catch(() => undefined),
    onProgress: () => {
      if (Date.now() - lastSave < 2000) return;
      lastSave = Date.now();
      void w.store.save(rec).catch(() => undefined);
    },
    // Only a worker holding the job's lock can move it to delayed.
    outageSince: token ? (data.outageSince ?? null) : undefined,
    logger: w.logger,
  });
  switch (outcome.state) {
    case 'completed':
      rec.result = outcome.result;
      await finishRecord(w, rec, 'completed');
      return outcome.result ?? null;
    case 'cancelled':
      await finishRecord(w, rec, 'cancelled', {
        code: 'CANCELLED',
        message: 'cancelled by the user',
      });
      throw new UnrecoverableError('cancelled');
    case 'wait':
      rec.state = 'queued';
      rec.error = outcome.error;
      await w.store.saveOrKeep(rec);
      await job.updateData({ ...data, outageSince: data.outageSince ?? Date.now() });
      await job.moveToDelayed(Date.now() + outcome.delayMs, token as string);
      throw new DelayedError();
    case 'retry':
      // BullMQ schedules the next attempt with the same exponential back-off (queue options).
      rec.state = 'queued';
      rec.error = outcome.error;
      await w.store.saveOrKeep(rec);
      throw new Error(outcome.error.message);
    case 'failed':
      await finishRecord(w, rec, 'failed', outcome.error);
      throw new UnrecoverableError(outcome.error.message);
  }
}

/**
 * BullMQ creates a schedule's next run when the current one starts, from the current time; a
 * tick that fell due while Redis or every worker was away is skipped. Walk back from this tick
 * and add the ticks that were never created, under the scheduler's own job ids, so each runs
 * once (a concurrent duplicate add is a no-op for an existing id).
 */
async function catchUp(
  w: WorkerSide,
  kind: JobKind,
  id: string,
  data: QueuedJobData,
): Promise<void> {
  const m = /^repeat:(.+):(\d+)$/.exec(id);
  if (!m || !data.schedule || !data.scheduleId) return;
  const since = Date.parse(data.schedule.enabledAt);
  const it = CronExpressionParser.parse(data.schedule.cron, {
    tz: data.schedule.tz,
    currentDate: new Date(Number(m[2])),
  });
  const missed: number[] = [];
  for (let i = 0; i < MAX_CATCH_UP; i++) {
    const prev = it.prev().getTime();
    if (prev < since) break;
    const prevId = `repeat:${data.scheduleId}:${prev}`;
    if ((await w.queue(kind).getJob(prevId)) || (await w.store.get(prevId))) break;
    missed.push(prev);
  }
  for (const t of missed.reverse()) {
    await w
      .queue(kind)
      .add(kind, { ...data, late: true }, { jobId: `repeat:${data.scheduleId}:${t}` });
  }
  if (missed.length > 0)
    w.logger.warn({ schedule: data.scheduleId, missed: missed.length }, 'ran missed ticks late');
}

/** Record a final state (kept for the core database's return if it is away) and announce it. */
export async function finishRecord(
  o: Pick<WorkerSide, 'store' | 'logger' | 'bus'>,
  rec: JobRecord,
  state: 'completed' | 'failed' | 'cancelled',
  error?: JobRecord['error'],
): Promise<JobRecord> {
  rec.state = state;
  rec.finishedAt = new Date().toISOString();
  if (error) rec.error = error;
  if ((await o.store.saveOrKeep(rec)) === 'kept')
    o.logger.warn(
      { job: rec.id, state },
      'core database away: job outcome kept, written when it returns',
    );
  o.logger.info(
    { job: rec.id, kind: rec.kind, state, attempts: rec.attempts, schedule: rec.scheduleId },
    'job finished',
  );
  o.bus.publish('jobs.updated', rec);
  return rec;
}
