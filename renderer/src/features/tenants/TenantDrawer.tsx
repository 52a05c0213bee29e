import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { JobRecord } from '@shared/jobs';
import type { TenantSummary } from '@shared/tenants';
import { useToast } from '../../app/toasts';
import { Dialog } from '../../components/Dialog';
import { Loading } from '../../components/EmptyState';
import { ErrorCallout } from '../../components/ErrorText';
import { useFormat } from '../../lib/useFormat';
import { FootprintView } from './FootprintView';
import { FollowedJobRun } from './JobRun';
import { AuditList, StatusHistory } from './TenantActivity';
import { actionsFor, TenantActionDialog, type TenantAction } from './TenantActionDialog';
import { TenantStatusBadge, useTenantText } from './tenantText';
import { useTenantDetail, type TenantActions } from './useTenants';

/** Side panel with one tenant: summary, quotas, actions, footprint per store, history and audit. */
export function TenantDrawer({
  envId,
  tenantId,
  summary,
  actions,
  onClose,
  onUpdated,
}: {
  envId: string;
  tenantId: string | undefined;
  /** The row from the list, shown while the detail loads. */
  summary: TenantSummary | undefined;
  actions: TenantActions;
  onClose: () => void;
  onUpdated: (t: TenantSummary) => void;
}) {
  const { t } = useTranslation();
  return (
    <Dialog
      open={tenantId !== undefined}
      onClose={onClose}
      variant="drawer"
      closeOnBackdrop
      testId="tenant-drawer"
      title={summary ? t('tenants.detail.title', { name: summary.name }) : (tenantId ?? '')}
    >
      {tenantId !== undefined && (
        <DrawerBody
          key={tenantId}
          envId={envId}
          tenantId={tenantId}
          summary={summary}
          actions={actions}
          onUpdated={onUpdated}
        />
      )}
    </Dialog>
  );
}

const ACTION_TEST_ID: Record<TenantAction, string> = {
  suspend: 'tenant-suspend',
  resume: 'tenant-resume',
  markForDeletion: 'tenant-mark-deletion',
  cancelDeletion: 'tenant-cancel-deletion',
  purge: 'tenant-purge',
};

