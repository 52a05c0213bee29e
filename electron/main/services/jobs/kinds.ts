import { hostname } from 'node:os';
import { KeelError } from '../../../../shared/errors';
import type { BackupsService } from '../backups/backups.service';
import { runBackup } from '../backups/runner';
import type { EnvironmentsService } from '../environments/environments.service';
import type { HealthService } from '../health.service';
import type { ClientRegistry } from '../../stores/registry';
import type { PartitionsService } from '../partitions/partitions.service';
import type { QuotasService } from '../quotas/quotas.service';
import { migrateKeelSchema } from '../shared/keel-schema';
import { findBlueprintDir, type BlueprintDirs } from '../tenants/blueprints';
import type { BulkThreadDeps } from '../tenants/bulk-thread';
import type { TenantProvisioner } from '../tenants/provisioner';
import { coordinationOf } from './job.service';
import { runInThread } from './thread-executor';
import type { JobRunner } from './types';
import { runWatch, type WatchDeps } from './watch';

export interface JobDeps {
  health: HealthService;
  envs: EnvironmentsService;
  registry: ClientRegistry;
  /** The tenants domain's job side (provision, bulk, rollback, purge, blueprint apply). */
  tenants: TenantProvisioner;
  /** Where blueprints are found (the bulk thread needs them too). */
  blueprintDirs?: BlueprintDirs;
  partitions: PartitionsService;
  backups: BackupsService;
  quotas: QuotasService;
  /** out/main/job-thread.js in the built shells; absent (tests run from sources): work inline. */
  threadFile?: string;
}

/** The handlers of every job kind declared in shared/jobs.ts, registered on a runner. */
export function registerJobs(jobs: JobRunner, d: JobDeps): void {
  jobs.register('health.sweep', async ({ envId }, ctx) => {
    const targets = await d.health.targets(envId);
    if (targets.length === 0)
      throw new KeelError('NOT_FOUND', `environment ${envId} has no connections`);
    let done = 0;
    let down = 0;
    ctx.progress({ done, total: targets.length, message: 'probing' });
    await Promise.all(
      targets.map(async (t) => {
        ctx.signal.throwIfAborted();
        const r = await d.health.probeTarget(t);
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

  jobs.register('health.watch', async (payload, ctx) => {
    const env = await d.envs.get(payload.envId);
    const { core } = coordinationOf(env);
    if (!core) {
      throw new KeelError(
        'PRECONDITION_FAILED',
        'a watch keeps its samples in the core database: this environment has no MySQL connection with role "core"',
      );
    }
    const targets = (await d.health.targets(payload.envId)).filter(
      (t) => !payload.connectionId || t.connection.id === payload.connectionId,
    );
    if (targets.length === 0) {
      throw new KeelError(
        'NOT_FOUND',
        payload.connectionId
          ? `no connection ${payload.connectionId} in ${payload.envId}`
          : `environment ${payload.envId} has no connections`,
      );
    }
    await migrateKeelSchema(await d.registry.of('mysql', payload.envId, core.id));
    const deps: WatchDeps = {
      targets: await Promise.all(
        targets.map(async (t) => ({
          init: await d.envs.resolve(t.envId, t.connection.id),
          endpoint: t.endpoint,
        })),
      ),
      core: await d.envs.resolve(payload.envId, core.id),
    };
    return d.threadFile
      ? runInThread(d.threadFile, { kind: 'health.watch', payload, deps }, ctx)
      : runWatch(payload, ctx, deps);
  });

  jobs.register('blueprint.apply', ({ envId }, ctx) => d.tenants.apply(envId, ctx));
  jobs.register('tenants.provision', ({ envId, spec }, ctx) =>
    d.tenants.provision(envId, spec, ctx),
  );
  jobs.register('tenants.bulkProvision', async (payload, ctx) => {
    if (!d.threadFile) return d.tenants.bulk(payload.envId, payload.specs, ctx);
    const env = await d.envs.get(payload.envId);
    const secrets = Object.fromEntries(
      await Promise.all(
        env.connections.map(
          async (c) => [c.id, (await d.envs.resolve(payload.envId, c.id)).secret] as const,
        ),
      ),
    );
    const deps: BulkThreadDeps = {
      env,
      secrets,
      blueprintDir: { bundled: findBlueprintDir(), ...d.blueprintDirs },
    };
    try {
      return await runInThread(d.threadFile, { kind: 'tenants.bulkProvision', payload, deps }, ctx);
    } finally {
      d.tenants.changed(payload.envId);
    }
  });
  jobs.register('tenants.rollback', ({ envId, tenantId }, ctx) =>
    d.tenants.rollback(envId, tenantId, ctx),
  );
  jobs.register('tenants.purge', ({ envId, tenantId, reason }, ctx) =>
    d.tenants.purge(envId, tenantId, reason, ctx),
  );

  jobs.register('partitions.apply', (payload, ctx) => d.partitions.maintain(payload, ctx));
  jobs.register('partitions.archive', (payload, ctx) => d.partitions.archive(payload, ctx));
  jobs.register('backups.run', (payload, ctx) => runBackup(payload, ctx, d.backups.deps));
  jobs.register('usage.scan', ({ envId }, ctx) => d.quotas.scan(envId, ctx));

  // pickupMs compares this worker's clock with the enqueuing Keel's: skew between machines shows.
  jobs.register('jobs.ping', async (_p, ctx) => ({
    worker: `${hostname()}/${process.pid}`,
    pickupMs: Math.max(0, Date.now() - Date.parse(ctx.queuedAt)),
  }));
}
