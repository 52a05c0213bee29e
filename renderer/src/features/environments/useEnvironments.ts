import { useEffect } from 'react';
import type { EnvironmentView } from '@shared/models/environment';
import { api } from '../../api/client';
import { useLoader, type Loaded } from '../../lib/useLoader';
import { useReconnectEpoch } from '../system/useConnection';

/** All environments with their connections; reloads when any console changes one. */
export function useEnvironmentList(): Loaded<EnvironmentView[]> {
  const epoch = useReconnectEpoch();
  const loaded = useLoader(() => api().call('environments.list', {}), `envs:${epoch}`);
  const { reload } = loaded;
  useEffect(() => api().on('environments.changed', () => void reload()), [reload]);
  return loaded;
}
