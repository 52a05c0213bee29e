import { useId, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import type { PartitionOverride, PartitionPolicies } from '@shared/partitions';
import { partitionOverrideSchema } from '@shared/partitions';
import { SelectField, TextField } from '../../components/fields';
import { useSchemaForm, viaContract } from '../../components/form/contractForm';
import { FormBody, FormDialog } from '../../components/form/FormDialog';
import { useSubmit } from '../../components/form/useSubmit';
import { effectiveOf, formOf, needsConfirm, overrideOf } from './policyForm';

type Entry = PartitionPolicies[number];
const formFields = z.object({
  premake: z.string(),
  retention: z.enum(['blueprint', 'none', 'keep']),
  retentionCount: z.string(),
  archive: z.enum(['blueprint', 'yes', 'no']),
  confirm: z.string(),
});
const output = partitionOverrideSchema.nullable();

/**
 * Override one table's partition policy in this environment: premake, retention and
 * archive-before-drop (blank keeps the blueprint's). A change that makes maintenance drop without
 * archiving asks for the table name typed, as the server does.
 */
export function PolicyDialog({
  entry,
  onClose,
  onSave,
}: {
  entry: Entry | undefined;
  onClose: () => void;
  onSave: (override: PartitionOverride | null, confirm?: string) => Promise<unknown>;
}) {
  const { t } = useTranslation();
  return (
    <FormDialog
      open={entry !== undefined}
      onClose={onClose}
      size="sm"
      testId="partition-policy-dialog"
      title={entry ? t('partitions.policy.editTitle', { table: entry.table }) : ''}
    >
      {entry && <PolicyForm entry={entry} onClose={onClose} onSave={onSave} />}
    </FormDialog>
  );
}

function PolicyForm({
  entry,
  onClose,
  onSave,
}: {
  entry: Entry;
  onClose: () => void;
  onSave: (override: PartitionOverride | null, confirm?: string) => Promise<unknown>;
}) {
  const { t } = useTranslation();
  const idp = useId();
  const schema = useMemo(
    () =>
      viaContract(
        formFields,
        output,
        (v, issue) => {
          const override = overrideOf(v);
          const next = effectiveOf(entry.blueprint, override);
          if (needsConfirm(entry.effective, next) && v.confirm.trim() !== entry.table)
            issue('confirm', t('partitions.policy.confirmHint', { table: entry.table }));
          return override;
        },
        (i) => {
          const field = i.path[0];
          if (field === 'premake') return t('partitions.policy.premakeRange');
          if (field === 'retention') return t('partitions.policy.retentionRange');
          return i.message;
        },
      ),
    [entry, t],
  );
  const { form, field } = useSchemaForm(schema, formOf(entry.override));
  const submit = useSubmit<[PartitionOverride | null]>(async (override) => {
    await onSave(override, form.getValues('confirm').trim() || undefined);
    onClose();
  });
  const retention = field('retention');
  const archive = field('archive');
  const values = form.watch();
  const next = effectiveOf(entry.blueprint, overrideOf(values));
  const bp = entry.blueprint;
  const yesNo = (b: boolean) => (b ? t('common.yes') : t('common.no'));
  return (
    <FormBody
      onSubmit={form.handleSubmit((o) => submit.run(o))}
      onCancel={onClose}
      busy={submit.busy}
      busyLabel={t('common.saving')}
      error={submit.error}
      submitTestId="save-partition-policy"
    >
      <p className="muted small">
        {t('partitions.policy.about', {
          column: bp.column,
          expression: bp.expression,
          interval: bp.interval,
        })}
      </p>
      <TextField
        id={`${idp}-premake`}
        label={t('partitions.policy.premake')}
        {...field('premake')}
        inputMode="numeric"
        placeholder={String(bp.premake)}
        hint={t('partitions.policy.premakeHint', { n: bp.premake })}
        testId="policy-premake"
        autoFocus
      />
      <SelectField
        id={`${idp}-retention`}
        label={t('partitions.policy.retention')}
        {...retention}
        options={[
          {
            value: 'blueprint',
            label: t('partitions.policy.fromBlueprint', {
              value:
                bp.retention === null
                  ? t('partitions.policy.keepAll')
                  : t('partitions.policy.keepN', { count: bp.retention }),
            }),
          },
          { value: 'none', label: t('partitions.policy.keepAll') },
          { value: 'keep', label: t('partitions.policy.keepSome') },
        ]}
        testId="policy-retention"
      />
      {retention.value === 'keep' && (
        <TextField
          id={`${idp}-count`}
          label={t('partitions.policy.retentionCount', { interval: bp.interval })}
          {...field('retentionCount')}
          inputMode="numeric"
          testId="policy-retention-count"
        />
      )}
      <SelectField
        id={`${idp}-archive`}
        label={t('partitions.policy.archive')}
        {...archive}
        options={[
          {
            value: 'blueprint',
            label: t('partitions.policy.fromBlueprint', { value: yesNo(bp.archive) }),
          },
          { value: 'yes', label: t('partitions.policy.archiveYes') },
          { value: 'no', label: t('partitions.policy.archiveNo') },
        ]}
        testId="policy-archive"
      />
      {needsConfirm(entry.effective, next) && (
        <TextField
          id={`${idp}-confirm`}
          label={t('partitions.policy.confirm', { table: entry.table })}
          {...field('confirm')}
          mono
          testId="policy-confirm"
        />
      )}
      <p className="muted small" data-testid="policy-effective">
        {t('partitions.policy.result', {
          premake: next.premake,
          retention:
            next.retention === null
              ? t('partitions.policy.keepAll')
              : t('partitions.policy.keepN', { count: next.retention }),
          archive: yesNo(next.archive),
        })}
      </p>
    </FormBody>
  );
}
