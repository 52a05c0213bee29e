import { useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EnvironmentView } from '@shared/models/environment';
import type { BlueprintSummary, TenantSummary } from '@shared/tenants';
import { useAppState } from '../../app/AppState';
import { setHashParams, useHashParams } from '../../app/hashParams';
import { hrefOf } from '../../app/router';
import { usePageKey, useRefreshShortcut } from '../../app/shortcuts';
import { EmptyState, Loading } from '../../components/EmptyState';
import { ErrorCallout } from '../../components/ErrorText';
import { PageHeader } from '../../components/PageHeader';
import { ApplyBlueprint, TenantsLoadError } from './BlueprintState';
import { BulkProvisionDialog } from './BulkProvisionDialog';
import { InterruptedBanner } from './InterruptedBanner';
import { ProvisionDialog } from './ProvisionDialog';
import { TenantDrawer } from './TenantDrawer';
import { TenantsPanel } from './TenantsPanel';
import { viewOfParams } from './tenantView';
import { useBlueprint, useInterrupted, useTenantActions, useTenantList } from './useTenants';
import './tenants.css';

const NO_PLANS: BlueprintSummary['plans'] = [];
const NO_TENANTS: TenantSummary[] = [];

/** The tenants of the active environment: catalog table, detail, provisioning and deprovisioning. */
export function TenantsPage() {
  const { t } = useTranslation();
  const { activeEnv, envs, envsError, reloadEnvs } = useAppState();
  if (activeEnv) return <TenantsView key={activeEnv.id} env={activeEnv} />;
  return (
    <div className="page">
      <PageHeader title={t('tenants.title')} />
      {envsError ? (
        <ErrorCallout error={envsError} onRetry={() => void reloadEnvs()} />
      ) : envs ? (
        <EmptyState
          title={t('tenants.noEnvTitle')}
          action={
            <a className="btn" href={hrefOf('connections')}>
              {t('env.addFirst')}
            </a>
          }
        >
          {t('tenants.noEnvBody')}
        </EmptyState>
      ) : (
        <Loading label={t('common.loading')} />
      )}
    </div>
  );
}

/** Everything of one environment; remounted when the environment changes, so nothing stale shows. */
function TenantsView({ env }: { env: EnvironmentView }) {
  const { t } = useTranslation();
  const blueprint = useBlueprint(env.id);
  const bp = blueprint.data;
  const applied = bp?.applied === true;
  // Asked together with the blueprint (first paint), unless it says there is no catalog yet.
  const catalogMayExist = bp?.applied !== false;
  const list = useTenantList(env.id, catalogMayExist);
  const interrupted = useInterrupted(env.id, catalogMayExist);
  const actions = useTenantActions(env.id);
  // The open tenant lives in the address (`?open=<id>`): a refresh or a link reopens it.
  const openId = viewOfParams(useHashParams()).open;
  const setOpenId = useCallback((id: string | undefined) => setHashParams({ open: id }), []);
  const [provisionOpen, setProvisionOpen] = useState(false);
  const [bulkOpen, setBulkOpen] = useState(false);
  const rows = list.tenants;
  const plans = useMemo(() => bp?.plans.map((p) => p.id) ?? [], [bp]);

  const reloadAll = (): void => {
    void blueprint.reload();
    void list.reload();
    void interrupted.reload();
  };
  useRefreshShortcut(reloadAll);
  usePageKey('n', () => {
    if (applied) setProvisionOpen(true);
  });
  const onOpen = useCallback((id: string) => setOpenId(id), [setOpenId]);

  const blueprintError =
    blueprint.error && !bp ? (
      <TenantsLoadError
        error={blueprint.error}
        title={t('tenants.blueprintFailed')}
        onRetry={() => void blueprint.reload()}
      />
    ) : undefined;

  return (
    <div className="page tenants-page">
      <PageHeader
        title={t('tenants.title')}
        subtitle={
          bp
            ? t('tenants.subtitle', { env: env.name, blueprint: bp.name, version: bp.version })
            : t('tenants.subtitleEnv', { env: env.name })
        }
        actions={
          <>
            <button
              type="button"
              className="btn"
              disabled={!applied}
              data-testid="bulk-provision"
              onClick={() => setBulkOpen(true)}
            >
              {t('tenants.bulk.open')}
            </button>
            <button
              type="button"
              className="btn btn-primary"
              disabled={!applied}
              aria-keyshortcuts="n"
              data-testid="provision-tenant"
              onClick={() => setProvisionOpen(true)}
            >
              {t('tenants.provision.open')}
            </button>
          </>
        }
      />
      {interrupted.data && (
        <InterruptedBanner
          items={interrupted.data}
          actions={actions}
          onChanged={() => {
            void interrupted.reload();
            void list.reload();
          }}
        />
      )}
      {interrupted.error && (
        <p className="muted small" role="note">
          {t('tenants.interrupted.unknown', { message: interrupted.error.message })}
        </p>
      )}
      {bp && !bp.applied ? (
        <ApplyBlueprint blueprint={bp} envName={env.name} actions={actions} onApplied={reloadAll} />
      ) : rows ? (
        <>
          {blueprintError}
          {list.error && (
            <p className="text-danger small" role="alert">
              {t('tenants.reloadFailed', { message: list.error.message })}
            </p>
          )}
          <TenantsPanel rows={rows} envId={env.id} blueprintPlans={plans} onOpen={onOpen} />
        </>
      ) : (
        (blueprintError ??
        (list.error ? (
          <TenantsLoadError
            error={list.error}
            title={t('tenants.listFailed')}
            onRetry={() => void list.reload()}
          />
        ) : (
          <Loading label={t('tenants.loading')} />
        )))
      )}
      <TenantDrawer
        envId={env.id}
        tenantId={openId}
        summary={rows?.find((x) => x.id === openId)}
        actions={actions}
        onClose={() => setOpenId(undefined)}
        onUpdated={list.put}
      />
      {bp && (
        <ProvisionDialog
          open={provisionOpen}
          blueprint={bp}
          tenants={rows ?? []}
          actions={actions}
          onClose={() => setProvisionOpen(false)}
        />
      )}
      <BulkProvisionDialog
        open={bulkOpen}
        actions={actions}
        plans={bp?.plans ?? NO_PLANS}
        tenants={rows ?? NO_TENANTS}
        onClose={() => setBulkOpen(false)}
      />
    </div>
  );
}
