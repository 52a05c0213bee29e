import { QueueEvents } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  FINAL_STATES,
  JOB_KIND_NAMES,
  type JobKind,
  type JobProgress,
} from '../../../../shared/jobs';
import type { EventBus } from '../../lib/event-bus';
import { finishRecord } from './bullmq-worker';
import type { MysqlJobStore } from './mysql-job-store';

export interface RelayOptions {
  store: MysqlJobStore;
  bus: EventBus;
  logger: Logger;
  prefix: string;
  /** A new connection owned (and closed) by the runner. */
  connect(): Redis | Cluster;
  queueName(kind: JobKind): string;
}

/**
 * Every job kind's queue events relayed to this process's bus: progress as `jobs.progress`,
 * moves as the record's `jobs.updated`, and a failure BullMQ made without a processor (a job
 * stalled too often) recorded as failed. The caller closes the returned listeners.
 */
export function relayQueueEvents(o: RelayOptions): QueueEvents[] {
  const publishRecord = async (jobId: string): Promise<void> => {
    const rec = await o.store.get(jobId).catch(() => undefined);
    if (rec) o.bus.publish('jobs.updated', rec);
  };
  const onFailed = async (jobId: string, reason: string): Promise<void> => {
    const rec = await o.store.get(jobId).catch(() => undefined);
    if (!rec) return;
    if (FINAL_STATES.includes(rec.state)) return o.bus.publish('jobs.updated', rec);
    await finishRecord(o, rec, 'failed', { code: 'INTERNAL', message: reason }).catch(
      () => undefined,
    );
  };
  return JOB_KIND_NAMES.map((kind) => {
    const ev = new QueueEvents(o.queueName(kind), { connection: o.connect(), prefix: o.prefix });
    ev.on('error', (err) => o.logger.warn({ err }, 'queue events error'));
    ev.on('progress', ({ jobId, data }) => {
      if (data && typeof data === 'object') {
        o.bus.publish('jobs.progress', { id: jobId, progress: data as JobProgress });
      }
    });
    for (const name of ['waiting', 'active', 'completed', 'removed'] as const) {
      ev.on(name, ({ jobId }: { jobId: string }) => void publishRecord(jobId));
    }
    ev.on('failed', ({ jobId, failedReason }) => void onFailed(jobId, failedReason));
    return ev;
  });
}
