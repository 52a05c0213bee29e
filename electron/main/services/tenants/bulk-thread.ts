import { pino } from 'pino';
import type { JobPayload } from '../../../../shared/jobs';
import type { ConnectionSecret, Environment } from '../../../../shared/models/environment';
import { EventBus } from '../../lib/event-bus';
import { ClientRegistry } from '../../stores/registry';
import type { JobContext } from '../jobs/types';
import type { BlueprintDirs } from './blueprints';
import { TenantProvisioner } from './provisioner';

/** What main hands a bulk-provisioning thread: the environment, its secrets, the blueprints. */
export interface BulkThreadDeps {
  env: Environment;
  /** By connection id. Cloned into the thread's memory, never written anywhere. */
  secrets: Record<string, ConnectionSecret | undefined>;
  blueprintDir: BlueprintDirs;
}

/**
 * `tenants.bulkProvision` on a worker thread (a list of 10,000 tenants is long work): its own
 * pools to the environment's stores, the same provisioner code, nothing shared with main but messages.
 */
export async function runBulkInThread(
  payload: JobPayload<'tenants.bulkProvision'>,
  ctx: JobContext,
  deps: BulkThreadDeps,
): Promise<unknown> {
  const logger = pino({ level: 'warn' }, pino.destination(2));
  const registry = new ClientRegistry(async (_envId, connectionId) => {
    const connection = deps.env.connections.find((c) => c.id === connectionId);
    if (!connection) throw new Error(`no connection ${connectionId}`);
    return { connection, secret: deps.secrets[connectionId] };
  }, logger);
  // The job side only: no job starter, and no job counts as running elsewhere (main checked).
  const provisioner = new TenantProvisioner({
    envs: { get: async () => deps.env },
    registry,
    bus: new EventBus(),
    logger,
    blueprintDir: deps.blueprintDir,
  });
  try {
    ctx.log('info', 'running on a worker thread');
    return await provisioner.bulk(payload.envId, payload.specs, ctx);
  } finally {
    await registry.dispose();
  }
}
