import { useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { silenceSchema, type Silence } from '@shared/alerts';
import type { KeelError } from '@shared/errors';
import { Dialog } from '../../components/Dialog';
import { ErrorCallout } from '../../components/ErrorText';
import { SelectField, TextAreaField, TextField } from '../../components/fields';
import { toKeelError } from '../../lib/errors';
import {
  formatLabelLines,
  fromLocalInput,
  parseLabelLines,
  silenceIdFor,
  toLocalInput,
} from './alertModel';

const HOUR = 3_600_000;

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
  const [busy, setBusy] = useState(false);
  return (
    <Dialog
      open={open}
      onClose={onClose}
      busy={busy}
      title={silence ? t('alerts.editSilence') : t('alerts.addSilence')}
      testId="silence-dialog"
    >
      <SilenceForm
        envId={envId}
        silence={silence}
        onClose={onClose}
        onSave={onSave}
        setBusy={setBusy}
      />
    </Dialog>
  );
}

function SilenceForm({
  envId,
  silence,
  onClose,
  onSave,
  setBusy,
}: {
  envId: string;
  silence: Silence | undefined;
  onClose: () => void;
  onSave: (s: Silence) => Promise<void>;
  setBusy: (b: boolean) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [now] = useState(() => Date.now());
  const [kind, setKind] = useState<Silence['kind']>(silence?.kind ?? 'silence');
  const [matchers, setMatchers] = useState(silence ? formatLabelLines(silence.matchers) : '');
  const [start, setStart] = useState(
    toLocalInput(silence?.startsAt ?? new Date(now).toISOString()),
  );
  const [end, setEnd] = useState(
    toLocalInput(silence?.endsAt ?? new Date(now + 2 * HOUR).toISOString()),
  );
  const [comment, setComment] = useState(silence?.comment ?? '');
  const [touched, setTouched] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<KeelError | undefined>();

  const parsed = parseLabelLines(matchers);
  const candidate = useMemo(
    () => ({
      id: silence?.id ?? silenceIdFor({ ruleId: kind }, now),
      envId,
      kind,
      matchers: parsed.labels,
      startsAt: fromLocalInput(start) ?? '',
      endsAt: fromLocalInput(end) ?? '',
      comment,
      ...(silence?.createdBy && { createdBy: silence.createdBy }),
    }),
    [silence, kind, now, envId, parsed.labels, start, end, comment],
  );
  const check = silenceSchema.safeParse(candidate);
  const issues: Record<string, string> = {};
  if (!check.success)
    for (const i of check.error.issues) issues[i.path.map(String).join('.')] ??= i.message;
  const err = (k: string): string | undefined => (touched ? issues[k] : undefined);
  const matcherError =
    parsed.issues.length > 0
      ? parsed.issues
          .map((i) =>
            t('alerts.labelIssue', { line: i.line, what: t(`alerts.labelIssues.${i.kind}`) }),
          )
          .join('; ')
      : undefined;

  const save = async (): Promise<void> => {
    setTouched(true);
    if (!check.success || parsed.issues.length > 0 || saving) return;
    setSaving(true);
    setBusy(true);
    setError(undefined);
    try {
      await onSave(check.data);
      onClose();
    } catch (e) {
      setError(toKeelError(e));
    } finally {
      setSaving(false);
      setBusy(false);
    }
  };

  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <div className="stack">
        <SelectField
          id={`${id}-kind`}
          label={t('alerts.silenceKind')}
          value={kind}
          hint={t(`alerts.kindHint.${kind}`)}
          testId="silence-kind"
          options={[
            { value: 'silence', label: t('alerts.kind.silence') },
            { value: 'maintenance', label: t('alerts.kind.maintenance') },
          ]}
          onChange={setKind}
        />
        <TextAreaField
          id={`${id}-matchers`}
          label={t('alerts.matchers')}
          hint={t('alerts.matchersHint')}
          value={matchers}
          error={matcherError}
          rows={3}
          placeholder="connection=core"
          testId="silence-matchers-input"
          onChange={setMatchers}
        />
        <div className="form-row">
          <div className="field">
            <label htmlFor={`${id}-start`}>{t('alerts.startsAt')}</label>
            <input
              id={`${id}-start`}
              type="datetime-local"
              className="input"
              value={start}
              aria-invalid={err('startsAt') ? true : undefined}
              data-testid="silence-start"
              onChange={(e) => setStart(e.target.value)}
            />
            {err('startsAt') && <div className="field-error">{err('startsAt')}</div>}
          </div>
          <div className="field">
            <label htmlFor={`${id}-end`}>{t('alerts.endsAt')}</label>
            <input
              id={`${id}-end`}
              type="datetime-local"
              className="input"
              value={end}
              aria-invalid={err('endsAt') ? true : undefined}
              data-testid="silence-end"
              onChange={(e) => setEnd(e.target.value)}
            />
            {err('endsAt') && (
              <div className="field-error" role="alert">
                {err('endsAt') === 'a silence ends after it starts'
                  ? t('alerts.endsBeforeStart')
                  : err('endsAt')}
              </div>
            )}
          </div>
        </div>
        <TextField
          id={`${id}-comment`}
          label={t('alerts.comment')}
          value={comment}
          error={err('comment') ? t('alerts.commentRequired') : undefined}
          testId="silence-comment"
          onChange={setComment}
        />
        {error && <ErrorCallout error={error} title={t('alerts.saveFailed')} />}
      </div>
      <div className="dialog-actions">
        <button type="button" className="btn" disabled={saving} onClick={onClose}>
          {t('common.cancel')}
        </button>
        <button
          type="submit"
          className="btn btn-primary"
          disabled={saving}
          data-testid="silence-save"
        >
          {saving ? t('common.working') : t('common.save')}
        </button>
      </div>
    </form>
  );
}
