import { useMemo } from 'react';
import type { MethodInput, MethodOutput } from '@shared/contract/index';
import { api } from '../../api/client';

/**
 * Every change the Connections page makes. Lists refresh through `environments.changed`, so these
 * only call and return.
 */
export function useConnectionActions() {
  return useMemo(
    () => ({
      saveEnvironment: (input: MethodInput<'environments.save'>) =>
        api().call('environments.save', input),
      removeEnvironment: (envId: string) =>
        api().call('environments.remove', { envId, confirm: envId }),
      saveConnection: (input: MethodInput<'environments.saveConnection'>) =>
        api().call('environments.saveConnection', input),
      removeConnection: (envId: string, connectionId: string) =>
        api().call('environments.removeConnection', { envId, connectionId }),
      testConnection: (input: MethodInput<'environments.testConnection'>) =>
        api().call('environments.testConnection', input),
      exportYaml: (envId: string, passphrase?: string) =>
        api().call('environments.exportYaml', passphrase ? { envId, passphrase } : { envId }),
      importYaml: (input: MethodInput<'environments.importYaml'>) =>
        api().call('environments.importYaml', input),
    }),
    [],
  );
}

export type ProbeResult = MethodOutput<'environments.testConnection'>;
