import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { KeelError } from '@shared/errors';
import type { EnvironmentView } from '@shared/models/environment';
import { useToast } from '../../app/toasts';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Dialog } from '../../components/Dialog';
import { ErrorCallout } from '../../components/ErrorText';
import { CheckboxField, TextAreaField, TextField } from '../../components/fields';
import { toKeelError } from '../../lib/errors';
import { useConnectionActions } from './useConnectionActions';

const MAX_BYTES = 1_000_000;

/** The `id:` at the top level of an environment YAML, to say what "replace" will overwrite. */
export function yamlEnvId(yaml: string): string | undefined {
  return /^id:\s*["']?([a-z0-9][a-z0-9_-]{0,62})["']?\s*$/m.exec(yaml)?.[1];
}

export function YamlImportDialog({
  open,
  envs,
  onClose,
  onImported,
}: {
  open: boolean;
  envs: readonly EnvironmentView[];
  onClose: () => void;
  onImported: (envId: string) => void;
}) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  return (
    <Dialog
      open={open}
      onClose={onClose}
      busy={busy}
      size="md"
      testId="import-yaml-dialog"
      title={t('connections.yaml.importTitle')}
    >
      <ImportBody envs={envs} onClose={onClose} onImported={onImported} onBusy={setBusy} />
    </Dialog>
  );
}

function ImportBody({
  envs,
  onClose,
  onImported,
  onBusy,
}: {
  envs: readonly EnvironmentView[];
  onClose: () => void;
  onImported: (envId: string) => void;
  onBusy: (b: boolean) => void;
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const { importYaml } = useConnectionActions();
  const idp = useId();
  const [yaml, setYaml] = useState('');
  const [pass, setPass] = useState('');
  const [replace, setReplace] = useState(false);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<KeelError | undefined>();
  const [fileError, setFileError] = useState<string | undefined>();

  const targetId = yamlEnvId(yaml);
  const target = envs.find((e) => e.id === targetId);

  const openFile = async (file: File | undefined): Promise<void> => {
    if (!file) return;
    if (file.size > MAX_BYTES) {
      setFileError(t('connections.yaml.tooLarge'));
      return;
    }
    setFileError(undefined);
    setYaml(await file.text());
  };

  const run = async (): Promise<void> => {
    setBusy(true);
    onBusy(true);
    setError(undefined);
    try {
      const env = await importYaml({ yaml, replace, ...(pass !== '' && { passphrase: pass }) });
      toast.success(
        t('connections.yaml.imported', { name: env.name, count: env.connections.length }),
      );
      onBusy(false);
      onImported(env.id);
      onClose();
    } catch (e) {
      setError(toKeelError(e));
      setBusy(false);
      onBusy(false);
    }
  };

  return (
    <>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (yaml.trim() === '') return;
          if (replace) setConfirming(true);
          else void run();
        }}
      >
        <div className="stack">
          <div className="field">
            <label htmlFor={`${idp}-file`}>{t('connections.yaml.openFile')}</label>
            <input
              id={`${idp}-file`}
              type="file"
              accept=".yaml,.yml,application/yaml,text/yaml"
              onChange={(e) => void openFile(e.target.files?.[0])}
            />
            {fileError && <div className="field-error">{fileError}</div>}
          </div>
          <TextAreaField
            id={`${idp}-yaml`}
            label={t('connections.yaml.text')}
            value={yaml}
            onChange={setYaml}
            rows={10}
            hint={
              targetId
                ? t('connections.yaml.targets', { id: targetId })
                : t('connections.yaml.pasteHint')
            }
          />
          <TextField
            id={`${idp}-pass`}
            type="password"
            label={t('connections.yaml.passphraseOptional')}
            value={pass}
            onChange={setPass}
            hint={t('connections.yaml.passphraseImportHint')}
            autoComplete="off"
          />
          <CheckboxField
            id={`${idp}-replace`}
            label={t('connections.yaml.replace')}
            checked={replace}
            onChange={setReplace}
            hint={t('connections.yaml.replaceHint')}
          />
          {error && <ErrorCallout error={error} />}
          {error?.code === 'CONFLICT' && !replace && (
            <p className="field-hint" role="note">
              {t('connections.yaml.conflictHint')}
            </p>
          )}
        </div>
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose} disabled={busy}>
            {t('common.cancel')}
          </button>
          <button
            type="submit"
            className={replace ? 'btn btn-danger' : 'btn btn-primary'}
            disabled={busy || yaml.trim() === ''}
            data-testid="import-yaml-run"
          >
            {busy
              ? t('common.working')
              : replace
                ? t('connections.yaml.importReplace')
                : t('connections.yaml.import')}
          </button>
        </div>
      </form>
      <ConfirmDialog
        open={confirming}
        onClose={() => setConfirming(false)}
        title={t('connections.yaml.replaceConfirmTitle')}
        confirmLabel={t('connections.yaml.importReplace')}
        danger
        typeToConfirm={target?.production ? target.id : undefined}
        onConfirm={async () => {
          setConfirming(false);
          await run();
        }}
      >
        {target
          ? t('connections.yaml.replaceConfirmBody', {
              name: target.name,
              id: target.id,
              count: target.connections.length,
            })
          : t('connections.yaml.replaceConfirmUnknown')}
      </ConfirmDialog>
    </>
  );
}
