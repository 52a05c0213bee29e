import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EnvironmentView } from '@shared/models/environment';
import type { Schedule, ScheduleInput } from '@shared/schedules';
import { useToast } from '../../app/toasts';
import { CheckboxField, TextField } from '../../components/fields';
import { FormBody, FormDialog } from '../../components/form/FormDialog';
import { useSubmit } from '../../components/form/useSubmit';
import { localTimeZone } from '../../lib/timeZone';
import { slugify } from '../connections/form/formModel';
import { JobTargetFields } from '../jobs/target/JobTargetFields';
import type { TargetField } from '../jobs/target/targetModel';
import { useTargetIssueText } from '../jobs/target/useTargetIssueText';
import { CronField, CronPreviewView } from './CronField';
import {
  draftFromSchedule,
  newScheduleDraft,
  scheduleFieldOfPath,
  splitScheduleIssues,
  validateSchedule,
  type ScheduleDraft,
  type ScheduleField,
} from './scheduleModel';
import { TimeZonePicker } from './TimeZonePicker';
import { useCronPreview } from './useCronPreview';

const TARGET_FIELDS: readonly ScheduleField[] = [
  'kind',
  'envId',
  'connectionId',
  'duration',
  'interval',
];

/** Create a schedule in an environment, or change one (its id and environment stay). */
export function ScheduleDialog({
  open,
  env,
  schedule,
  existingIds,
  onClose,
  onSave,
}: {
  open: boolean;
  env: EnvironmentView;
  schedule: Schedule | undefined;
  existingIds: readonly string[];
  onClose: () => void;
  onSave: (input: ScheduleInput) => Promise<Schedule>;
}) {
  const { t } = useTranslation();
  return (
    <FormDialog
      open={open}
      onClose={onClose}
      size="lg"
      testId="schedule-dialog"
      title={schedule ? t('schedules.editTitle', { name: schedule.name }) : t('schedules.addTitle')}
    >
      <ScheduleForm
        env={env}
        schedule={schedule}
        existingIds={existingIds}
        onClose={onClose}
        onSave={onSave}
      />
    </FormDialog>
  );
}

function ScheduleForm({
  env,
  schedule,
  existingIds,
  onClose,
  onSave,
}: {
  env: EnvironmentView;
  schedule: Schedule | undefined;
  existingIds: readonly string[];
  onClose: () => void;
  onSave: (input: ScheduleInput) => Promise<Schedule>;
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const issueText = useTargetIssueText();
  const idp = useId();
  const [draft, setDraft] = useState<ScheduleDraft>(() =>
    schedule ? draftFromSchedule(schedule) : newScheduleDraft(env.id, localTimeZone()),
  );
  const [idTouched, setIdTouched] = useState(schedule !== undefined);
  const [touched, setTouched] = useState<ReadonlySet<ScheduleField>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const submit = useSubmit<[ScheduleInput], ScheduleField>(
    async (input) => {
      const saved = await onSave(input);
      toast.success(t('schedules.saved', { name: saved.name }));
      onClose();
    },
    { fieldOf: scheduleFieldOfPath },
  );
  const { busy, error, fieldErrors: server } = submit;

  const checked = validateSchedule(draft, env.id, schedule ? [] : existingIds);
  const { byField } = splitScheduleIssues(checked.issues);
  const preview = useCronPreview(draft.cron, draft.tz);
  const cronInvalid = preview.status === 'invalid';
  const err = (f: ScheduleField): string | undefined => {
    if (server[f]) return server[f];
    const i = byField[f];
    // Numbers of a watch and the id's format are checked live; empty fields once left or on save.
    return i && (submitted || touched.has(f) || TARGET_FIELDS.includes(f))
      ? issueText(i)
      : undefined;
  };
  const targetErrors = Object.fromEntries(
    TARGET_FIELDS.map((f) => [f, err(f)]).filter(([, v]) => v),
  ) as Partial<Record<TargetField, string>>;

  const change = (patch: Partial<ScheduleDraft>, field: ScheduleField): void => {
    setDraft((d) => ({ ...d, ...patch }));
    setTouched((s) => new Set(s).add(field));
    submit.clearField(field);
  };

  const save = async (): Promise<void> => {
    setSubmitted(true);
    if (!checked.value || cronInvalid) return;
    await submit.run(checked.value);
  };

  const blocked = busy || cronInvalid || (submitted && !checked.value);
  return (
    <FormBody
      onSubmit={save}
      onCancel={onClose}
      busy={busy}
      busyLabel={t('common.saving')}
      error={error}
      errorTitle={t('schedules.saveFailed')}
      submitDisabled={blocked}
      submitTestId="save-schedule"
    >
      <div className="form-grid">
        <TextField
          id={`${idp}-name`}
          label={t('schedules.name')}
          value={draft.name}
          error={err('name')}
          required
          autoFocus
          testId="schedule-name"
          onChange={(v) => change({ name: v, ...(!idTouched && { id: slugify(v) }) }, 'name')}
        />
        <TextField
          id={`${idp}-id`}
          label={t('schedules.id')}
          value={draft.id}
          error={err('id')}
          hint={schedule ? t('schedules.idFixed') : t('schedules.idHint')}
          readOnly={schedule !== undefined}
          mono
          required
          testId="schedule-id"
          onChange={(v) => {
            setIdTouched(true);
            change({ id: v }, 'id');
          }}
        />
      </div>
      <JobTargetFields
        idPrefix={`${idp}-target`}
        draft={{ ...draft.target, envId: env.id }}
        envs={[env]}
        envLocked
        errors={targetErrors}
        kindTestId="schedule-kind"
        onChange={(patch, field) => change({ target: { ...draft.target, ...patch } }, field)}
      />
      <div className="form-grid cron-grid">
        <CronField
          id={`${idp}-cron`}
          value={draft.cron}
          preview={preview}
          serverError={server.cron}
          onChange={(v) => change({ cron: v }, 'cron')}
        />
        <TimeZonePicker
          id={`${idp}-tz`}
          value={draft.tz}
          error={err('tz')}
          onChange={(v) => change({ tz: v }, 'tz')}
        />
      </div>
      <CronPreviewView id={`${idp}-runs`} preview={preview} cron={draft.cron} />
      <CheckboxField
        id={`${idp}-enabled`}
        label={t('schedules.enabled')}
        hint={t('schedules.enabledHint')}
        checked={draft.enabled}
        onChange={(v) => setDraft((d) => ({ ...d, enabled: v }))}
      />
    </FormBody>
  );
}
