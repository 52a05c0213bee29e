import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { JobRecord } from '@shared/jobs';
import { reasonSchema, type TenantSummary } from '@shared/tenants';
import { useToast } from '../../app/toasts';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { TextField } from '../../components/fields';
import { useFormat } from '../../lib/useFormat';
import { useNow } from '../../lib/useNow';
import type { TenantActions } from './useTenants';

export type TenantAction = 'suspend' | 'resume' | 'markForDeletion' | 'cancelDeletion' | 'purge';

/** Which actions a status allows (the server checks again). */
export function actionsFor(status: TenantSummary['status']): TenantAction[] {
  switch (status) {
    case 'active':
      return ['suspend', 'markForDeletion'];
    case 'suspended':
      return ['resume', 'markForDeletion'];
    case 'pending_deletion':
      return ['cancelDeletion', 'purge'];
    default:
      return [];
  }
}

const DANGER: ReadonlySet<TenantAction> = new Set(['suspend', 'markForDeletion', 'purge']);
const DEFAULT_GRACE_DAYS = 30;

/**
 * Confirm one action on a tenant with its reason (every change is audited with one). Mount it
 * (with a key) only while the action is being confirmed, so its fields start empty.
 */
export function TenantActionDialog({
  action,
  tenant,
  actions,
  onClose,
  onUpdated,
  onPurgeStarted,
}: {
  action: TenantAction;
  tenant: TenantSummary;
  actions: TenantActions;
  onClose: () => void;
  /** The tenant as the action left it. */
  onUpdated: (t: TenantSummary) => void;
  onPurgeStarted: (job: JobRecord) => void;
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const fmt = useFormat();
  const now = useNow(30_000, action === 'purge');
  const idp = useId();
  const [reason, setReason] = useState('');
  const [grace, setGrace] = useState(String(DEFAULT_GRACE_DAYS));
  const id = tenant.id;

  const reasonOk = reasonSchema.safeParse(reason).success;
  const graceDays = /^\d{1,3}$/.test(grace.trim()) ? Number(grace.trim()) : undefined;
  const graceOk = graceDays !== undefined && graceDays <= 365;
  const ready = reasonOk && (action !== 'markForDeletion' || graceOk);
  const purgeAfter = tenant.purgeAfter;
  // A hint only: the server decides, and says so in its error when it is too early.
  const tooEarly = purgeAfter !== null && Date.parse(purgeAfter) > now;

  const run = async (): Promise<void> => {
    const why = reason.trim();
    switch (action) {
      case 'suspend':
        onUpdated(await actions.suspend(id, why));
        toast.success(t('tenants.action.suspend.done', { id }));
        return;
      case 'resume':
        onUpdated(await actions.resume(id, why));
        toast.success(t('tenants.action.resume.done', { id }));
        return;
      case 'markForDeletion':
        onUpdated(await actions.markForDeletion(id, why, graceDays ?? DEFAULT_GRACE_DAYS));
        toast.success(t('tenants.action.markForDeletion.done', { id }));
        return;
      case 'cancelDeletion':
        onUpdated(await actions.cancelDeletion(id, why));
        toast.success(t('tenants.action.cancelDeletion.done', { id }));
        return;
      case 'purge':
        onPurgeStarted(await actions.purge(id, why));
        return;
    }
  };

  return (
    <ConfirmDialog
      open
      onClose={onClose}
      title={t(`tenants.action.${action}.title`, { id })}
      confirmLabel={t(`tenants.action.${action}.button`)}
      danger={DANGER.has(action)}
      typeToConfirm={action === 'purge' ? id : undefined}
      confirmDisabled={!ready}
      onConfirm={run}
    >
      <div className="stack">
        <p>{t(`tenants.action.${action}.body`, { id, name: tenant.name })}</p>
        {action === 'purge' && purgeAfter !== null && (
          <p
            className={tooEarly ? 'callout callout-warn' : 'callout'}
            data-testid="purge-after"
            role="note"
          >
            {t(tooEarly ? 'tenants.action.purge.notYet' : 'tenants.action.purge.after', {
              time: fmt.dateTime(purgeAfter),
              relative: fmt.relative(purgeAfter),
            })}
          </p>
        )}
        <TextField
          id={`${idp}-reason`}
          label={t('tenants.action.reason')}
          value={reason}
          hint={t('tenants.action.reasonHint')}
          required
          autoFocus
          testId="tenant-action-reason"
          onChange={setReason}
        />
        {action === 'markForDeletion' && (
          <TextField
            id={`${idp}-grace`}
            label={t('tenants.action.graceDays')}
            value={grace}
            type="number"
            inputMode="numeric"
            error={graceOk ? undefined : t('tenants.action.graceInvalid')}
            hint={t('tenants.action.graceHint')}
            testId="tenant-action-grace"
            onChange={setGrace}
          />
        )}
      </div>
    </ConfirmDialog>
  );
}
