import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { KeelError } from '@shared/errors';
import type { JobRecord, JobStart } from '@shared/jobs';
import type { EnvironmentView } from '@shared/models/environment';
import { useToast } from '../../app/toasts';
import { Dialog } from '../../components/Dialog';
import { ErrorCallout } from '../../components/ErrorText';
import { serverIssues, toKeelError } from '../../lib/errors';
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
  const [busy, setBusy] = useState(false);
  return (
    <Dialog
      open={open}
      onClose={onClose}
      busy={busy}
      testId="start-job-dialog"
      title={t('jobs.start.title')}
    >
      <StartJobForm
        envs={envs}
        envId={envId ?? envs[0]?.id ?? ''}
        onBusy={setBusy}
        onClose={onClose}
        onStart={onStart}
      />
    </Dialog>
  );
}

function StartJobForm({
  envs,
  envId,
  onBusy,
  onClose,
  onStart,
}: {
  envs: readonly EnvironmentView[];
  envId: string;
  onBusy: (b: boolean) => void;
  onClose: () => void;
  onStart: (input: JobStart) => Promise<JobRecord>;
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const issueText = useTargetIssueText();
  const idp = useId();
  const [draft, setDraft] = useState<TargetDraft>(() => defaultDraft(envId));
  const [server, setServer] = useState<Partial<Record<TargetField, string>>>({});
  const [error, setError] = useState<KeelError | undefined>();
  const [busy, setBusy] = useState(false);

  const checked = validateTarget(draft);
  const local = issuesByField(checked.issues);
  // The defaults are valid, so every issue follows an edit: shown at once, as typed.
  const errors: Partial<Record<TargetField, string>> = { ...server };
  for (const [f, i] of Object.entries(local) as Array<[TargetField, (typeof local)[TargetField]]>)
    if (i) errors[f] ??= issueText(i);
  const noEnv = envs.length === 0;

  const submit = async (): Promise<void> => {
    if (!checked.value || busy) return;
    setBusy(true);
    onBusy(true);
    setError(undefined);
    try {
      const rec = await onStart(checked.value);
      const env = envs.find((e) => e.id === rec.envId)?.name ?? rec.envId ?? '';
      toast.success(t('jobs.start.started', { kind: t(`jobs.kinds.${rec.kind}`), env }));
      onBusy(false);
      onClose();
    } catch (e) {
      const ke = toKeelError(e);
      const byField: Partial<Record<TargetField, string>> = {};
      for (const i of serverIssues(ke)) {
        const f = targetFieldOfPath(i.path);
        if (f) byField[f] ??= i.message;
      }
      setServer(byField);
      setError(ke);
      setBusy(false);
      onBusy(false);
    }
  };

  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <div className="stack">
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
              setServer((s) => ({ ...s, [field]: undefined }));
            }}
          />
        )}
        {error && <ErrorCallout error={error} title={t('jobs.startFailed')} />}
      </div>
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onClose} disabled={busy}>
          {t('common.cancel')}
        </button>
        <button
          type="submit"
          className="btn btn-primary"
          disabled={busy || noEnv || !checked.value}
          aria-describedby={!checked.value && !noEnv ? `${idp}-invalid` : undefined}
          data-testid="start-job-submit"
        >
          {busy ? t('common.working') : t('jobs.start.submit')}
        </button>
      </div>
      {!checked.value && !noEnv && (
        <p id={`${idp}-invalid`} className="sr-only">
          {t('jobs.start.fixFirst')}
        </p>
      )}
    </form>
  );
}
