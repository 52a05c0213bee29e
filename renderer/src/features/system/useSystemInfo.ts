import type { MethodOutput } from '@shared/contract/index';
import { api } from '../../api/client';
import { useLoader, type Loaded } from '../../lib/useLoader';
import { useReconnectEpoch } from './useConnection';

export type SystemInfo = MethodOutput<'system.info'>;

export function useSystemInfo(): Loaded<SystemInfo> {
  const epoch = useReconnectEpoch();
  return useLoader(() => api().call('system.info', {}), `info:${epoch}`);
}
