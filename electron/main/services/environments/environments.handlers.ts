import type { DomainHandlers } from '../../router/domain';
import type { HealthService } from '../health.service';
import type { EnvironmentsService } from './environments.service';

/** environments.*: environments and connections; a connection test is a one-off probe. */
export function environmentsHandlers(d: {
  environments: EnvironmentsService;
  health: HealthService;
}): DomainHandlers<'environments'> {
  const envs = d.environments;
  return {
    'environments.list': () => envs.list(),
    'environments.save': (meta) => envs.save(meta),
    'environments.remove': async ({ envId, confirm }) => ({
      removed: await envs.remove(envId, confirm),
    }),
    'environments.saveConnection': ({ envId, connection, secret }) =>
      envs.saveConnection(envId, connection, secret),
    'environments.removeConnection': async ({ envId, connectionId }) => ({
      removed: await envs.removeConnection(envId, connectionId),
    }),
    'environments.testConnection': async ({ envId, connection, secret }) =>
      d.health.test(envId, connection, await envs.secretForTest(envId, connection, secret)),
    'environments.exportYaml': ({ envId, passphrase }) => envs.exportYaml(envId, passphrase),
    'environments.importYaml': ({ yaml, passphrase, replace }) =>
      envs.importYaml(yaml, passphrase, replace),
  };
}
