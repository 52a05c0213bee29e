import { useCallback, useEffect } from 'react';
import type { Prefs, PrefsPatch } from '@shared/models/prefs';
import { api } from '../../api/client';
import { useLoader } from '../../lib/useLoader';
import { useReconnectEpoch } from '../system/useConnection';

export interface PrefsState {
  prefs: Prefs | undefined;
  error: ReturnType<typeof useLoader<Prefs>>['error'];
  reload: () => Promise<void>;
  /** Apply locally at once, then persist; on failure the stored prefs are reloaded and the error rethrown. */
  update: (patch: PrefsPatch) => Promise<Prefs>;
}

/** The user's preferences, kept in step with other consoles through `prefs.changed`. */
export function usePrefsState(): PrefsState {
  const epoch = useReconnectEpoch();
  const { data, error, reload, setData } = useLoader(
    () => api().call('prefs.get', {}),
    `prefs:${epoch}`,
  );

  useEffect(() => api().on('prefs.changed', (p) => setData(p)), [setData]);

  const update = useCallback(
    async (patch: PrefsPatch): Promise<Prefs> => {
      setData((p) => (p ? { ...p, ...patch } : p));
      try {
        const next = await api().call('prefs.set', patch);
        setData(next);
        return next;
      } catch (e) {
        void reload();
        throw e;
      }
    },
    [setData, reload],
  );

  return { prefs: data, error, reload, update };
}
