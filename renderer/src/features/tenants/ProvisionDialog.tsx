import { useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { JobRecord } from '@shared/jobs';
import type { BlueprintSummary, TenantSpec, TenantSummary } from '@shared/tenants';
import { useToast } from '../../app/toasts';
import { FormBody, FormDialog } from '../../components/form/FormDialog';
import { useSubmit } from '../../components/form/useSubmit';
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
  return (
    <FormDialog
      open={open}
      onClose={onClose}
      size="lg"
      testId="provision-dialog"
      title={t('tenants.provision.title')}
    >
      <ProvisionBody blueprint={blueprint} tenants={tenants} actions={actions} onClose={onClose} />
    </FormDialog>
  );
}

function ProvisionBody({
  blueprint,
  tenants,
  actions,
  onClose,
}: {
  blueprint: BlueprintSummary;
  tenants: readonly TenantSummary[];
  actions: TenantActions;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const idp = useId();
  const [draft, setDraft] = useState<SpecDraft>(() => newSpecDraft(blueprint.plans));
  const [idTouched, setIdTouched] = useState(false);
  const [touched, setTouched] = useState<ReadonlySet<SpecField>>(new Set());
  const [submitted, setSubmitted] = useState(false);
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
  const start = useSubmit<[TenantSpec], SpecField>(
    async (spec) => setJob(await actions.provision(spec)),
    {
      fieldOf: (path) => {
        const f = path[0] === 'spec' ? path[1] : path[0];
        return f && f in draft ? (f as SpecField) : undefined;
      },
      keepError: true,
    },
  );
  const { busy, error, fieldErrors: server } = start;
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
    start.clearField(field);
  };

  const submit = async (): Promise<void> => {
    setSubmitted(true);
    if (checked.value) await start.run(checked.value);
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
    <FormBody
      onSubmit={submit}
      onCancel={onClose}
      busy={busy}
      error={error}
      errorTitle={t('tenants.provision.startFailed')}
      submitLabel={t('tenants.provision.submit')}
      submitDisabled={submitted && !checked.value}
      submitDescribedBy={!checked.value ? `${idp}-invalid` : undefined}
      submitTestId="provision-submit"
      stickyActions
      after={
        !checked.value && (
          <p id={`${idp}-invalid`} className="sr-only">
            {t('tenants.provision.fixFirst')}
          </p>
        )
      }
    >
      <ProvisionFields
        idPrefix={idp}
        draft={draft}
        blueprint={blueprint}
        errors={errors}
        onChange={change}
      />
      <PlanPreviewView preview={preview} />
    </FormBody>
  );
}
