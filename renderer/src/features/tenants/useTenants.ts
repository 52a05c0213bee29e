import { useCallback, useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import { FINAL_STATES, type JobRecord } from '@shared/jobs';
import type {
  AuditEntry,
  BlueprintSummary,
  Interrupted,
  TenantDetail,
  TenantSpec,
  TenantSummary,
} from '@shared/tenants';
import { api } from '../../api/client';
import { useLoader, type Loaded } from '../../lib/useLoader';
import { useReconnectEpoch } from '../system/useConnection';
import type { BulkFormat } from './bulkModel';

/**
 * Bursts of changes (a bulk provisioning emits one per tenant) cause one reload, this long after
 * the first: the list holds the whole catalog, so it is not fetched again per event.
 */
const SETTLE_MS = 1_000;
const AUDIT_LIMIT = 100;

/** `reload`, at most once per burst of calls. */
function useSettledReload(reload: () => Promise<void>): () => void {
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(pending.current), []);
  return useCallback(() => {
    if (pending.current !== undefined) return;
    pending.current = setTimeout(() => {
      pending.current = undefined;
      void reload();
    }, SETTLE_MS);
  }, [reload]);
}

const isTenantJob = (j: JobRecord): boolean =>
  j.kind.startsWith('tenants.') || j.kind === 'blueprint.apply';

/**
 * Calls `onChange(tenantId)` when a tenant of the environment (or its catalog, tenantId
 * undefined) changed: `tenants.changed` from any console, or a tenants job that finished.
 */
function useTenantsChanged(envId: string, onChange: (tenantId: string | undefined) => void): void {
  const latest = useRef(onChange);
  useLayoutEffect(() => {
    latest.current = onChange;
  });
  useEffect(() => {
    const offChanged = api().on('tenants.changed', (p) => {
      if (p.envId === envId) latest.current(p.tenantId);
    });
    const offJobs = api().on('jobs.updated', (j) => {
      if (j.envId === envId && isTenantJob(j) && FINAL_STATES.includes(j.state))
        latest.current(j.tenantId);
    });
    return () => {
      offChanged();
      offJobs();
    };
  }, [envId]);
}

/** The environment's blueprint: plans, tiers, whether the catalog exists, free instances. */
export function useBlueprint(envId: string): Loaded<BlueprintSummary> {
  const epoch = useReconnectEpoch();
  const loaded = useLoader(
    () => api().call('tenants.blueprint', { envId }),
    `blueprint:${envId}:${epoch}`,
  );
  const soon = useSettledReload(loaded.reload);
  useTenantsChanged(envId, soon);
  useEffect(() => api().on('environments.changed', soon), [soon]);
  return loaded;
}

export interface TenantList extends Omit<Loaded<TenantSummary[]>, 'data' | 'setData'> {
  tenants: TenantSummary[] | undefined;
  /** Replace one row with what an action returned, before the reload brings it anyway. */
  put: (t: TenantSummary) => void;
}

/** Every tenant of the catalog (10,000+ rows), kept fresh by `tenants.changed`. */
export function useTenantList(envId: string, enabled: boolean): TenantList {
  const epoch = useReconnectEpoch();
  const loaded = useLoader(
    async () => {
      const { tenants } = await api().call('tenants.list', { envId });
      // The render benchmark measures from here to `keel:tenants-table-painted`.
      performance.mark('keel:tenants-data');
      return tenants;
    },
    enabled ? `tenants:${envId}:${epoch}` : null,
  );
  const { setData, reload } = loaded;
  const soon = useSettledReload(reload);
  useTenantsChanged(envId, soon);
  const put = useCallback(
    (t: TenantSummary) => setData((l) => l?.map((x) => (x.id === t.id ? t : x))),
    [setData],
  );
  return {
    tenants: loaded.data,
    error: loaded.error,
    loading: loaded.loading,
    reload,
    put,
  };
}

/** Provisionings that stopped half-way. */
export function useInterrupted(envId: string, enabled: boolean): Loaded<Interrupted[]> {
  const epoch = useReconnectEpoch();
  const loaded = useLoader(
    () => api().call('tenants.interrupted', { envId }),
    enabled ? `interrupted:${envId}:${epoch}` : null,
  );
  const soon = useSettledReload(loaded.reload);
  useTenantsChanged(envId, soon);
  return loaded;
}

export interface TenantDetailState {
  /** Undefined while another tenant's answer is still held. */
  detail: TenantDetail | undefined;
  detailState: Omit<Loaded<TenantDetail>, 'data' | 'setData'>;
  audit: AuditEntry[] | undefined;
  auditState: Omit<Loaded<{ tenantId: string; entries: AuditEntry[] }>, 'data' | 'setData'>;
  reload: () => void;
}

/** One tenant with its live footprint and its audit entries, reloaded when it changes. */
export function useTenantDetail(envId: string, tenantId: string): TenantDetailState {
  const epoch = useReconnectEpoch();
  const key = `tenant:${envId}:${tenantId}:${epoch}`;
  const detail = useLoader(() => api().call('tenants.get', { envId, tenantId }), key);
  const audit = useLoader(
    async () => ({
      tenantId,
      entries: await api().call('tenants.audit', { envId, tenantId, limit: AUDIT_LIMIT }),
    }),
    `audit:${key}`,
  );
  const reloadDetail = detail.reload;
  const reloadAudit = audit.reload;
  const reload = useCallback(() => {
    void reloadDetail();
    void reloadAudit();
  }, [reloadDetail, reloadAudit]);
  const reloadAsync = useCallback(async () => reload(), [reload]);
  const soon = useSettledReload(reloadAsync);
  useTenantsChanged(envId, (id) => {
    if (id === undefined || id === tenantId) soon();
  });
  return {
    detail: detail.data?.tenant.id === tenantId ? detail.data : undefined,
    detailState: detail,
    audit: audit.data?.tenantId === tenantId ? audit.data.entries : undefined,
    auditState: audit,
    reload,
  };
}

export type TenantActions = ReturnType<typeof useTenantActions>;

/** The environment's tenant actions. Slow ones return the job that does the work. */
export function useTenantActions(envId: string) {
  return useMemo(
    () => ({
      preview: (spec: TenantSpec) => api().call('tenants.preview', { envId, spec }),
      provision: (spec: TenantSpec) => api().call('tenants.provision', { envId, spec }),
      bulkProvision: (format: BulkFormat, text: string) =>
        api().call('tenants.bulkProvision', { envId, format, text }),
      suspend: (tenantId: string, reason: string) =>
        api().call('tenants.suspend', { envId, tenantId, reason }),
      resume: (tenantId: string, reason: string) =>
        api().call('tenants.resume', { envId, tenantId, reason }),
      markForDeletion: (tenantId: string, reason: string, graceDays: number) =>
        api().call('tenants.markForDeletion', { envId, tenantId, reason, graceDays }),
      cancelDeletion: (tenantId: string, reason: string) =>
        api().call('tenants.cancelDeletion', { envId, tenantId, reason }),
      purge: (tenantId: string, reason: string) =>
        api().call('tenants.purge', { envId, tenantId, confirm: tenantId, reason }),
      resumeProvisioning: (tenantId: string) =>
        api().call('tenants.resumeProvisioning', { envId, tenantId }),
      rollback: (tenantId: string) => api().call('tenants.rollback', { envId, tenantId }),
      applyBlueprint: () => api().call('tenants.applyBlueprint', { envId }),
    }),
    [envId],
  );
}