function DrawerBody({
  envId,
  tenantId,
  summary,
  actions,
  onUpdated,
}: {
  envId: string;
  tenantId: string;
  summary: TenantSummary | undefined;
  actions: TenantActions;
  onUpdated: (t: TenantSummary) => void;
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const fmt = useFormat();
  const text = useTenantText();
  const d = useTenantDetail(envId, tenantId);
  const [action, setAction] = useState<TenantAction | undefined>();
  const [purgeJob, setPurgeJob] = useState<JobRecord | undefined>();
  // The list's row is updated at once by an action; the detail a moment later: take the newer.
  const fromDetail = d.detail?.tenant;
  const tenant =
    fromDetail && summary && Date.parse(summary.updatedAt) > Date.parse(fromDetail.updatedAt)
      ? summary
      : (fromDetail ?? summary);

  if (!tenant)
    return d.detailState.error ? (
      <ErrorCallout error={d.detailState.error} onRetry={d.reload} />
    ) : (
      <Loading label={t('common.loading')} />
    );

  const { placement, quotas } = tenant;
  const allowed = actionsFor(tenant.status);
  const purging =
    purgeJob !== undefined && (purgeJob.state === 'queued' || purgeJob.state === 'running');

  return (
    <div
      className="stack tenant-detail"
      data-testid="tenant-detail"
      data-tenant-id={tenant.id}
      data-status={tenant.status}
    >
      <dl className="kv">
        <dt>{t('tenants.col.id')}</dt>
        <dd className="mono">{tenant.id}</dd>
        <dt>{t('tenants.col.name')}</dt>
        <dd>{tenant.name}</dd>
        <dt>{t('tenants.col.status')}</dt>
        <dd data-testid="tenant-detail-status" data-status={tenant.status}>
          <TenantStatusBadge status={tenant.status} />
          {tenant.statusReason && <span className="muted small"> {tenant.statusReason}</span>}
        </dd>
        {tenant.purgeAfter && (
          <>
            <dt>{t('tenants.detail.purgeAfter')}</dt>
            <dd>
              <time dateTime={tenant.purgeAfter}>{fmt.dateTime(tenant.purgeAfter)}</time>{' '}
              <span className="muted small">({fmt.relative(tenant.purgeAfter)})</span>
            </dd>
          </>
        )}
        <dt>{t('tenants.col.plan')}</dt>
        <dd className="mono">{tenant.plan}</dd>
        <dt>{t('tenants.col.tier')}</dt>
        <dd>{text.tier(tenant.tier)}</dd>
        <dt>{t('tenants.detail.subdomain')}</dt>
        <dd className="mono">{tenant.subdomain ?? '—'}</dd>
        <dt>{t('tenants.col.placement')}</dt>
        <dd className="mono">
          {placement.connectionId}
          {placement.database && ` / ${placement.database}`}
        </dd>
        <dt>{t('tenants.col.createdAt')}</dt>
        <dd>{fmt.dateTime(tenant.createdAt)}</dd>
        <dt>{t('tenants.detail.updatedAt')}</dt>
        <dd>{fmt.dateTime(tenant.updatedAt)}</dd>
      </dl>

      {allowed.length > 0 && (
        <div className="toolbar" role="group" aria-label={t('common.actions')}>
          {allowed.map((a) => (
            <button
              key={a}
              type="button"
              className={a === 'purge' || a === 'markForDeletion' ? 'btn btn-danger-quiet' : 'btn'}
              disabled={purging}
              data-testid={ACTION_TEST_ID[a]}
              onClick={() => setAction(a)}
            >
              {t(`tenants.action.${a}.button`)}
            </button>
          ))}
        </div>
      )}
      {purgeJob && (
        <FollowedJobRun
          key={purgeJob.id}
          initial={purgeJob}
          failedTitle={t('tenants.action.purge.failed')}
          onFinished={(j) => {
            setPurgeJob(j);
            if (j.state === 'completed')
              toast.success(t('tenants.action.purge.done', { id: tenant.id }));
            d.reload();
          }}
        />
      )}

      <section>
        <h3 className="section-title">{t('tenants.detail.quotas')}</h3>
        <dl className="kv" data-testid="tenant-quotas">
          <dt>{t('tenants.quota.apiCalls')}</dt>
          <dd>{text.quota(quotas.apiCalls)}</dd>
          <dt>{t('tenants.quota.storage')}</dt>
          <dd>{text.storage(quotas.storageMb)}</dd>
          <dt>{t('tenants.quota.users')}</dt>
          <dd>{text.quota(quotas.users)}</dd>
          <dt>{t('tenants.quota.services')}</dt>
          <dd>{text.quota(quotas.services)}</dd>
        </dl>
      </section>

      <section>
        <h3 className="section-title">{t('tenants.footprint.title')}</h3>
        {d.detail ? (
          <FootprintView footprint={d.detail.footprint} />
        ) : d.detailState.error ? (
          <ErrorCallout error={d.detailState.error} onRetry={d.reload} />
        ) : (
          <Loading label={t('tenants.footprint.reading')} />
        )}
      </section>

      {d.detail && (
        <section>
          <h3 className="section-title">{t('tenants.history.title')}</h3>
          <StatusHistory history={d.detail.history} />
        </section>
      )}

      <section>
        <h3 className="section-title">{t('tenants.audit.title')}</h3>
        {d.audit ? (
          <AuditList entries={d.audit} />
        ) : d.auditState.error ? (
          <ErrorCallout error={d.auditState.error} onRetry={d.reload} />
        ) : (
          <Loading label={t('common.loading')} />
        )}
      </section>

      {action && (
        <TenantActionDialog
          key={action}
          action={action}
          tenant={tenant}
          actions={actions}
          onClose={() => setAction(undefined)}
          onUpdated={(x) => {
            onUpdated(x);
            d.reload();
          }}
          onPurgeStarted={setPurgeJob}
        />
      )}
    </div>
  );
}
