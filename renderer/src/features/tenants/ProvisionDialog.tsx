import { useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { KeelError } from '@shared/errors';
import type { JobRecord } from '@shared/jobs';
import type { BlueprintSummary, TenantSummary } from '@shared/tenants';
import { useToast } from '../../app/toasts';
import { Dialog } from '../../components/Dialog';
import { ErrorCallout } from '../../components/ErrorText';
import { serverIssues, toKeelError } from '../../lib/errors';
import { FollowedJobRun } from './JobRun';
import { PlanPreviewView } from './PlanPreview';
import { ProvisionFields } from './ProvisionFields';
import {
  idFromName,
  newSpecDraft,
  tierForPlan,
  tiersForPlan,
  validateSpec,
  type SpecDraft,
  type SpecField,
  type SpecIssue,
} from './specModel';
import { usePreview } from './usePreview';
import type { TenantActions } from './useTenants';

/**
 * Provision one tenant: the spec checked as it is typed, the plan of what will be created
 * (`tenants.preview`), then the job's progress until it completes (the dialog closes) or fails
 * (its error says what was rolled back).
 */
export function ProvisionDialog({
  open,
  blueprint,
  tenants,
  actions,
  onClose,
}: {
  open: boolean;
  blueprint: BlueprintSummary;
  /** The catalog as loaded, to say at once that an id or subdomain is taken. */
  tenants: readonly TenantSummary[];
  actions: TenantActions;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  return (
    <Dialog
      open={open}
      onClose={onClose}
      busy={busy}
      size="lg"
      testId="provision-dialog"
      title={t('tenants.provision.title')}
    >
      <ProvisionBody
        blueprint={blueprint}
        tenants={tenants}
        actions={actions}
        onBusy={setBusy}
        onClose={onClose}
      />
    </Dialog>
  );
}

function ProvisionBody({
  blueprint,
  tenants,
  actions,
  onBusy,
  onClose,
}: {
  blueprint: BlueprintSummary;
  tenants: readonly TenantSummary[];
  actions: TenantActions;
  onBusy: (b: boolean) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const idp = useId();
  const [draft, setDraft] = useState<SpecDraft>(() => newSpecDraft(blueprint.plans));
  const [idTouched, setIdTouched] = useState(false);
  const [touched, setTouched] = useState<ReadonlySet<SpecField>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [server, setServer] = useState<Partial<Record<SpecField, string>>>({});
  const [error, setError] = useState<KeelError | undefined>();
  const [busy, setBusy] = useState(false);
  const [job, setJob] = useState<JobRecord | undefined>();
  const [jobFinal, setJobFinal] = useState(false);

  const ctx = useMemo(
    () => ({
      plans: blueprint.plans,
      existingIds: new Set(tenants.map((x) => x.id)),
      existingSubdomains: new Set(tenants.flatMap((x) => (x.subdomain ? [x.subdomain] : []))),
    }),
    [blueprint.plans, tenants],
  );
  const checked = validateSpec(draft, ctx);
  const preview = usePreview(actions.preview, job ? undefined : checked.value);

  const issueText = (i: SpecIssue): string =>
    i.code === 'other' ? i.message : t(`tenants.spec.${i.code}`);
  const errors: Partial<Record<SpecField, string>> = {};
  for (const [f, i] of Object.entries(checked.issues) as Array<[SpecField, SpecIssue]>)
    if (submitted || touched.has(f)) errors[f] = issueText(i);
  for (const [f, m] of Object.entries(server) as Array<[SpecField, string | undefined]>)
    if (m) errors[f] = m;

  const change = (patch: Partial<SpecDraft>, field: SpecField): void => {
    setDraft((d) => {
      const next = { ...d, ...patch };
      if (field === 'name' && !idTouched) next.id = idFromName(next.name);
      if (field === 'plan')
        next.tier = tierForPlan(d.tier, tiersForPlan(blueprint.plans, next.plan));
      if (next.tier !== 'dedicated_instance') next.instanceConnectionId = '';
      return next;
    });
    if (field === 'id') setIdTouched(true);
    setTouched((s) => new Set(s).add(field));
    setServer((s) => ({ ...s, [field]: undefined }));
  };

  const submit = async (): Promise<void> => {
    setSubmitted(true);
    if (!checked.value || busy) return;
    setBusy(true);
    onBusy(true);
    setError(undefined);
    try {
      setJob(await actions.provision(checked.value));
    } catch (e) {
      const ke = toKeelError(e);
      const byField: Partial<Record<SpecField, string>> = {};
      for (const i of serverIssues(ke)) {
        const f = i.path[0] === 'spec' ? i.path[1] : i.path[0];
        if (f && f in draft) byField[f as SpecField] ??= i.message;
      }
      setServer(byField);
      setError(ke);
    } finally {
      setBusy(false);
      onBusy(false);
    }
  };

  if (job)
    return (
      <div className="stack" data-testid="provision-progress">
        <p>{t('tenants.provision.running', { id: job.tenantId ?? draft.id })}</p>
        <FollowedJobRun
          key={job.id}
          initial={job}
          failedTitle={t('tenants.provision.failed')}
          onFinished={(j) => {
            setJobFinal(true);
            if (j.state === 'completed') {
              toast.success(t('tenants.provision.done', { id: j.tenantId ?? draft.id }));
              onClose();
            }
          }}
        />
        {!jobFinal && <p className="muted small">{t('tenants.provision.closeHint')}</p>}
        <div className="dialog-actions">
          {jobFinal && (
            <button
              type="button"
              className="btn"
              data-testid="provision-back"
              onClick={() => {
                setJob(undefined);
                setJobFinal(false);
              }}
            >
              {t('tenants.provision.back')}
            </button>
          )}
          <button type="button" className="btn" onClick={onClose}>
            {t('common.close')}
          </button>
        </div>
      </div>
    );

  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <div className="stack">
        <ProvisionFields
          idPrefix={idp}
          draft={draft}
          blueprint={blueprint}
          errors={errors}
          onChange={change}
        />
        <PlanPreviewView preview={preview} />
        {error && <ErrorCallout error={error} title={t('tenants.provision.startFailed')} />}
      </div>
      <div className="dialog-actions sticky-actions">
        <button type="button" className="btn" onClick={onClose} disabled={busy}>
          {t('common.cancel')}
        </button>
        <button
          type="submit"
          className="btn btn-primary"
          disabled={busy || (submitted && !checked.value)}
          aria-describedby={!checked.value ? `${idp}-invalid` : undefined}
          data-testid="provision-submit"
        >
          {busy ? t('common.working') : t('tenants.provision.submit')}
        </button>
      </div>
      {!checked.value && (
        <p id={`${idp}-invalid`} className="sr-only">
          {t('tenants.provision.fixFirst')}
        </p>
      )}
    </form>
  );
}
