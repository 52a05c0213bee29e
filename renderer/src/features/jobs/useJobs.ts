import { useCallback, useEffect } from 'react';
import type { JobRecord } from '@shared/jobs';
import { api } from '../../api/client';
import { useLoader, type Loaded } from '../../lib/useLoader';
import { useReconnectEpoch } from '../system/useConnection';
import { mergeLists, upsertJob, type JobFilter } from './jobModel';

export interface JobsState extends Loaded<JobRecord[]> {
  startHealthSweep: (envId: string) => Promise<JobRecord>;
  cancel: (id: string) => Promise<JobRecord>;
  get: (id: string) => Promise<JobRecord>;
}

/**
 * Job history matching `filter` plus every queued or running job (whatever the filter), kept live
 * by `jobs.updated` and `jobs.progress`.
 */
export function useJobs(filter: JobFilter, limit: number): JobsState {
  const epoch = useReconnectEpoch();
  const { state, kind, envId } = filter;
  const loaded = useLoader(
    async () => {
      const [history, running, queued] = await Promise.all([
        api().call('jobs.list', { state, kind, envId, limit }),
        api().call('jobs.list', { state: 'running', limit: 100 }),
        api().call('jobs.list', { state: 'queued', limit: 100 }),
      ]);
      return mergeLists(running, queued, history);
    },
    `jobs:${state ?? ''}:${kind ?? ''}:${envId ?? ''}:${limit}:${epoch}`,
  );
  const { setData } = loaded;

  useEffect(() => {
    const offUpdated = api().on('jobs.updated', (rec) =>
      setData((list) => upsertJob(list ?? [], rec)),
    );
    const offProgress = api().on('jobs.progress', ({ id, progress }) =>
      setData((list) => list?.map((j) => (j.id === id ? { ...j, progress } : j))),
    );
    return () => {
      offUpdated();
      offProgress();
    };
  }, [setData]);

  const startHealthSweep = useCallback(
    async (env: string) => {
      const rec = await api().call('jobs.start', { kind: 'health.sweep', payload: { envId: env } });
      setData((list) => upsertJob(list ?? [], rec));
      return rec;
    },
    [setData],
  );
  const cancel = useCallback(
    async (id: string) => {
      const rec = await api().call('jobs.cancel', { id });
      setData((list) => upsertJob(list ?? [], rec));
      return rec;
    },
    [setData],
  );
  const get = useCallback(
    async (id: string) => {
      const rec = await api().call('jobs.get', { id });
      setData((list) => upsertJob(list ?? [], rec));
      return rec;
    },
    [setData],
  );

  return { ...loaded, startHealthSweep, cancel, get };
}
