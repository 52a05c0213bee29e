import { useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { environmentSchema, type EnvironmentView } from '@shared/models/environment';
import { useToast } from '../../app/toasts';
import { CheckboxField, TextField } from '../../components/fields';
import { useSchemaForm, viaContract } from '../../components/form/contractForm';
import { FormBody, FormDialog } from '../../components/form/FormDialog';
import { useSubmit } from '../../components/form/useSubmit';
import { slugify } from './form/formModel';
import { useConnectionActions } from './useConnectionActions';

const inputSchema = environmentSchema.omit({ connections: true });
type EnvironmentInput = z.output<typeof inputSchema>;
type Field = 'id' | 'name' | 'blueprint';
const envFields = z.object({
  id: z.string(),
  name: z.string(),
  blueprint: z.string(),
  production: z.boolean(),
});

/** Create an environment, or rename / re-flag an existing one (its id stays). */
export function EnvironmentDialog({
  open,
  env,
  existingIds,
  onClose,
  onSaved,
}: {
  open: boolean;
  env: EnvironmentView | undefined;
  existingIds: readonly string[];
  onClose: () => void;
  onSaved: (id: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <FormDialog
      open={open}
      onClose={onClose}
      size="sm"
      testId="environment-dialog"
      title={
        env ? t('connections.env.editTitle', { name: env.name }) : t('connections.env.addTitle')
      }
    >
      <EnvironmentForm env={env} existingIds={existingIds} onClose={onClose} onSaved={onSaved} />
    </FormDialog>
  );
}

function EnvironmentForm({
  env,
  existingIds,
  onClose,
  onSaved,
}: {
  env: EnvironmentView | undefined;
  existingIds: readonly string[];
  onClose: () => void;
  onSaved: (id: string) => void;
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const { saveEnvironment } = useConnectionActions();
  const idp = useId();
  const [idTouched, setIdTouched] = useState(env !== undefined);
  const schema = useMemo(
    () =>
      viaContract(
        envFields,
        inputSchema,
        (v, issue) => {
          const id = v.id.trim();
          if (!env && existingIds.includes(id)) issue('id', t('connections.env.idInUse'));
          return {
            id,
            name: v.name.trim(),
            production: v.production,
            blueprint: v.blueprint.trim() || 'default',
          };
        },
        (i) =>
          i.path[0] === 'id'
            ? t('validation.format.slug')
            : i.code === 'too_small'
              ? t('validation.required')
              : i.message,
      ),
    [env, existingIds, t],
  );
  const { form, field } = useSchemaForm(schema, {
    id: env?.id ?? '',
    name: env?.name ?? '',
    production: env?.production ?? false,
    blueprint: env?.blueprint ?? 'default',
  });
  const submit = useSubmit<[EnvironmentInput], Field>(
    async (input) => {
      const saved = await saveEnvironment(input);
      toast.success(t('connections.env.saved', { name: saved.name }));
      onSaved(saved.id);
      onClose();
    },
    {
      fieldOf: ([f]) => (f === 'id' || f === 'name' || f === 'blueprint' ? f : undefined),
    },
  );
  const server = submit.fieldErrors;
  const name = field('name', server.name);
  const id = field('id', server.id);
  const production = field('production');

  return (
    <FormBody
      onSubmit={form.handleSubmit((input) => submit.run(input))}
      onCancel={onClose}
      busy={submit.busy}
      busyLabel={t('common.saving')}
      error={submit.error}
      submitTestId="save-environment"
    >
      <TextField
        id={`${idp}-name`}
        label={t('connections.env.name')}
        {...name}
        onChange={(v) => {
          name.onChange(v);
          if (!idTouched) id.onChange(slugify(v));
          submit.clearField('name');
        }}
        autoFocus
        required
      />
      <TextField
        id={`${idp}-id`}
        label={t('connections.env.id')}
        {...id}
        onChange={(v) => {
          id.onChange(v);
          setIdTouched(true);
          submit.clearField('id');
        }}
        hint={env ? t('connections.env.idFixed') : t('connections.env.idHint')}
        readOnly={env !== undefined}
        mono
        required
      />
      <TextField
        id={`${idp}-blueprint`}
        label={t('connections.env.blueprint')}
        {...field('blueprint', server.blueprint)}
        hint={t('connections.env.blueprintHint')}
        mono
      />
      <CheckboxField
        id={`${idp}-prod`}
        label={t('connections.env.production')}
        checked={production.value}
        onChange={production.onChange}
        hint={t('connections.env.productionHint')}
      />
    </FormBody>
  );
}
