import { useCallback } from 'react';
import type { JobRecord } from '@shared/jobs';
import type { PartitionsList, PartitionsPlan } from '@shared/partitions';
import { api } from '../../api/client';
import { useLoader, type Loaded } from '../../lib/useLoader';

export interface PartitionsState extends Loaded<PartitionsList> {
  /** The exact DDL maintenance would run now (MAXVALUE rows counted where estimated). */
  plan: () => Promise<PartitionsPlan>;
  /** Start maintenance (a job). */
  apply: (split?: string[]) => Promise<JobRecord>;
}

/** Every partitioned table of the environment, with the plan and the run on demand. */
export function usePartitions(envId: string | undefined): PartitionsState {
  const loaded = useLoader(
    () => api().call('partitions.list', { envId: envId!, exact: 'none' }),
    envId ?? null,
  );
  const plan = useCallback(
    () => api().call('partitions.plan', { envId: envId!, exact: 'nonzero' }),
    [envId],
  );
  const apply = useCallback(
    (split?: string[]) =>
      api().call('partitions.apply', {
        envId: envId!,
        lockWaitSec: 5,
        attempts: 2,
        ...(split?.length && { split }),
      }),
    [envId],
  );
  return { ...loaded, plan, apply };
}
