import { useEffect, useSyncExternalStore } from 'react';
import type { Alert } from '@shared/alerts';
import type { MetricName, SeriesResult, TenantActivity } from '@shared/monitoring';
import { api } from '../../api/client';
import { useLoader, type Loaded } from '../../lib/useLoader';
import { useReconnectEpoch } from '../system/useConnection';
import { readingFromEvent, readingFromLatest, type StoreReading } from './readings';
import { parseStoreHash } from './storeHash';

export type { StoreReading } from './readings';

/** `${envId}/${connectionId}` → its last reading. */
export type Readings = Record<string, StoreReading>;

export const readingKey = (envId: string, connectionId: string): string =>
  `${envId}/${connectionId}`;

/**
 * The last sweep of every connection of these environments (`monitoring.latest`), kept live by
 * `monitoring.samples`. An environment whose monitoring cannot be read is left out.
 */
export function useLatestReadings(envIds: readonly string[]): Loaded<Readings> {
  const epoch = useReconnectEpoch();
  const ids = envIds.join(',');
  const loaded = useLoader(async () => {
    const out: Readings = {};
    const got = await Promise.allSettled(
      envIds.map((envId) => api().call('monitoring.latest', { envId })),
    );
    for (const g of got) {
      if (g.status !== 'fulfilled') continue;
      for (const c of g.value.connections) {
        out[readingKey(g.value.envId, c.connectionId)] = readingFromLatest(c);
      }
    }
    return out;
  }, `latest:${ids}:${epoch}`);
  const { setData } = loaded;
  useEffect(
    () =>
      api().on('monitoring.samples', (e) => {
        if (!envIds.includes(e.envId)) return;
        const key = readingKey(e.envId, e.connectionId);
        setData((prev) => ({ ...prev, [key]: readingFromEvent(prev?.[key], e) }));
      }),
    // envIds is captured by value through `ids`.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [ids, setData],
  );
  return loaded;
}

/** One metric of one connection over a range. */
export function useSeries(
  envId: string,
  connectionId: string,
  metric: MetricName,
  from: number,
  to: number,
  stepSec: number,
): Loaded<SeriesResult> {
  return useLoader(
    () => api().call('monitoring.series', { envId, connectionId, metric, from, to, stepSec }),
    `series:${envId}:${connectionId}:${metric}:${from}:${to}:${stepSec}`,
  );
}

/** Tenants by activity of one shard (cached on the server for the slow cadence). */
export function useTenantActivity(
  envId: string,
  connectionId: string | null,
  refreshKey: number,
): Loaded<TenantActivity> {
  return useLoader(
    () =>
      api().call('monitoring.tenantActivity', {
        envId,
        ...(connectionId !== null && { connectionId }),
        ...(refreshKey > 0 && { refresh: true }),
      }),
    connectionId === null ? null : `activity:${envId}:${connectionId}:${refreshKey}`,
  );
}

/** Firing and acknowledged alerts of every environment (the alerts backend may not exist yet). */
export function useActiveAlerts(): Loaded<Alert[]> {
  const epoch = useReconnectEpoch();
  return useLoader(
    () => api().call('alerts.list', { states: ['firing', 'acknowledged'], limit: 50 }),
    `alerts:active:${epoch}`,
  );
}

const subscribeHash = (l: () => void): (() => void) => {
  window.addEventListener('hashchange', l);
  return () => window.removeEventListener('hashchange', l);
};

/** The store of the hash, re-read on every hash change. */
export function useStoreHash(): { envId: string; connectionId: string } | undefined {
  const hash = useSyncExternalStore(subscribeHash, () => location.hash);
  return parseStoreHash(hash);
}
