import { isKeelError, KeelError } from '../../../../shared/errors';
import type { TenantSummary } from '../../../../shared/tenants';
import type { Logger } from 'pino';
import type { EventBus } from '../../lib/event-bus';
import type { JobContext } from '../jobs/types';
import { audited } from './audit';
import type { UndoAction } from './catalog';
import { purgeAllowed } from './checks';
import { actorName, message, type Ctx } from './context';
import { namesOf } from './names';
import { Platform } from './platform';
import { keelPrefixOf } from './redis-access';
import { Undoer } from './undo';

/** What a purge removes outside the shared tables: schema, collections, ACL user and keys, bucket. */
function purgeActions(c: Ctx, tenant: TenantSummary): UndoAction[] {
  const n = namesOf(c.targets, tenant.id);
  const { mongoBusiness, redis, influx, blueprint: b } = c.targets;
  return [
    ...(tenant.placement.database
      ? [
          {
            store: 'mysql' as const,
            connectionId: tenant.placement.connectionId,
            dropDatabase: tenant.placement.database,
          },
        ]
      : []),
    ...(mongoBusiness
      ? b.mongo.business.tenantCollections.map((col) => ({
          store: 'mongodb' as const,
          connectionId: mongoBusiness.id,
          database: b.mongo.business.database,
          dropCollection: `${n.collectionPrefix}${col.name}`,
        }))
      : []),
    ...(redis
      ? [
          { store: 'redis' as const, connectionId: redis.id, deleteAclUser: n.aclUser },
          // A tenant may SELECT any logical database (its key pattern holds in all of them,
          // and MOVE / COPY reach them too): its prefix is purged in every one.
          {
            store: 'redis' as const,
            connectionId: redis.id,
            db: 'all' as const,
            deleteKeysWithPrefix: n.keyPrefix,
          },
          {
            store: 'redis' as const,
            connectionId: redis.id,
            db: b.redis.businessDb,
            deleteKeysWithPrefix: keelPrefixOf(tenant.id),
          },
        ]
      : []),
    ...(influx
      ? [{ store: 'influxdb' as const, connectionId: influx.id, dropDatabase: n.bucket }]
      : []),
  ];
}

/** `tenants.purge`: delete the tenant's data and access in every store; the catalog keeps a `purged` row. */
export async function purgeTenant(
  c: Ctx,
  sink: { bus: EventBus; logger: Logger },
  tenantId: string,
  reason: string,
  job: JobContext,
): Promise<{ removed: number }> {
  const tenant = await c.catalog.get(tenantId);
  purgeAllowed(tenant);
  const undo = new Undoer(c.stores, c.catalog);
  const actions = purgeActions(c, tenant);
  const total = actions.length + (tenant.tier === 'shared' ? 1 : 0) + 1;
  const who = actorName(job.actor);
  let done = 0;
  return audited(
    { ...sink, audit: c.audit },
    { envId: c.env.id, actor: who, action: 'tenant.purge', target: tenantId, tenantId },
    async () => {
      if (tenant.tier === 'shared') {
        const platform = new Platform(c.targets, c.stores, c.catalog);
        const rows = await platform.deleteSharedRows(tenantId, job.signal);
        job.log(
          'info',
          `deleted ${rows} row(s) carrying tenant_id = ${tenantId} from the shared tables`,
        );
        job.progress({ done: ++done, total, message: 'shared rows deleted' });
      }
      for (const a of actions) {
        job.signal.throwIfAborted();
        await undo.run(a, job.signal);
        job.progress({ done: ++done, total, message: Undoer.describe(a) });
      }
      const { after } = await c.catalog.setStatus(
        tenantId,
        ['pending_deletion'],
        'purged',
        reason,
        who,
      );
      job.progress({ done: total, total, message: 'purged' });
      return { value: { removed: actions.length }, before: tenant, after };
    },
    {
      recover: async (e) =>
        new KeelError(
          isKeelError(e) ? e.code : 'SERVER_ERROR',
          `purge of ${tenantId} stopped: ${message(e)}. The tenant stays marked for deletion; run the purge again to finish.`,
        ),
      failed: () => ({ before: tenant }),
    },
  );
}
