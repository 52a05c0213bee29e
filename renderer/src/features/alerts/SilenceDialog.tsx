import { useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { silenceSchema, type Silence } from '@shared/alerts';
import { DateTimeField, SelectField, TextAreaField, TextField } from '../../components/fields';
import { useSchemaForm, viaContract } from '../../components/form/contractForm';
import { FormBody, FormDialog } from '../../components/form/FormDialog';
import { useSubmit } from '../../components/form/useSubmit';
import {
  formatLabelLines,
  fromLocalInput,
  parseLabelLines,
  silenceIdFor,
  toLocalInput,
} from './alertModel';

const HOUR = 3_600_000;

const silenceFields = z.object({
  kind: z.enum(['silence', 'maintenance']),
  /** `key=value` pairs, one a line or comma-separated. */
  matchers: z.string(),
  /** `datetime-local` values (the user's time zone). */
  startsAt: z.string(),
  endsAt: z.string(),
  comment: z.string(),
});

export function SilenceDialog({
  open,
  envId,
  silence,
  onClose,
  onSave,
}: {
  open: boolean;
  envId: string;
  silence: Silence | undefined;
  onClose: () => void;
  onSave: (s: Silence) => Promise<void>;
}) {
  const { t } = useTranslation();
  return (
    <FormDialog
      open={open}
      onClose={onClose}
      title={silence ? t('alerts.editSilence') : t('alerts.addSilence')}
      testId="silence-dialog"
    >
      <SilenceForm envId={envId} silence={silence} onClose={onClose} onSave={onSave} />
    </FormDialog>
  );
}

function SilenceForm({
  envId,
  silence,
  onClose,
  onSave,
}: {
  envId: string;
  silence: Silence | undefined;
  onClose: () => void;
  onSave: (s: Silence) => Promise<void>;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [now] = useState(() => Date.now());
  // The form's text becomes the contract's silence; every issue of both shows at once.
  const schema = useMemo(
    () =>
      viaContract(silenceFields, silenceSchema, (v, issue) => {
        const parsed = parseLabelLines(v.matchers);
        if (parsed.issues.length > 0)
          issue(
            'matchers',
            parsed.issues
              .map((i) =>
                t('alerts.labelIssue', { line: i.line, what: t(`alerts.labelIssues.${i.kind}`) }),
              )
              .join('; '),
          );
        return {
          id: silence?.id ?? silenceIdFor({ ruleId: v.kind }, now),
          envId,
          kind: v.kind,
          matchers: parsed.labels,
          startsAt: fromLocalInput(v.startsAt) ?? '',
          endsAt: fromLocalInput(v.endsAt) ?? '',
          comment: v.comment,
          ...(silence?.createdBy && { createdBy: silence.createdBy }),
        };
      }),
    [silence, envId, now, t],
  );
  const { form, field } = useSchemaForm(schema, {
    kind: silence?.kind ?? 'silence',
    matchers: silence ? formatLabelLines(silence.matchers) : '',
    startsAt: toLocalInput(silence?.startsAt ?? new Date(now).toISOString()),
    endsAt: toLocalInput(silence?.endsAt ?? new Date(now + 2 * HOUR).toISOString()),
    comment: silence?.comment ?? '',
  });
  const submit = useSubmit(async (s: Silence) => {
    await onSave(s);
    onClose();
  });
  const kind = field('kind');
  const start = field('startsAt');
  const end = field('endsAt');
  const comment = field('comment');
  const endError =
    end.error === 'a silence ends after it starts' ? t('alerts.endsBeforeStart') : end.error;

  return (
    <FormBody
      onSubmit={form.handleSubmit((s) => submit.run(s))}
      onCancel={onClose}
      busy={submit.busy}
      error={submit.error}
      errorTitle={t('alerts.saveFailed')}
      submitTestId="silence-save"
    >
      <SelectField
        id={`${id}-kind`}
        label={t('alerts.silenceKind')}
        {...kind}
        hint={t(`alerts.kindHint.${kind.value}`)}
        testId="silence-kind"
        options={[
          { value: 'silence', label: t('alerts.kind.silence') },
          { value: 'maintenance', label: t('alerts.kind.maintenance') },
        ]}
      />
      <TextAreaField
        id={`${id}-matchers`}
        label={t('alerts.matchers')}
        hint={t('alerts.matchersHint')}
        {...field('matchers')}
        rows={3}
        placeholder="connection=core"
        testId="silence-matchers-input"
      />
      <div className="form-row">
        <DateTimeField
          id={`${id}-start`}
          label={t('alerts.startsAt')}
          {...start}
          required
          testId="silence-start"
        />
        <DateTimeField
          id={`${id}-end`}
          label={t('alerts.endsAt')}
          {...end}
          error={endError}
          required
          testId="silence-end"
        />
      </div>
      <TextField
        id={`${id}-comment`}
        label={t('alerts.comment')}
        {...comment}
        error={comment.error ? t('alerts.commentRequired') : undefined}
        required
        testId="silence-comment"
      />
    </FormBody>
  );
}
