import { KeelError } from '../../../../shared/errors';
import type { HealthService } from '../health.service';
import type { JobRunner } from './types';

/** The handlers of every job kind declared in shared/jobs.ts. */
export function registerJobs(jobs: JobRunner, health: HealthService): void {
  jobs.register('health.sweep', async ({ envId }, ctx) => {
    const targets = await health.targets(envId);
    if (targets.length === 0)
      throw new KeelError('NOT_FOUND', `environment ${envId} has no connections`);
    let done = 0;
    let down = 0;
    ctx.progress({ done, total: targets.length, message: 'probing' });
    await Promise.all(
      targets.map(async (t) => {
        ctx.signal.throwIfAborted();
        const r = await health.probeTarget(t);
        done++;
        if (r.status === 'down') {
          down++;
          ctx.log('warn', `${r.connectionId} (${r.endpoint}) is down: ${r.error?.message ?? ''}`);
        } else {
          ctx.log(
            'info',
            `${r.connectionId} (${r.endpoint}) ${r.status}, ${r.latencyMs ?? '?'} ms`,
          );
        }
        ctx.progress({ done, total: targets.length, message: `${r.connectionId}: ${r.status}` });
      }),
    );
    return { probed: targets.length, down };
  });
}
