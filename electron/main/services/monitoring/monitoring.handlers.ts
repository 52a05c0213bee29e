import type { DomainHandlers } from '../../router/domain';
import type { MonitoringService } from './monitoring.service';

/** monitoring.* */
export function monitoringHandlers(monitoring: MonitoringService): DomainHandlers<'monitoring'> {
  return {
    'monitoring.latest': ({ envId, connectionId }) => monitoring.latest(envId, connectionId),
    'monitoring.series': (input) => monitoring.series(input),
    'monitoring.stats': ({ envId }) => monitoring.stats(envId),
    'monitoring.tenantActivity': ({ envId, connectionId, refresh }) =>
      monitoring.tenantActivity(envId, connectionId, refresh),
  };
}
