import { useCallback, useEffect } from 'react';
import type { HealthSnapshot, ProbeResult } from '@shared/models/health';
import { api } from '../../api/client';
import { useLoader, type Loaded } from '../../lib/useLoader';
import { useReconnectEpoch } from '../system/useConnection';
import { mergeResults, upsertEntry } from './grouping';

export interface HealthState extends Loaded<HealthSnapshot> {
  /** Probe one connection, or every connection of an environment, now. */
  probe: (target: { envId: string; connectionId?: string }) => Promise<ProbeResult[]>;
}

/**
 * The health snapshot of one environment (or all when `envId` is undefined and `all` is set),
 * kept live by `health.probed` and reloaded when environments change or the connection returns.
 */
export function useHealth(envId: string | undefined, all: boolean): HealthState {
  const epoch = useReconnectEpoch();
  const scope = all ? '*' : envId;
  const loaded = useLoader(
    () => api().call('health.snapshot', all || envId === undefined ? {} : { envId }),
    scope === undefined ? null : `health:${scope}:${epoch}`,
  );
  const { setData, reload } = loaded;

  useEffect(
    () =>
      api().on('health.probed', (entry) => {
        if (!all && entry.latest.envId !== envId) return;
        setData((snap) => (snap ? upsertEntry(snap, entry) : snap));
      }),
    [all, envId, setData],
  );

  useEffect(() => api().on('environments.changed', () => void reload()), [reload]);

  const probe = useCallback(
    async (target: { envId: string; connectionId?: string }) => {
      const results = await api().call('health.probe', target);
      setData((snap) => (snap ? mergeResults(snap, results) : snap));
      return results;
    },
    [setData],
  );

  return { ...loaded, probe };
}
