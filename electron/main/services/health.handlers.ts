import type { DomainHandlers } from '../router/domain';
import type { ClientRegistry } from '../stores/registry';
import type { HealthService } from './health.service';

/** health.*: probes and the registry's open pools. */
export function healthHandlers(d: {
  health: HealthService;
  registry: ClientRegistry;
}): DomainHandlers<'health'> {
  return {
    'health.snapshot': ({ envId }) => d.health.snapshot(envId),
    'health.probe': ({ envId, connectionId }) => d.health.probe(envId, connectionId),
    'health.pools': ({ envId }) =>
      d.registry
        .open()
        .filter((e) => !envId || e.envId === envId)
        .map((e) => ({
          envId: e.envId,
          connectionId: e.client.connection.id,
          kind: e.client.kind,
          open: true,
          pool: e.client.stats(),
        })),
  };
}
