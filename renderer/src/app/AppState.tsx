import { createContext, useCallback, useContext, useEffect, useMemo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { KeelError } from '@shared/errors';
import type { EnvironmentView } from '@shared/models/environment';
import type { Prefs, PrefsPatch } from '@shared/models/prefs';
import { useEnvironmentList } from '../features/environments/useEnvironments';
import { usePrefsState } from '../features/prefs/usePrefs';
import { setLanguage, systemLanguage } from './i18n';
import { applyTheme } from './theme';
import { useToast } from './toasts';

export interface AppState {
  prefs: Prefs | undefined;
  prefsError: KeelError | undefined;
  /** Persist a preference change; failures are shown as a toast and resolve to false. */
  updatePrefs: (patch: PrefsPatch) => Promise<boolean>;
  envs: EnvironmentView[] | undefined;
  envsError: KeelError | undefined;
  envsLoading: boolean;
  reloadEnvs: () => Promise<void>;
  /** The stored active environment if it still exists, else the first one. */
  activeEnv: EnvironmentView | undefined;
  setActiveEnv: (id: string) => Promise<boolean>;
}

const Ctx = createContext<AppState | null>(null);

export function AppStateProvider({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const toast = useToast();
  const { prefs, error: prefsError, update } = usePrefsState();
  const envList = useEnvironmentList();

  const theme = prefs?.theme;
  useEffect(() => {
    if (theme !== undefined) applyTheme(theme);
  }, [theme]);
  const language = prefs?.language;
  useEffect(() => {
    if (language !== undefined)
      void setLanguage(language === 'system' ? systemLanguage() : language);
  }, [language]);

  const updatePrefs = useCallback(
    async (patch: PrefsPatch): Promise<boolean> => {
      try {
        await update(patch);
        return true;
      } catch (e) {
        toast.error(e, t('settings.saveFailed'));
        return false;
      }
    },
    [update, toast, t],
  );

  const envs = envList.data;
  const activeEnv = useMemo(
    () => envs?.find((e) => e.id === prefs?.activeEnvironment) ?? envs?.[0],
    [envs, prefs?.activeEnvironment],
  );

  const value = useMemo<AppState>(
    () => ({
      prefs,
      prefsError,
      updatePrefs,
      envs,
      envsError: envList.error,
      envsLoading: envList.loading,
      reloadEnvs: envList.reload,
      activeEnv,
      setActiveEnv: (id) => updatePrefs({ activeEnvironment: id }),
    }),
    [
      prefs,
      prefsError,
      updatePrefs,
      envs,
      envList.error,
      envList.loading,
      envList.reload,
      activeEnv,
    ],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useAppState(): AppState {
  const ctx = useContext(Ctx);
  if (!ctx) throw new Error('useAppState outside AppStateProvider');
  return ctx;
}
