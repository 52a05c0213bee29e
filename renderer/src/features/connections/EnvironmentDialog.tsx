import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { KeelError } from '@shared/errors';
import { environmentSchema, type EnvironmentView } from '@shared/models/environment';
import { useToast } from '../../app/toasts';
import { Dialog } from '../../components/Dialog';
import { ErrorCallout } from '../../components/ErrorText';
import { CheckboxField, TextField } from '../../components/fields';
import { serverIssues, toKeelError } from '../../lib/errors';
import { slugify } from './form/formModel';
import { useConnectionActions } from './useConnectionActions';

const inputSchema = environmentSchema.omit({ connections: true });
type Field = 'id' | 'name' | 'blueprint';

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
  const [busy, setBusy] = useState(false);
  return (
    <Dialog
      open={open}
      onClose={onClose}
      busy={busy}
      size="sm"
      testId="environment-dialog"
      title={
        env ? t('connections.env.editTitle', { name: env.name }) : t('connections.env.addTitle')
      }
    >
      <EnvironmentForm
        env={env}
        existingIds={existingIds}
        onBusy={setBusy}
        onClose={onClose}
        onSaved={onSaved}
      />
    </Dialog>
  );
}

function EnvironmentForm({
  env,
  existingIds,
  onBusy,
  onClose,
  onSaved,
}: {
  env: EnvironmentView | undefined;
  existingIds: readonly string[];
  onBusy: (b: boolean) => void;
  onClose: () => void;
  onSaved: (id: string) => void;
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const { saveEnvironment } = useConnectionActions();
  const idp = useId();
  const [id, setId] = useState(env?.id ?? '');
  const [name, setName] = useState(env?.name ?? '');
  const [idTouched, setIdTouched] = useState(env !== undefined);
  const [production, setProduction] = useState(env?.production ?? false);
  const [blueprint, setBlueprint] = useState(env?.blueprint ?? 'default');
  const [submitted, setSubmitted] = useState(false);
  const [server, setServer] = useState<Partial<Record<Field, string>>>({});
  const [error, setError] = useState<KeelError | undefined>();
  const [busy, setBusy] = useState(false);

  const input = {
    id: id.trim(),
    name: name.trim(),
    production,
    blueprint: blueprint.trim() || 'default',
  };
  const parsed = inputSchema.safeParse(input);
  const local: Partial<Record<Field, string>> = {};
  if (!parsed.success) {
    for (const i of parsed.error.issues) {
      const f = i.path[0] as Field;
      local[f] ??=
        f === 'id'
          ? t('validation.format.slug')
          : i.code === 'too_small'
            ? t('validation.required')
            : i.message;
    }
  }
  if (!env && existingIds.includes(input.id)) local.id = t('connections.env.idInUse');
  const err = (f: Field): string | undefined => server[f] ?? (submitted ? local[f] : undefined);

  const save = async (): Promise<void> => {
    setSubmitted(true);
    if (!parsed.success || Object.keys(local).length > 0) return;
    setBusy(true);
    onBusy(true);
    setError(undefined);
    try {
      const saved = await saveEnvironment(parsed.data);
      toast.success(t('connections.env.saved', { name: saved.name }));
      onBusy(false);
      onSaved(saved.id);
      onClose();
    } catch (e) {
      const ke = toKeelError(e);
      const byField: Partial<Record<Field, string>> = {};
      for (const i of serverIssues(ke)) {
        const f = i.path[0];
        if (f === 'id' || f === 'name' || f === 'blueprint') byField[f] ??= i.message;
      }
      setServer(byField);
      if (Object.keys(byField).length === 0) setError(ke);
      setBusy(false);
      onBusy(false);
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
        <TextField
          id={`${idp}-name`}
          label={t('connections.env.name')}
          value={name}
          onChange={(v) => {
            setName(v);
            if (!idTouched) setId(slugify(v));
            setServer((s) => ({ ...s, name: undefined }));
          }}
          error={err('name')}
          autoFocus
          required
        />
        <TextField
          id={`${idp}-id`}
          label={t('connections.env.id')}
          value={id}
          onChange={(v) => {
            setId(v);
            setIdTouched(true);
            setServer((s) => ({ ...s, id: undefined }));
          }}
          error={err('id')}
          hint={env ? t('connections.env.idFixed') : t('connections.env.idHint')}
          readOnly={env !== undefined}
          mono
          required
        />
        <TextField
          id={`${idp}-blueprint`}
          label={t('connections.env.blueprint')}
          value={blueprint}
          onChange={setBlueprint}
          error={err('blueprint')}
          hint={t('connections.env.blueprintHint')}
          mono
        />
        <CheckboxField
          id={`${idp}-prod`}
          label={t('connections.env.production')}
          checked={production}
          onChange={setProduction}
          hint={t('connections.env.productionHint')}
        />
        {error && <ErrorCallout error={error} />}
      </div>
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onClose} disabled={busy}>
          {t('common.cancel')}
        </button>
        <button
          type="submit"
          className="btn btn-primary"
          disabled={busy}
          data-testid="save-environment"
        >
          {busy ? t('common.saving') : t('common.save')}
        </button>
      </div>
    </form>
  );
}
