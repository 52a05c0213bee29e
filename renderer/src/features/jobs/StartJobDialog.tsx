import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { JobRecord, JobStart } from '@shared/jobs';
import type { EnvironmentView } from '@shared/models/environment';
import { useToast } from '../../app/toasts';
import { FormBody, FormDialog } from '../../components/form/FormDialog';
import { useSubmit } from '../../components/form/useSubmit';
import { JobTargetFields } from './target/JobTargetFields';
import {
  defaultDraft,
  issuesByField,
  targetFieldOfPath,
  validateTarget,
  type TargetDraft,
  type TargetField,
} from './target/targetModel';
import { useTargetIssueText } from './target/useTargetIssueText';

/** Start any job kind by hand, its fields checked as they are typed. */
export function StartJobDialog({
  open,
  envs,
  envId,
  onClose,
  onStart,
}: {
  open: boolean;
  envs: readonly EnvironmentView[];
  /** The environment chosen first (the active one). */
  envId: string | undefined;
  onClose: () => void;
  onStart: (input: JobStart) => Promise<JobRecord>;
}) {
  const { t } = useTranslation();
  return (
    <FormDialog
      open={open}
      onClose={onClose}
      testId="start-job-dialog"
      title={t('jobs.start.title')}
    >
      <StartJobForm
        envs={envs}
        envId={envId ?? envs[0]?.id ?? ''}
        onClose={onClose}
        onStart={onStart}
      />
    </FormDialog>
  );
}

function StartJobForm({
  envs,
  envId,
  onClose,
  onStart,
}: {
  envs: readonly EnvironmentView[];
  envId: string;
  onClose: () => void;
  onStart: (input: JobStart) => Promise<JobRecord>;
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const issueText = useTargetIssueText();
  const idp = useId();
  const [draft, setDraft] = useState<TargetDraft>(() => defaultDraft(envId));
  const start = useSubmit<[JobStart], TargetField>(
    async (input) => {
      const rec = await onStart(input);
      const env = envs.find((e) => e.id === rec.envId)?.name ?? rec.envId ?? '';
      toast.success(t('jobs.start.started', { kind: t(`jobs.kinds.${rec.kind}`), env }));
      onClose();
    },
    { fieldOf: targetFieldOfPath, keepError: true },
  );
  const { busy, error, fieldErrors: server } = start;

  const checked = validateTarget(draft);
  const local = issuesByField(checked.issues);
  // The defaults are valid, so every issue follows an edit: shown at once, as typed.
  const errors: Partial<Record<TargetField, string>> = { ...server };
  for (const [f, i] of Object.entries(local) as Array<[TargetField, (typeof local)[TargetField]]>)
    if (i) errors[f] ??= issueText(i);
  const noEnv = envs.length === 0;

  return (
    <FormBody
      onSubmit={() => (checked.value ? start.run(checked.value) : undefined)}
      onCancel={onClose}
      busy={busy}
      error={error}
      errorTitle={t('jobs.startFailed')}
      submitLabel={t('jobs.start.submit')}
      submitDisabled={noEnv || !checked.value}
      submitDescribedBy={!checked.value && !noEnv ? `${idp}-invalid` : undefined}
      submitTestId="start-job-submit"
      after={
        !checked.value &&
        !noEnv && (
          <p id={`${idp}-invalid`} className="sr-only">
            {t('jobs.start.fixFirst')}
          </p>
        )
      }
    >
      {noEnv ? (
        <p className="callout callout-warn">{t('jobs.start.noEnvironments')}</p>
      ) : (
        <JobTargetFields
          idPrefix={idp}
          draft={draft}
          envs={envs}
          errors={errors}
          kindTestId="start-job-kind"
          onChange={(patch, field) => {
            setDraft((d) => ({ ...d, ...patch }));
            start.clearField(field);
          }}
        />
      )}
    </FormBody>
  );
}
