import { useCallback, useEffect, useRef } from 'react';
import type { Alert, AlertRule, AlertRuleInput, Silence, Webhook } from '@shared/alerts';
import { api } from '../../api/client';
import { useLoader, type Loaded } from '../../lib/useLoader';
import { useReconnectEpoch } from '../system/useConnection';

/** Bursts of `alerts.changed` (one per evaluation sweep) cause one reload, this long after the first. */
const SETTLE_MS = 500;

/** Reload `reload` (settled) on `alerts.changed` of `envId`. */
function useAlertsChanged(envId: string | undefined, reload: () => Promise<void>): void {
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(pending.current), []);
  useEffect(() => {
    if (envId === undefined) return;
    return api().on('alerts.changed', (p) => {
      if (p.envId !== envId || pending.current !== undefined) return;
      pending.current = setTimeout(() => {
        pending.current = undefined;
        void reload();
      }, SETTLE_MS);
    });
  }, [envId, reload]);
}

export interface AlertsState extends Loaded<Alert[]> {
  acknowledge: (a: Alert, note: string, untilMinutes?: number) => Promise<Alert>;
  resolve: (a: Alert, note: string) => Promise<Alert>;
}

/** The environment's alerts (every state, up to 5,000; filtered here), kept fresh by events. */
export function useAlerts(envId: string | undefined): AlertsState {
  const epoch = useReconnectEpoch();
  const loaded = useLoader(
    () => api().call('alerts.list', { envId, limit: 5000 }),
    envId ? `alerts:${envId}:${epoch}` : null,
  );
  const { reload, setData } = loaded;
  useAlertsChanged(envId, reload);
  const put = useCallback(
    (a: Alert) => setData((l) => l?.map((x) => (x.id === a.id ? a : x))),
    [setData],
  );
  const acknowledge = useCallback(
    async (a: Alert, note: string, untilMinutes?: number) => {
      const r = await api().call('alerts.acknowledge', {
        envId: a.envId,
        id: a.id,
        note,
        ...(untilMinutes !== undefined && { untilMinutes }),
      });
      put(r);
      return r;
    },
    [put],
  );
  const resolve = useCallback(
    async (a: Alert, note: string) => {
      const r = await api().call('alerts.resolve', { envId: a.envId, id: a.id, note });
      put(r);
      return r;
    },
    [put],
  );
  return { ...loaded, acknowledge, resolve };
}

/** One alert with its history and rule; reloads with the list (`version` changes). */
export function useAlertDetail(alert: Alert | undefined) {
  const epoch = useReconnectEpoch();
  const loaded = useLoader(
    () => api().call('alerts.get', { envId: alert?.envId ?? '', id: alert?.id ?? '' }),
    alert ? `alert:${alert.envId}:${alert.id}:${alert.updatedAt}:${epoch}` : null,
  );
  return loaded;
}

/** Firing alerts over every environment (the nav badge); undefined until known or on error. */
export function useFiringCount(): number | undefined {
  return useAlertSummary().data?.reduce((n, s) => n + s.firing, 0);
}

/** `alerts.summary`, kept fresh by `alerts.changed`. */
export function useAlertSummary() {
  const epoch = useReconnectEpoch();
  const loaded = useLoader(() => api().call('alerts.summary', {}), `alerts-summary:${epoch}`);
  const { reload } = loaded;
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(pending.current), []);
  useEffect(
    () =>
      api().on('alerts.changed', () => {
        if (pending.current !== undefined) return;
        pending.current = setTimeout(() => {
          pending.current = undefined;
          void reload();
        }, SETTLE_MS * 2);
      }),
    [reload],
  );
  return loaded;
}

export interface RulesState extends Loaded<AlertRule[]> {
  save: (r: AlertRuleInput) => Promise<AlertRule>;
  remove: (r: AlertRule) => Promise<void>;
}

export function useRules(envId: string | undefined): RulesState {
  const epoch = useReconnectEpoch();
  const loaded = useLoader(
    () => api().call('alerts.rules', { envId: envId ?? '' }),
    envId ? `rules:${envId}:${epoch}` : null,
  );
  const { reload, setData } = loaded;
  useAlertsChanged(envId, reload);
  const save = useCallback(
    async (input: AlertRuleInput) => {
      const r = await api().call('alerts.saveRule', input);
      setData((l) =>
        l?.some((x) => x.id === r.id) ? l.map((x) => (x.id === r.id ? r : x)) : [...(l ?? []), r],
      );
      return r;
    },
    [setData],
  );
  const remove = useCallback(
    async (r: AlertRule) => {
      await api().call('alerts.removeRule', { envId: r.envId, id: r.id });
      setData((l) => l?.filter((x) => x.id !== r.id));
    },
    [setData],
  );
  return { ...loaded, save, remove };
}

export interface SilencesState extends Loaded<Silence[]> {
  save: (s: Silence) => Promise<Silence>;
  remove: (s: Silence) => Promise<void>;
}

export function useSilences(envId: string | undefined): SilencesState {
  const epoch = useReconnectEpoch();
  const loaded = useLoader(
    () => api().call('alerts.silences', { envId: envId ?? '' }),
    envId ? `silences:${envId}:${epoch}` : null,
  );
  const { reload, setData } = loaded;
  useAlertsChanged(envId, reload);
  const save = useCallback(
    async (input: Silence) => {
      const s = await api().call('alerts.saveSilence', input);
      setData((l) =>
        l?.some((x) => x.id === s.id) ? l.map((x) => (x.id === s.id ? s : x)) : [...(l ?? []), s],
      );
      return s;
    },
    [setData],
  );
  const remove = useCallback(
    async (s: Silence) => {
      await api().call('alerts.removeSilence', { envId: s.envId, id: s.id });
      setData((l) => l?.filter((x) => x.id !== s.id));
    },
    [setData],
  );
  return { ...loaded, save, remove };
}

/** Create a silence without the list (the alert drawer's "Silence"). */
export const saveSilence = (s: Silence): Promise<Silence> => api().call('alerts.saveSilence', s);

export interface WebhooksState extends Loaded<Webhook[]> {
  save: (list: Webhook[]) => Promise<Webhook[]>;
}

export function useWebhooks(envId: string | undefined): WebhooksState {
  const epoch = useReconnectEpoch();
  const loaded = useLoader(
    () => api().call('alerts.webhooks', { envId: envId ?? '' }),
    envId ? `webhooks:${envId}:${epoch}` : null,
  );
  const { setData } = loaded;
  const save = useCallback(
    async (webhooks: Webhook[]) => {
      const r = await api().call('alerts.saveWebhooks', { envId: envId ?? '', webhooks });
      setData(r);
      return r;
    },
    [envId, setData],
  );
  return { ...loaded, save };
}

/** Open a runbook: through main's confirm dialog on the desktop, a new tab in server mode. */
export async function openRunbook(url: string): Promise<void> {
  if (api().shell === 'desktop') {
    await api().call('system.openExternal', { url });
    return;
  }
  window.open(url, '_blank', 'noopener,noreferrer');
}
