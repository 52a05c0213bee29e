import { useEffect } from 'react';
import type { JobEngine } from '@shared/jobs';
import { api } from '../../api/client';
import { useLoader, type Loaded } from '../../lib/useLoader';
import { useReconnectEpoch } from '../system/useConnection';

/** Workers come and go as teammates open and close Keel: the count is read again this often. */
const REFRESH_MS = 30_000;

/**
 * Which engine runs an environment's jobs (`jobs.status`), kept fresh: again after its
 * connections change (the engine is rebuilt) and every half minute for the worker count.
 */
export function useJobEngine(envId: string | undefined): Loaded<JobEngine> {
  const epoch = useReconnectEpoch();
  const loaded = useLoader(
    () => api().call('jobs.status', { envId: envId as string }),
    envId ? `engine:${envId}:${epoch}` : null,
  );
  const { reload } = loaded;
  useEffect(() => {
    if (!envId) return;
    const off = api().on('environments.changed', () => void reload());
    const timer = setInterval(() => void reload(), REFRESH_MS);
    return () => {
      off();
      clearInterval(timer);
    };
  }, [envId, reload]);
  return loaded;
}
